//! One attempt at publishing one job, run as its own task so that a slow answer for one account
//! never holds another account's lane. Before sending again after an unconfirmed attempt it looks
//! for the pin on the board (see `reconcile`). A 401 refreshes the token once and retries once; a
//! refresh Pinterest refuses means the account must be reconnected. The attempt only reports what
//! happened: every state change is applied by the engine loop, in the store, in order.

use crate::{AccountId, JobId};
use std::collections::HashSet;
use std::sync::Arc;

use base64::Engine as _;

use chrono::{DateTime, Utc};

use super::reconcile::{window_start, BoardScan, Verdict, MAX_PAGES_CHECKED, PINS_CHECKED};
use crate::pinterest::types::{Category, Pin, PinCreate};
use crate::pinterest::{Outcome, PageRequest, PinterestClient, RateLimitSignals, Reply};
use crate::secrets::token_store::{TokenSet, TokenStore};
use crate::store::jobs::Job;
use crate::store::pins::PinContent;

pub struct AttemptInput {
    pub job: Job,
    pub content: PinContent,
    pub request: PinCreate,
    /// A local image whose bytes go into `request` (base64) when the pin is created: read here,
    /// off the engine's loop, and only by an attempt that will create (never by a board check).
    pub local_image: Option<std::path::PathBuf>,
    /// Pinterest ids already attributed to other jobs: never matched again.
    pub claimed: HashSet<String>,
    pub client: PinterestClient,
    pub tokens: Arc<dyn TokenStore>,
    /// When the engine recorded this attempt's pin creation in the pacer.
    pub dispatched_at: DateTime<Utc>,
    /// Held while refreshing this account's token.
    pub refresh_lock: Arc<tokio::sync::Mutex<()>>,
    /// The listing lag has passed since the job's latest creation left, so a board check that
    /// finds nothing may be believed. Before that a check is a peek: it can confirm the pin, and
    /// otherwise ends the attempt with `NotYetListed` (see `reconcile`).
    pub trust_absence: bool,
    /// The attempt may create the pin (it was counted, logged and stamped as a send).
    pub may_create: bool,
}

#[derive(Debug, Clone)]
pub enum AttemptResult {
    Created(Pin),
    FoundOnBoard(Pin),
    /// The request (or the board check before it) did not succeed.
    Failed(Outcome<()>),
    /// The token was refused and Pinterest refused to refresh it.
    NeedsReconnect(String),
    /// A check-only attempt looked through the board and the pin is not there.
    NotOnBoard,
    /// A peek found nothing, but a pin created by the last attempt may not be listed yet.
    NotYetListed,
    /// The board check could not decide (see `reconcile::Verdict::Inconclusive`).
    Undecided(String),
    /// The pin cannot be sent as it is (its image cannot be read): nothing was sent.
    Unsendable(String),
    /// The place the tokens live cannot be read now (a locked keychain): nothing was sent.
    SecretsLocked(String),
}

#[derive(Debug)]
pub struct AttemptReport {
    pub job_id: JobId,
    pub account_id: AccountId,
    pub result: AttemptResult,
    /// Every answered response's rate-limit signals, for the pacer.
    pub signals: Vec<ResponseSignals>,
    /// Extra requests sent besides the pin creation (board listings, token refreshes).
    pub extra_requests: Vec<(Category, DateTime<Utc>)>,
    /// When the pacer recorded the pin creation, and when its answer came back (if it did).
    pub dispatched_at: DateTime<Utc>,
    pub create_answered_at: Option<DateTime<Utc>>,
}

/// The rate-limit headers of one answered request, as the pacer takes them in.
#[derive(Debug)]
pub struct ResponseSignals {
    pub category: Category,
    pub signals: RateLimitSignals,
    /// The answer was a 429: the pacer also backs off (`observe_429`), not only learns.
    pub rate_limited: bool,
    /// When the request left: the server counted it (and wrote its `remaining`) at some moment
    /// between then and its answer.
    pub sent_at: DateTime<Utc>,
}

pub async fn run_attempt(input: AttemptInput) -> AttemptReport {
    let account_id = input.job.account_id.unwrap_or_default();
    let mut report = AttemptReport {
        job_id: input.job.id,
        account_id,
        result: AttemptResult::Failed(Outcome::Offline {
            detail: "not started".into(),
        }),
        signals: Vec::new(),
        extra_requests: Vec::new(),
        dispatched_at: input.dispatched_at,
        create_answered_at: None,
    };
    report.result = attempt(&input, &mut report).await;
    report
}

async fn attempt(input: &AttemptInput, report: &mut AttemptReport) -> AttemptResult {
    let mut tokens = match input.tokens.read_tokens(report.account_id) {
        Ok(Some(tokens)) => tokens,
        Ok(None) => {
            return AttemptResult::NeedsReconnect("no token is stored for this account".into())
        }
        Err(e) => return AttemptResult::SecretsLocked(e.message),
    };
    if let Err(stop) = refresh_ahead(input, report, &mut tokens).await {
        return stop;
    }
    if input.job.needs_reconcile {
        match check_board(input, report, &mut tokens).await {
            Ok(Verdict::Found(pin)) => return AttemptResult::FoundOnBoard(pin),
            Ok(Verdict::Inconclusive(why)) => return AttemptResult::Undecided(why),
            Ok(Verdict::Absent) if !input.trust_absence => return AttemptResult::NotYetListed,
            Ok(Verdict::Absent) => {}
            Err(result) => return result,
        }
    }
    if !input.may_create {
        return AttemptResult::NotOnBoard;
    }
    let request = match with_image(&input.request, input.local_image.clone()).await {
        Ok(r) => r,
        Err(why) => return AttemptResult::Unsendable(why),
    };
    match with_refresh(input, report, &mut tokens, Category::OrgWrite, |c, t| {
        let request = request.clone();
        async move { c.create_pin(&t, &request).await }
    })
    .await
    {
        Ok(pin) => AttemptResult::Created(pin),
        Err(result) => result,
    }
}

/// The request with its local image read and encoded on a blocking thread (up to 20 MB).
async fn with_image(
    request: &PinCreate,
    image: Option<std::path::PathBuf>,
) -> Result<PinCreate, String> {
    let Some(path) = image else {
        return Ok(request.clone());
    };
    let mut request = request.clone();
    let read = tokio::task::spawn_blocking(move || {
        std::fs::read(&path).map(|b| base64::engine::general_purpose::STANDARD.encode(b))
    })
    .await
    .map_err(|e| format!("cannot read the pin's image: {e}"))?;
    let encoded = read.map_err(|e| format!("cannot read the pin's image: {e}"))?;
    if let crate::pinterest::types::MediaSource::ImageBase64 { data, .. } =
        &mut request.media_source
    {
        *data = encoded;
    }
    Ok(request)
}

/// Reads the board page after page (see `reconcile` for when it stops and what it decides).
async fn check_board(
    input: &AttemptInput,
    report: &mut AttemptReport,
    tokens: &mut TokenSet,
) -> Result<Verdict, AttemptResult> {
    let board = input.job.board_id.clone().unwrap_or_default();
    let offset = input.client.server_clock().offset();
    let start = window_start(input.job.sent_at, offset);
    let mut scan = BoardScan::new(&input.content, &board, &input.claimed, start);
    let mut bookmark: Option<String> = None;
    let mut complete = false;
    while scan.pages_read() < MAX_PAGES_CHECKED {
        let page = PageRequest {
            bookmark: bookmark.clone(),
            page_size: Some(PINS_CHECKED),
        };
        let listed = with_refresh(input, report, tokens, Category::OrgRead, |c, t| {
            let page = page.clone();
            let board = board.clone();
            async move { c.list_board_pins(&t, &board, page).await }
        })
        .await;
        report
            .extra_requests
            .push((Category::OrgRead, input.client_now()));
        let page = listed?;
        let more = scan.page(&page.items);
        match page.bookmark.filter(|b| !b.is_empty()) {
            Some(next) if more && Some(&next) != bookmark.as_ref() => bookmark = Some(next),
            // Decided, or a bookmark that repeats (a broken listing: the verdict says so).
            Some(_) => break,
            None => {
                complete = true;
                break;
            }
        }
    }
    let verdict = scan.verdict(complete);
    tracing::info!(
        job = %input.job.id,
        board = %board,
        window_from = ?start,
        server_offset_secs = offset.map(|o| o.num_seconds()),
        verdict = ?verdict_name(&verdict),
        "board check"
    );
    Ok(verdict)
}

fn verdict_name(v: &Verdict) -> String {
    match v {
        Verdict::Found(p) => format!("found pin {}", p.id),
        Verdict::Absent => "not on the board".into(),
        Verdict::Inconclusive(why) => format!("inconclusive: {why}"),
    }
}

/// How long before its expiry an access token is refreshed, so that no request is sent with a
/// token about to die (the 401 path stays for tokens revoked early).
pub const REFRESH_AHEAD: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Refreshes a token that expires within `REFRESH_AHEAD`. A failed refresh of a token that still
/// works is not fatal: the request goes out with it.
async fn refresh_ahead(
    input: &AttemptInput,
    report: &mut AttemptReport,
    tokens: &mut TokenSet,
) -> Result<(), AttemptResult> {
    let now = input.client_now();
    let expiring = |t: &TokenSet| t.expires_at.is_some_and(|e| e <= now + REFRESH_AHEAD);
    if !expiring(tokens) || tokens.refresh.is_none() {
        return Ok(());
    }
    let _guard = input.refresh_lock.lock().await;
    if let Some(stored) = input.tokens.tokens(report.account_id) {
        *tokens = stored;
    }
    if !expiring(tokens) {
        return Ok(()); // another attempt refreshed it meanwhile
    }
    match refresh(input, report, tokens).await {
        Ok(()) => Ok(()),
        Err(e) if tokens.expires_at.is_some_and(|at| at <= now) => Err(e),
        Err(AttemptResult::NeedsReconnect(m)) => Err(AttemptResult::NeedsReconnect(m)),
        Err(_) => Ok(()),
    }
}

/// Sends `call`; on a 401 refreshes the token once (storing the rotated one at once) and sends
/// again. Records every response's signals in the report.
async fn with_refresh<T, F, Fut>(
    input: &AttemptInput,
    report: &mut AttemptReport,
    tokens: &mut TokenSet,
    category: Category,
    call: F,
) -> Result<T, AttemptResult>
where
    F: Fn(PinterestClient, crate::pinterest::Secret) -> Fut,
    Fut: std::future::Future<Output = Reply<T>>,
{
    let first = call(input.client.clone(), tokens.access.clone()).await;
    let first = note(report, category, first);
    match first.outcome {
        Outcome::Success(v) => return Ok(v),
        Outcome::Auth { .. } => {}
        other => return Err(AttemptResult::Failed(unit(other))),
    }
    {
        // One refresh at a time per account; if another attempt refreshed while this one
        // waited, its new token is used instead of spending the rotated refresh token again.
        let _guard = input.refresh_lock.lock().await;
        match input.tokens.tokens(report.account_id) {
            Some(stored) if stored.access != tokens.access => *tokens = stored,
            _ => refresh(input, report, tokens).await?,
        }
    }
    report.extra_requests.push((category, input.client_now()));
    let second = note(
        report,
        category,
        call(input.client.clone(), tokens.access.clone()).await,
    );
    match second.outcome {
        Outcome::Success(v) => Ok(v),
        Outcome::Auth { message, .. } => Err(AttemptResult::NeedsReconnect(format!(
            "a fresh token was refused: {message}"
        ))),
        other => Err(AttemptResult::Failed(unit(other))),
    }
}

async fn refresh(
    input: &AttemptInput,
    report: &mut AttemptReport,
    tokens: &mut TokenSet,
) -> Result<(), AttemptResult> {
    let app = match input.tokens.read_app_credentials(report.account_id) {
        Ok(app) => app,
        Err(e) => return Err(AttemptResult::SecretsLocked(e.message)),
    };
    let (Some(app), Some(refresh_token)) = (app, tokens.refresh.clone()) else {
        return Err(AttemptResult::NeedsReconnect(
            "the token expired and cannot be refreshed here".into(),
        ));
    };
    report
        .extra_requests
        .push((Category::OrgRead, input.client_now()));
    let reply = note(
        report,
        Category::OrgRead,
        input.client.refresh(&app, &refresh_token).await,
    );
    match reply.outcome {
        Outcome::Success(t) => {
            let now = reply.received_at;
            let fresh = TokenSet {
                expires_at: Some(t.expires_at(now)),
                access: t.access_token.into(),
                refresh: t.refresh_token.map(Into::into).or(Some(refresh_token)),
            };
            input
                .tokens
                .store_tokens(report.account_id, fresh.clone())
                .map_err(|e| {
                    AttemptResult::Failed(Outcome::Transient {
                        reason: crate::pinterest::TransientReason::ServerError(0),
                        maybe_delivered: false,
                        detail: format!("could not store the refreshed token: {}", e.message),
                    })
                })?;
            *tokens = fresh;
            Ok(())
        }
        Outcome::Auth { message, .. } | Outcome::Terminal { message, .. } => {
            Err(AttemptResult::NeedsReconnect(format!(
                "Pinterest refused to refresh the token: {message}"
            )))
        }
        other => Err(AttemptResult::Failed(unit(other))),
    }
}

fn note<T>(report: &mut AttemptReport, category: Category, reply: Reply<T>) -> Reply<T> {
    if category == Category::OrgWrite && reply.status.is_some() {
        report.create_answered_at = Some(reply.received_at);
    }
    if reply.status.is_some() {
        report.signals.push(ResponseSignals {
            category,
            signals: reply.signals.clone(),
            rate_limited: matches!(reply.outcome, Outcome::RateLimited { .. }),
            sent_at: reply.sent_at,
        });
    }
    reply
}

fn unit<T>(o: Outcome<T>) -> Outcome<()> {
    o.without_value()
}

impl AttemptInput {
    fn client_now(&self) -> DateTime<Utc> {
        self.client.now()
    }
}
