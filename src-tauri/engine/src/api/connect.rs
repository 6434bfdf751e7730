//! Connecting and reconnecting accounts from a front that has a browser (the window). Real
//! environments open Pinterest's consent page in the system browser (the front's `open`
//! callback) and wait for the loopback callback; the built-in simulator's consent page approves
//! at once, so the engine follows it itself, signed in as the demo user chosen. Only one connect
//! waits at a time (`ConnectGate`); `ConnectGate::cancel` ends it and frees the port.
//!
//! A custom server is connected with its own app, the one saved for its origin, never the
//! Pinterest app: without one the plan is refused (`custom_server_app_missing`) before anything
//! listens or is sent. Its base URL passes `check_custom_base_url` first, also on a reconnect
//! of an account saved before that check existed (issue 16 item 5).

use crate::AccountId;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use ts_rs::TS;
use url::Url;

use super::pinterest_app::{app_settings, custom_server_credentials, simulator_users};
use super::Workspace;
use crate::accounts::read_pacing::Reads;
use crate::accounts::{connect_account, ConnectRequest, ConnectSummary};
use crate::demo::{sim_app, sim_environment};
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::{AppCredentials, Environment};
use crate::secrets::{no_vault, AppSecrets, VaultTokens};
use crate::sim::SimHandle;

/// How long the browser has to come back from Pinterest's consent page.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);
/// The built-in simulator answers at once; anything slower is a fault worth reporting.
const SIM_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectTarget {
    /// The simulator inside the app, signed in as one of its users.
    BuiltinSimulator {
        user: String,
    },
    Production,
    Sandbox,
    Custom {
        base_url: String,
    },
}

/// Where the consent page is answered.
pub enum Consent {
    /// The system browser: the front opens the page.
    Browser,
    /// The built-in simulator: the engine follows its redirect as this user.
    Follow(String),
}

pub struct ConnectPlan {
    env: Environment,
    app: AppCredentials,
    vault: Arc<VaultTokens>,
    port: u16,
    consent: Consent,
    timeout: Duration,
}

/// One connect at a time, and a way to cancel the one waiting.
#[derive(Default)]
pub struct ConnectGate {
    connecting: tokio::sync::Mutex<()>,
    cancel: tokio::sync::Notify,
}

impl ConnectGate {
    pub fn cancel(&self) {
        self.cancel.notify_waiters();
    }
}

fn plan_real(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    env: Environment,
) -> Result<ConnectPlan, EngineError> {
    env.check()?;
    let vault = secrets.real().map_err(|e| no_vault(&e))?;
    let (client_id, port) = app_settings(ws);
    let app = match env.app_origin() {
        // A custom server gets its own app's secret, never the Pinterest app's.
        Some(origin) => custom_server_credentials(ws, secrets, &origin)?.ok_or_else(|| {
            tracing::warn!("connect refused: the custom server has no app of its own saved");
            EngineError::new(
                ErrorCode::CustomServerAppMissing,
                "enter the client id and secret that this custom server gave you for PinPace; \
                 it is never sent your Pinterest app's. Nothing was sent",
            )
        })?,
        None => {
            let missing = || {
                EngineError::new(
                    ErrorCode::InvalidInput,
                    "enter your Pinterest app's client id and secret in Settings first",
                )
            };
            let client_id = client_id.ok_or_else(missing)?;
            vault.app(&client_id)?.ok_or_else(missing)?
        }
    };
    Ok(ConnectPlan {
        env,
        app,
        vault,
        port,
        consent: Consent::Browser,
        timeout: BROWSER_TIMEOUT,
    })
}

fn plan_sim(
    secrets: &AppSecrets,
    sim: &SimHandle,
    user: String,
) -> Result<ConnectPlan, EngineError> {
    let users = simulator_users();
    if !users.contains(&user) {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!(
                "the built-in simulator has no user {user:?}; its users are {}",
                users.join(", ")
            ),
        ));
    }
    Ok(ConnectPlan {
        env: sim_environment(sim),
        app: sim_app(sim),
        vault: secrets.sim().clone(),
        port: 0,
        consent: Consent::Follow(user),
        timeout: SIM_TIMEOUT,
    })
}

/// A custom server's environment, if `base_url` passes `check_custom_base_url` (https, or
/// plain http on loopback only).
pub fn custom_environment(base_url: &str) -> Result<Environment, EngineError> {
    Environment::custom(base_url)
}

/// How a new account on `target` is connected; checked before anything opens.
pub fn plan(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    sim: &SimHandle,
    target: ConnectTarget,
) -> Result<ConnectPlan, EngineError> {
    match target {
        ConnectTarget::BuiltinSimulator { user } => plan_sim(secrets, sim, user),
        ConnectTarget::Production => plan_real(ws, secrets, Environment::Production),
        ConnectTarget::Sandbox => plan_real(ws, secrets, Environment::Sandbox),
        ConnectTarget::Custom { base_url } => {
            plan_real(ws, secrets, custom_environment(&base_url)?)
        }
    }
}

/// How an existing account is connected again (after a refused refresh, or a disconnect).
pub fn plan_reconnect(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    sim: &SimHandle,
    account_id: AccountId,
) -> Result<ConnectPlan, EngineError> {
    let account = ws.store().account(account_id)?;
    if account.environment == sim_environment(sim) {
        plan_sim(secrets, sim, account.username.clone().unwrap_or_default())
    } else {
        plan_real(ws, secrets, account.environment.clone())
    }
}

/// Runs the connect: `open_browser` is called with the consent page's address when the plan
/// needs the system browser. `reconnect` keeps that account's id and queue.
pub async fn run(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    gate: &ConnectGate,
    plan: ConnectPlan,
    reconnect: Option<AccountId>,
    open_browser: impl Fn(&Url) -> Result<(), EngineError>,
) -> Result<ConnectSummary, EngineError> {
    let _one = gate.connecting.try_lock().map_err(|_| {
        EngineError::new(
            ErrorCode::InvalidInput,
            "a connect is already waiting for the browser: finish it or cancel it first",
        )
    })?;
    let is_sim = matches!(plan.consent, Consent::Follow(_));
    let store = ws.shared_store();
    let request = ConnectRequest {
        env: &plan.env,
        app: &plan.app,
        port: plan.port,
        reconnect,
        timeout: plan.timeout,
        reads: ws
            .scheduler()
            .map_or(Reads::Local, |engine| Reads::Engine(engine.board_reads())),
    };
    let open = |url: &Url| match &plan.consent {
        Consent::Browser => open_browser(url),
        Consent::Follow(user) => follow_sim_consent(url, user),
    };
    let summary = tokio::select! {
        done = connect_account(&store, &plan.vault, request, open) => done?,
        _ = gate.cancel.notified() => {
            return Err(EngineError::new(
                ErrorCode::ConnectTimedOut,
                "the connect was cancelled; nothing was changed",
            ))
        }
    };
    if is_sim {
        secrets.mark_sim(summary.account_id);
    }
    if let Some(engine) = ws.scheduler() {
        engine.resume(summary.account_id);
        engine.wake();
    }
    Ok(summary)
}

/// The built-in simulator approves at once: follow its consent page as `user`.
fn follow_sim_consent(url: &Url, user: &str) -> Result<(), EngineError> {
    let mut url = url.clone();
    url.query_pairs_mut().append_pair("account", user);
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| EngineError::new(ErrorCode::PinterestUnavailable, e.to_string()))?;
    tokio::spawn(async move {
        // The consent URL carries the connect's `state`: only the failure's kind is logged.
        if let Err(e) = client.get(url).send().await {
            tracing::warn!(
                timeout = e.is_timeout(),
                connect = e.is_connect(),
                "the built-in simulator's consent page did not answer"
            );
        }
    });
    Ok(())
}
