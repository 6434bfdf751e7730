//! Connecting an account: OAuth 2's authorization-code flow as a desktop app runs it.
//!
//! 1. `PendingConnect::begin` binds a listener on `127.0.0.1:<port>` first (so a port in use is
//!    known before the browser opens) and builds the consent page's URL with a fresh `state`
//!    (the oauth2 crate, in `pinterest::oauth`).
//! 2. The caller opens that URL in the system browser; `wait_for_code` serves the callback until
//!    one carries this attempt's `state`: any local page can request `127.0.0.1:<port>/callback`
//!    (a `fetch` needs no permission), so an answer with another state gets a 400 and the
//!    connect keeps waiting (issue 16 item 4). The first answer with the right state ends it: a
//!    code, or `error=access_denied` as a clear error. The browser gets a short page, and the
//!    listener closes, also on a timeout.
//!    PKCE (issue 16 item 4, asked and not settled): Pinterest's v5 OpenAPI document
//!    (`../shared/reference`) names no `code_challenge` on `/oauth/` or `code_verifier` on
//!    `/oauth/token`, and its own authentication guide that we could read does not mention
//!    PKCE; one third-party guide says v5 uses it. PinPace does not send it until Pinterest's
//!    documentation says the token endpoint checks it: a challenge that is ignored adds nothing.
//! 3. `exchange` trades the code for tokens (HTTP Basic client credentials, continuous refresh)
//!    and reads `GET /user_account` for the account's name.
//! 4. `register` writes the account row and the tokens (keychain or the chosen file) together:
//!    if either fails, neither stays. Reconnecting keeps the account's id and its queue.

use crate::AccountId;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get;
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::oauth::authorize_url;
use crate::pinterest::types::UserAccount;
use crate::pinterest::{AppCredentials, Environment, Outcome, PinterestClient, Secret};
use crate::secrets::token_store::TokenSet;
use crate::secrets::VaultTokens;
use crate::store::accounts::AccountStatus;
use crate::store::job_state::JobState;
use crate::store::jobs::JobPatch;
use crate::Store;

/// The port PinPace suggests registering (`http://127.0.0.1:8085/callback`); any other works
/// when it matches the redirect URI registered with the Pinterest app.
pub const DEFAULT_REDIRECT_PORT: u16 = 8085;

/// A connect waiting for the browser: the listener is bound, the consent URL is ready.
pub struct PendingConnect {
    pub authorize_url: Url,
    pub redirect_uri: Url,
    state: Secret,
    listener: TcpListener,
}

impl PendingConnect {
    /// Binds `127.0.0.1:port` (0 picks a free port: only for the simulator, whose redirect URIs
    /// are not registered) and builds the consent URL.
    pub async fn begin(
        env: &Environment,
        client_id: &str,
        port: u16,
    ) -> Result<PendingConnect, EngineError> {
        // A custom server gets the client id now and the secret and tokens next: plain http
        // off this machine is refused before anything listens or is sent (issue 16 item 5).
        env.check()?;
        if client_id.trim().is_empty() {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "the Pinterest app's client id is empty: enter it in settings",
            ));
        }
        let listener =
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AddrInUse => EngineError::new(
                        ErrorCode::PortInUse,
                        format!(
                        "port {port} is used by another program; close it, or choose another \
                         port and register http://127.0.0.1:<port>/callback with your Pinterest app"
                    ),
                    ),
                    _ => EngineError::new(
                        ErrorCode::PortInUse,
                        format!("cannot listen on 127.0.0.1:{port}: {e}"),
                    ),
                })?;
        let bound = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{bound}/callback"))
            .expect("a loopback URL parses");
        let page = env.authorize_url().map_err(|e| {
            EngineError::new(
                ErrorCode::InvalidInput,
                format!("the environment's base URL is not valid: {e}"),
            )
        })?;
        let (url, state) = authorize_url(&page, client_id, &redirect_uri).map_err(|e| {
            EngineError::new(ErrorCode::InvalidInput, format!("bad consent URL: {e}"))
        })?;
        tracing::info!(
            env = super::env_kind(env),
            port = bound,
            "connect: listening for the consent page's answer"
        );
        Ok(PendingConnect {
            authorize_url: url,
            redirect_uri,
            state,
            listener,
        })
    }

    /// Serves the one callback and returns its code. The listener is closed when this returns,
    /// whatever the result.
    pub async fn wait_for_code(self, timeout: Duration) -> Result<Secret, EngineError> {
        type Answer = Result<Secret, EngineError>;
        let (tx, rx) = oneshot::channel::<Answer>();
        let tx = Arc::new(Mutex::new(Some(tx)));
        let expected = self.state.clone();
        let handler = move |Query(q): Query<HashMap<String, String>>| {
            let tx = tx.clone();
            let expected = expected.clone();
            async move {
                let answer = judge_callback(&q, &expected);
                let (status, page) = match &answer {
                    // Any local page can request this address: an answer for another attempt
                    // (its state differs) is refused, and the connect keeps waiting for its own.
                    Err(e) if e.code == ErrorCode::StateMismatch => {
                        tracing::warn!(
                            "connect: refused a callback whose state is not this attempt's; \
                             still waiting for the browser"
                        );
                        return (StatusCode::BAD_REQUEST, page_html(&e.message));
                    }
                    Ok(_) => (
                        StatusCode::OK,
                        "PinPace is connected to Pinterest. You can close this tab.".to_string(),
                    ),
                    Err(e) => (
                        StatusCode::OK,
                        format!("PinPace could not connect: {}", e.message),
                    ),
                };
                if let Some(tx) = tx.lock().take() {
                    let _ = tx.send(answer);
                }
                (status, page_html(&page))
            }
        };
        let router = axum::Router::new().route("/callback", get(handler));
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(self.listener, router)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
        });
        let result = match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(EngineError::new(
                ErrorCode::ConnectTimedOut,
                "the browser's answer was lost; try connecting again",
            )),
            Err(_) => Err(EngineError::new(
                ErrorCode::ConnectTimedOut,
                format!(
                    "no answer from the browser within {} s; nothing was connected",
                    timeout.as_secs()
                ),
            )),
        };
        // Let the browser's page finish, then close the port.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = stop_tx.send(());
        let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
        match &result {
            Ok(_) => tracing::info!("connect: the browser came back with an authorization code"),
            Err(e) => tracing::warn!(
                code = ?e.code,
                "connect: no usable answer from the browser: {}",
                e.message
            ),
        }
        result
    }
}

fn judge_callback(q: &HashMap<String, String>, expected: &Secret) -> Result<Secret, EngineError> {
    if q.get("state").map(String::as_str) != Some(expected.expose()) {
        return Err(EngineError::new(
            ErrorCode::StateMismatch,
            "the answer from Pinterest does not belong to this connection attempt (its state \
             differs); nothing was connected, try again",
        ));
    }
    if let Some(error) = q.get("error") {
        let denied = error == "access_denied";
        return Err(EngineError::new(
            ErrorCode::ConsentDenied,
            if denied {
                "access was denied on Pinterest's consent page; nothing was connected".to_string()
            } else {
                format!(
                    "Pinterest answered with the error {:?}; nothing was connected",
                    error
                )
            },
        ));
    }
    match q.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Ok(Secret::new(code.clone())),
        None => Err(EngineError::new(
            ErrorCode::CodeRejected,
            "Pinterest's answer carried no authorization code",
        )),
    }
}

/// The short page the browser shows after the callback.
fn page_html(text: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><meta charset=\"utf-8\"><title>PinPace</title>\
         <p style=\"font-family:sans-serif\">{}</p>",
        html_escape(text)
    ))
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What a successful exchange yields.
#[derive(Debug)]
pub struct Connection {
    pub tokens: TokenSet,
    pub user: UserAccount,
}

/// Trades the code for tokens and reads the account's name.
pub async fn exchange(
    client: &PinterestClient,
    app: &AppCredentials,
    code: &Secret,
    redirect_uri: &Url,
) -> Result<Connection, EngineError> {
    let reply = client.exchange_code(app, code, redirect_uri.as_str()).await;
    let now = reply.received_at;
    let t = match reply.outcome {
        Outcome::Success(t) => t,
        Outcome::Auth { message, .. } | Outcome::Terminal { message, .. } => {
            tracing::warn!(
                status = reply.status,
                "connect: Pinterest refused the code or the app's credentials: {message}"
            );
            return Err(EngineError::new(
                ErrorCode::CodeRejected,
                format!(
                    "Pinterest refused the code or the app's credentials ({message}); check the \
                     client id and secret in settings and connect again"
                ),
            ));
        }
        other => return Err(unavailable("the code exchange", &other)),
    };
    let tokens = TokenSet {
        expires_at: Some(t.expires_at(now)),
        access: Secret::new(t.access_token),
        refresh: t.refresh_token.map(Secret::new),
    };
    let user = match client.user_account(&tokens.access).await.outcome {
        Outcome::Success(u) => u,
        other => return Err(unavailable("reading the account's name", &other)),
    };
    tracing::info!(
        username = %user.username,
        refresh_token = tokens.refresh.is_some(),
        "connect: tokens received"
    );
    Ok(Connection { tokens, user })
}

fn unavailable<T>(step: &str, outcome: &Outcome<T>) -> EngineError {
    let why = match outcome {
        Outcome::Offline { .. } => "Pinterest could not be reached".to_string(),
        Outcome::RateLimited { .. } => "Pinterest asked to slow down".to_string(),
        Outcome::Transient { detail, .. } => format!("Pinterest did not answer properly: {detail}"),
        Outcome::Auth { message, .. } | Outcome::Terminal { message, .. } => message.clone(),
        Outcome::Success(_) => "unexpected success".to_string(),
    };
    tracing::warn!("connect: {step} failed: {why}");
    EngineError::new(
        ErrorCode::PinterestUnavailable,
        format!("{why}; nothing was connected, try again"),
    )
}

/// Records a connection: a new account (or, with `reconnect`, the same account again, with its
/// queue), its tokens in the vault, and the app it was connected through. All or nothing.
/// Connecting a Pinterest account that is already here reconnects it instead of adding a twin.
pub fn register(
    store: &mut Store,
    tokens: &VaultTokens,
    env: &Environment,
    app: &AppCredentials,
    connection: Connection,
    reconnect: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<AccountId, EngineError> {
    let username = connection.user.username.clone();
    let existing = match reconnect {
        Some(id) => {
            let account = store.account(id)?;
            if account.environment != *env {
                return Err(EngineError::new(
                    ErrorCode::InvalidInput,
                    "an account is reconnected in the environment it was connected in",
                ));
            }
            if account.username.as_deref().is_some_and(|u| u != username) {
                tracing::warn!(
                    account = %id,
                    signed_in_as = %username,
                    "reconnect refused: the browser signed in to another Pinterest account"
                );
                return Err(EngineError::new(
                    ErrorCode::WrongAccount,
                    format!(
                        "the browser signed in to Pinterest as {username}, but this account is {}; \
                         sign in as {} and reconnect again (nothing was changed)",
                        account.username.as_deref().unwrap_or("?"),
                        account.username.as_deref().unwrap_or("?"),
                    ),
                ));
            }
            Some(id)
        }
        None => store
            .accounts()?
            .into_iter()
            .find(|a| a.environment == *env && a.username.as_deref() == Some(username.as_str()))
            .map(|a| a.id),
    };
    match (reconnect, existing) {
        (Some(id), _) => tracing::info!(account = %id, "connect: reconnecting, keeping the queue"),
        (None, Some(id)) => tracing::info!(
            account = %id,
            "connect: this Pinterest account is already here: reconnecting it instead of adding a twin"
        ),
        (None, None) => tracing::info!(env = super::env_kind(env), "connect: adding a new account"),
    }
    let previous = existing.and_then(|id| {
        use crate::secrets::token_store::TokenStore;
        tokens.tokens(id)
    });
    let mut stored_for = None;
    let mut resumed = 0;
    let result = store.all_or_nothing(|s| {
        let id = match existing {
            Some(id) => id,
            None => s.insert_account(&username, env, now)?,
        };
        s.set_account_username(id, &username)?;
        s.set_account_status(id, AccountStatus::Active)?;
        for job in s.jobs_in_state(JobState::NeedsReconnect)? {
            if job.account_id == Some(id) {
                s.transition(
                    job.id,
                    JobState::Due,
                    "the account is connected again",
                    None,
                    &JobPatch::default(),
                    now,
                )?;
                resumed += 1;
            }
        }
        // Last, so that a refused keychain write rolls the rows back. A custom server's app is
        // kept under that server's origin, apart from the Pinterest app (issue 16 item 5).
        let server = env.app_origin();
        tokens.save_app_for(server.as_deref(), app)?;
        tokens.connect(
            id,
            connection.tokens.clone(),
            &app.client_id,
            server.as_deref(),
        )?;
        stored_for = Some(id);
        Ok(id)
    });
    match &result {
        Ok(id) => tracing::info!(
            account = %id,
            username = %username,
            jobs_resumed = resumed,
            "connect: account connected"
        ),
        Err(e) => tracing::warn!(
            code = ?e.code,
            tokens_rolled_back = stored_for.is_some(),
            "connect: the account could not be recorded, nothing was changed: {}",
            e.message
        ),
    }
    if result.is_err() {
        // The tokens were written but the rows were not: put the vault back as it was.
        if let Some(id) = stored_for {
            use crate::secrets::token_store::TokenStore;
            let _ = match previous {
                Some(p) => tokens.store_tokens(id, p),
                None => tokens.forget(id),
            };
        }
    }
    result
}
