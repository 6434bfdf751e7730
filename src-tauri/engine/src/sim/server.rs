//! The HTTP side: our own accept loop over hyper, and the gate every `/v5` request passes.
//!
//! We run hyper per connection ourselves (rather than `axum::serve`) for two faults that need
//! control of the socket: a connection that closes with no answer, and an outage in which the
//! port refuses connections and every open keep-alive connection is cut. Each connection gets a
//! `ConnKill` in its request extensions; the gate fires it and never answers, and the connection
//! task drops the socket. Stopping fires a shutdown signal seen by every connection task.
//!
//! The gate runs, in order: authentication (401), the Retry-After compliance count, the spam
//! block, the rate limits (429 + Retry-After, counting nothing), the fault rules, the handler,
//! then adds the rate-limit headers and records the status. Times in those headers are written
//! as the account's quirks say (see `quirks`); the gate itself runs on the true clock.

use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use chrono::TimeDelta;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::faults::{self, FaultKind};
use super::limits::{Decision, RateHeaders};
use super::quirks::{put_rate_headers, put_retry_after, Quirks};
use super::state::SimState;
use crate::clock::SharedClock;
use crate::pinterest::types::{ApiError, Category};

/// Pinterest error codes the simulator answers with (`{code, message}` bodies).
pub mod codes {
    pub const INVALID_PARAMETERS: i64 = 1;
    pub const AUTHENTICATION_FAILED: i64 = 2;
    pub const NOT_AUTHORIZED: i64 = 3;
    pub const RATE_LIMITED: i64 = 8;
    pub const TRIAL_ACCESS: i64 = 29;
    pub const BOARD_NOT_FOUND: i64 = 40;
    pub const PIN_NOT_FOUND: i64 = 50;
    pub const MEDIA_NOT_FOUND: i64 = 4040;
    pub const SERVER_ERROR: i64 = 500;
    /// The simulator's own refusals (see `guard`), not Pinterest's: a `/_sim` call without the
    /// admin key, or with a wrong one (401)...
    pub const ADMIN_KEY_MISSING: i64 = 4011;
    pub const ADMIN_KEY_WRONG: i64 = 4012;
    /// ...and a Host that is not this loopback server, or a foreign Origin on `/_sim` (403).
    pub const FOREIGN_HOST: i64 = 4031;
    pub const FOREIGN_ORIGIN: i64 = 4032;
}

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    pub clock: SharedClock,
    pub state: Mutex<SimState>,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub root: String,
    /// The port that `root` names, the only one a request's Host may name (see `guard`).
    pub port: u16,
    /// What `/_sim` requests must carry in `X-Sim-Key` (see `guard`).
    pub admin_key: crate::pinterest::Secret,
    /// The handle that owns the server, for admin calls that stop and restart it.
    pub handle: std::sync::OnceLock<std::sync::Weak<super::HandleInner>>,
}

pub type App = Arc<Shared>;

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock()
    }
}

/// Closes the connection a request came on, without an answer.
#[derive(Clone, Debug)]
pub struct ConnKill(Arc<Notify>);

/// The account id behind the request's bearer token, for handlers.
#[derive(Clone, Debug)]
pub struct AuthAccount(pub String);

pub fn error(status: StatusCode, code: i64, message: impl Into<String>) -> Response {
    let body = ApiError {
        code,
        message: message.into(),
    };
    (status, Json(body)).into_response()
}

/// A running accept loop.
#[derive(Debug)]
pub struct Running {
    accept: JoinHandle<()>,
    shutdown: watch::Sender<bool>,
}

impl Running {
    /// Stops accepting (the port refuses connections) and cuts every open connection.
    pub async fn stop(self) {
        self.shutdown.send_replace(true);
        self.accept.abort();
        let _ = self.accept.await;
    }
}

pub fn serve(listener: TcpListener, router: Router) -> Running {
    let (shutdown, rx) = watch::channel(false);
    let accept = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::task::yield_now().await;
                continue;
            };
            let kill = Arc::new(Notify::new());
            let svc =
                TowerToHyperService::new(router.clone().layer(Extension(ConnKill(kill.clone()))));
            let mut stop = rx.clone();
            tokio::spawn(async move {
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc);
                tokio::select! {
                    _ = conn => {}
                    _ = kill.notified() => {}
                    _ = stop.wait_for(|s| *s) => {}
                }
            });
        }
    });
    Running { accept, shutdown }
}

/// `"POST /pins"` for a request routed to `/v5/pins`.
fn endpoint_name(req: &Request) -> String {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let path = path.strip_prefix("/v5").unwrap_or(&path).to_string();
    format!("{} {}", req.method(), path)
}

/// Every operation PinPace uses reads in `org_read` when it is a GET and writes in `org_write`
/// otherwise (checked against each operation's `x-ratelimit-category` in the spec).
fn category_of(req: &Request) -> Category {
    if req.method() == axum::http::Method::GET {
        Category::OrgRead
    } else {
        Category::OrgWrite
    }
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

pub fn spam_response() -> Response {
    error(
        StatusCode::TOO_MANY_REQUESTS,
        codes::RATE_LIMITED,
        "Your request was blocked: this account's activity looks like spam. \
         Stop and contact Pinterest support.",
    )
}

/// Requests that reach the server this soon after an account's first 429 were sent before the
/// client could have read that 429 (several requests in flight at once): they are not counted
/// as early retries. Anything later that arrives before the Retry-After ran out is.
const EARLY_RETRY_GRACE: TimeDelta = TimeDelta::milliseconds(250);

enum Pre {
    Answer(Response),
    Go {
        account: String,
        headers: Option<RateHeaders>,
        fault: Option<FaultKind>,
        quirks: Quirks,
    },
}

/// Authentication, limits and faults around every bearer-authenticated `/v5` route.
pub async fn gate(
    State(app): State<App>,
    Extension(kill): Extension<ConnKill>,
    mut req: Request,
    next: Next,
) -> Response {
    let endpoint = endpoint_name(&req);
    let category = category_of(&req);
    let now = app.clock.now();
    let token = bearer(req.headers());
    let pre = {
        let mut st = app.lock();
        pre_checks(&mut st, token, &endpoint, category, now)
    };
    let (account, headers, fault, quirks) = match pre {
        Pre::Answer(r) => {
            app.lock().record_status(&endpoint, r.status().as_u16());
            return r;
        }
        Pre::Go {
            account,
            headers,
            fault,
            quirks,
        } => (account, headers, fault, quirks),
    };
    let finish = |mut r: Response| {
        if let Some(h) = &headers {
            put_rate_headers(&mut r, h, &quirks, now);
        }
        app.lock().record_status(&endpoint, r.status().as_u16());
        r
    };
    let drop_connection = || async {
        app.lock().record_status(&endpoint, 0);
        kill.0.notify_one();
        std::future::pending::<Response>().await
    };
    match &fault {
        Some(FaultKind::Drop) => return drop_connection().await,
        Some(FaultKind::ServerError { status }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return finish(error(status, codes::SERVER_ERROR, "Internal server error."));
        }
        Some(FaultKind::LateError { delay_ms, status }) => {
            app.clock
                .sleep(std::time::Duration::from_millis(*delay_ms))
                .await;
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::GATEWAY_TIMEOUT);
            return finish(error(status, codes::SERVER_ERROR, "Gateway timeout."));
        }
        Some(FaultKind::Burst429) => {
            let mut st = app.lock();
            st.stats.rate_limited += 1;
            *st.stats.rate_limited_by_account.entry(account).or_default() += 1;
            st.record_status(&endpoint, 429);
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "Too many requests. Please try again later.",
            );
        }
        Some(FaultKind::RetryAfter { secs }) => {
            let mut st = app.lock();
            st.stats.rate_limited += 1;
            *st.stats
                .rate_limited_by_account
                .entry(account.clone())
                .or_default() += 1;
            st.record_status(&endpoint, 429);
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                format!("Rate limit exceeded. Retry after {secs} seconds."),
            );
            let until = put_retry_after(&mut r, *secs, &quirks, now);
            if let Some(a) = st.accounts.get_mut(&account) {
                if a.retry_after_until.is_none_or(|u| u <= now) {
                    a.retry_after_from = Some(now);
                }
                a.retry_after_until = Some(a.retry_after_until.map_or(until, |u| u.max(until)));
            }
            return r;
        }
        Some(FaultKind::Slow { delay_ms }) => {
            app.clock
                .sleep(std::time::Duration::from_millis(*delay_ms))
                .await
        }
        _ => {}
    }
    req.extensions_mut().insert(AuthAccount(account));
    let resp = next.run(req).await;
    match fault {
        Some(FaultKind::Timeout { hold_ms }) => {
            app.clock
                .sleep(std::time::Duration::from_millis(hold_ms))
                .await;
            finish(resp)
        }
        Some(FaultKind::Malformed) if resp.status().is_success() => {
            let mut r = Response::new(Body::from("{\"id\": \"12"));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            finish(r)
        }
        Some(FaultKind::CreatedButLost) if resp.status().is_success() => drop_connection().await,
        Some(FaultKind::Oversized { bytes, chunked }) => {
            finish(oversized(resp, bytes, chunked).await)
        }
        _ => finish(resp),
    }
}

/// The handler's answer padded with spaces to `bytes` (JSON allows trailing whitespace).
async fn oversized(resp: Response, bytes: u64, chunked: bool) -> Response {
    const CHUNK: usize = 64 * 1024;
    let (mut parts, body) = resp.into_parts();
    let answer = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let total = usize::try_from(bytes)
        .unwrap_or(usize::MAX)
        .max(answer.len());
    let mut padded = answer.to_vec();
    padded.resize(total, b' ');
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = if chunked {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            padded.chunks(CHUNK).map(|c| Ok(c.to_vec())).collect();
        Body::from_stream(futures_util::stream::iter(chunks))
    } else {
        Body::from(padded)
    };
    Response::from_parts(parts, body)
}

fn pre_checks(
    st: &mut SimState,
    token: Option<String>,
    endpoint: &str,
    category: Category,
    now: chrono::DateTime<chrono::Utc>,
) -> Pre {
    let Some(account) = token.and_then(|t| st.authenticate(&t, now)) else {
        return Pre::Answer(error(
            StatusCode::UNAUTHORIZED,
            codes::AUTHENTICATION_FAILED,
            "Authentication failed.",
        ));
    };
    let Some(rec) = st.accounts.get(&account).cloned() else {
        return Pre::Answer(error(
            StatusCode::UNAUTHORIZED,
            codes::AUTHENTICATION_FAILED,
            "Authentication failed.",
        ));
    };
    let waiting = rec.retry_after_until.is_some_and(|until| now < until);
    let after_grace = rec
        .retry_after_from
        .is_some_and(|from| now >= from + EARLY_RETRY_GRACE);
    if waiting && after_grace {
        *st.stats
            .early_retries_by_account
            .entry(account.clone())
            .or_default() += 1;
    }
    if rec.spam_blocked {
        st.stats.rate_limited += 1;
        *st.stats
            .rate_limited_by_account
            .entry(account.clone())
            .or_default() += 1;
        return Pre::Answer(spam_response());
    }
    let policies = st.policies_for(&account);
    let headers = match st.limiter.check(now, &account, category, &policies) {
        Decision::Allowed(h) => h,
        Decision::Limited {
            retry_after_secs,
            headers,
        } => {
            st.stats.rate_limited += 1;
            *st.stats
                .rate_limited_by_account
                .entry(account.clone())
                .or_default() += 1;
            let quirks = st.quirks_of(&account);
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                format!("Rate limit exceeded. Retry after {retry_after_secs} seconds."),
            );
            put_rate_headers(&mut r, &headers, &quirks, now);
            // Enforced until the instant the header names, on the true clock.
            let until = put_retry_after(&mut r, retry_after_secs, &quirks, now);
            if let Some(a) = st.accounts.get_mut(&account) {
                if !waiting {
                    a.retry_after_from = Some(now);
                }
                a.retry_after_until = Some(a.retry_after_until.map_or(until, |u| u.max(until)));
            }
            return Pre::Answer(r);
        }
    };
    let st_ref = &mut *st;
    let fault = faults::pick(
        &mut st_ref.faults,
        &mut st_ref.fault_rng,
        &account,
        &rec.username,
        endpoint,
    );
    if fault == Some(FaultKind::Spam) {
        if let Some(a) = st.accounts.get_mut(&account) {
            a.spam_blocked = true;
        }
        st.stats.rate_limited += 1;
        *st.stats
            .rate_limited_by_account
            .entry(account.clone())
            .or_default() += 1;
        return Pre::Answer(spam_response());
    }
    let quirks = st.quirks_of(&account);
    Pre::Go {
        account,
        headers,
        fault,
        quirks,
    }
}
