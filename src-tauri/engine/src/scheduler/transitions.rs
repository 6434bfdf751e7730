//! How the engine changes jobs: start-up (rebuild the pacer from the request log, send nothing
//! that may already exist, apply the catch-up policy), promotion of due jobs, the marking of a job
//! in flight before its request leaves, and the application of each attempt's report. Every
//! change is a store transition with its reason, and is also emitted as an event.

use std::collections::HashSet;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::dispatch::{AttemptInput, AttemptReport, AttemptResult};
use super::engine::{Engine, Prepared};
use super::events::{EngineEvent, LaneSnapshot};
use super::retry::RetryDecision;
use crate::pacing::{LimitScope, LimitSpec, Pacer, PauseReason};
use crate::pinterest::outcome::{BOARD_NOT_FOUND_CODE, TRIAL_ACCESS_CODE};
use crate::pinterest::types::{Category, ImageContentType, MediaSource, PinCreate};
use crate::pinterest::Outcome;
use crate::store::accounts::{Account, AccountStatus};
use crate::store::job_state::JobState;
use crate::store::jobs::{Job, JobPatch};
use crate::store::lookalikes::NextDue;
use crate::store::pins::PinContent;
use crate::store::Store;

/// The error code of a job whose budget is spent and whose board is checked once before it is
/// called failed (an earlier attempt may have created the pin).
const FINAL_CHECK: &str = "final_board_check";

const DAY: TimeDelta = TimeDelta::days(1);

/// App-wide limits: the configured ones plus those of each account's preset or list (trial
/// access is per app), each once.
pub fn app_specs(accounts: &[Account], app_limits: &[LimitSpec]) -> Vec<LimitSpec> {
    let mut app: Vec<LimitSpec> = app_limits.to_vec();
    for spec in accounts.iter().flat_map(|a| a.limits.specs()) {
        if spec.scope == LimitScope::App && !app.contains(&spec) {
            app.push(spec);
        }
    }
    app
}

/// The pacer as the database says it should be at `now`: every account's limits and pauses, and
/// every window refilled with the requests really sent in the last day (so a restart neither
/// spends a quota twice nor bursts into a window already used).
pub fn rebuild_pacer(
    store: &Store,
    app_limits: &[LimitSpec],
    now: DateTime<Utc>,
) -> Result<Pacer, crate::error::EngineError> {
    let accounts = store.accounts()?;
    let mut pacer = Pacer::new(&app_specs(&accounts, app_limits));
    for a in accounts {
        if let Some(until) = a.held_until.filter(|t| *t > now) {
            pacer.hold_until(a.id, until);
        }
        pacer.set_account_limits(a.id, &a.limits.specs());
        match a.status {
            AccountStatus::NeedsReconnect | AccountStatus::Disconnected => {
                pacer.pause(a.id, now + DAY * 3650, PauseReason::NeedsReconnect)
            }
            AccountStatus::SpamBlocked => {
                pacer.pause(a.id, now + DAY * 3650, PauseReason::SpamBlock)
            }
            _ => {}
        }
    }
    for r in store.recent_requests(now - DAY)? {
        pacer.record_send(r.account_id, r.category, r.sent_at);
    }
    Ok(pacer)
}

impl Engine {
    pub(super) fn move_job(
        &mut self,
        job: &Job,
        to: JobState,
        reason: &str,
        detail: Option<serde_json::Value>,
        patch: JobPatch,
    ) -> bool {
        let now = self.clock.now();
        let moved = self
            .db()
            .transition_from(job, to, reason, detail.as_ref(), &patch, now);
        match moved {
            Ok(_) => {
                tracing::info!(
                    job = job.id,
                    account = job.account_id,
                    from = job.state.as_str(),
                    to = to.as_str(),
                    detail = detail.as_ref().map(|d| d.to_string()),
                    "{reason}"
                );
                self.emit(EngineEvent::JobChanged {
                    job_id: job.id,
                    account_id: job.account_id,
                    from: job.state,
                    to,
                    reason: reason.to_string(),
                });
                true
            }
            Err(e) => {
                tracing::warn!(
                    job = job.id,
                    from = job.state.as_str(),
                    to = to.as_str(),
                    code = ?e.code,
                    "job not moved ({reason}): {}",
                    e.message
                );
                false
            }
        }
    }

    /// Rebuilds what the engine keeps in memory from the store; false (and halted) when the
    /// store cannot be read, in which case nothing is sent.
    pub(super) fn start_up(&mut self) -> bool {
        let now = self.clock.now();
        let rebuilt = rebuild_pacer(&self.db(), &self.config.app_limits, now);
        match rebuilt {
            Ok(pacer) => self.pacer = pacer,
            Err(e) => {
                self.halt("the accounts and the request log cannot be read", &e, now);
                return false;
            }
        }
        // A job found in flight may have been created: check the board before sending again.
        let in_flight = self.db().jobs_in_state(JobState::InFlight);
        let in_flight = match in_flight {
            Ok(jobs) => jobs,
            Err(e) => {
                self.halt("the jobs left in flight cannot be read", &e, now);
                return false;
            }
        };
        for job in in_flight {
            let patch = JobPatch {
                needs_reconcile: Some(true),
                ..Default::default()
            };
            self.move_job(
                &job,
                JobState::Due,
                "found in flight at start: the board is checked before any resend",
                None,
                patch,
            );
        }
        true
    }

    /// Scheduled jobs and retries whose time came become due; a scheduled job later than the
    /// catch-up grace (the app was closed, the laptop slept) is marked missed for the user.
    pub(super) fn promote_due(&mut self, now: DateTime<Utc>) {
        let grace = TimeDelta::from_std(self.config.catch_up_grace).unwrap_or(TimeDelta::MAX);
        let coming = self.db().jobs_coming_due(now);
        let coming = match coming {
            Ok(jobs) => jobs,
            Err(e) => return self.halt("the jobs coming due cannot be read", &e, now),
        };
        if coming.is_empty() {
            return;
        }
        // All promotions of this instant in one commit (each move is still its own savepoint).
        let begun = self.db().savepoint("promote");
        if let Err(e) = begun {
            return self.halt("the jobs coming due cannot be moved", &e, now);
        }
        for job in coming {
            let account_blocked = job
                .account_id
                .and_then(|a| self.db().account(a).ok())
                .is_some_and(|a| {
                    matches!(
                        a.status,
                        AccountStatus::NeedsReconnect | AccountStatus::Disconnected
                    )
                });
            let late = job.due_at.map(|d| now - d).unwrap_or_default();
            if account_blocked {
                self.move_job(
                    &job,
                    JobState::NeedsReconnect,
                    "the account must be reconnected",
                    None,
                    JobPatch::default(),
                );
            } else if job.state == JobState::Scheduled && late > grace {
                let detail = json!({ "late_seconds": late.num_seconds() });
                self.move_job(
                    &job,
                    JobState::Missed,
                    "its time passed while PinPace was not running",
                    Some(detail),
                    JobPatch::default(),
                );
            } else {
                let reason = if job.state == JobState::WaitingRetry {
                    "retry time reached"
                } else {
                    "publish time reached"
                };
                self.move_job(&job, JobState::Due, reason, None, JobPatch::default());
            }
        }
        let released = self.db().release("promote");
        if let Err(e) = released {
            self.halt("the jobs coming due could not be committed", &e, now);
        }
    }

    /// Builds the attempt for an account's oldest due job that no look-alike holds back, and
    /// marks the job in flight, with its attempt number, before anything is sent (DESIGN
    /// invariant 3).
    pub(super) fn prepare_attempt(&mut self, account: i64, now: DateTime<Utc>) -> Prepared {
        let job = match self.db().next_due(account) {
            Ok(NextDue::Ready(job)) => job,
            Ok(NextDue::Held) => return Prepared::Held,
            Ok(NextDue::Nothing) => return Prepared::Nothing,
            Err(e) => {
                tracing::warn!(account, "cannot read the next due pin: {}", e.message);
                return Prepared::LocalError;
            }
        };
        let Ok(content) = self.db().pin(job.pin_id) else {
            return Prepared::LocalError;
        };
        let request = match self.pin_request(&job, &content) {
            Ok(r) => r,
            Err(message) => {
                let patch = JobPatch {
                    error: Some(Some(("invalid_pin".into(), message.clone()))),
                    ..Default::default()
                };
                self.move_job(
                    &job,
                    JobState::InFlight,
                    "checked before sending",
                    None,
                    JobPatch::default(),
                );
                let reread = self.db().job(job.id);
                if let Ok(job) = reread {
                    self.move_job(&job, JobState::Failed, &message, None, patch);
                }
                return Prepared::Skipped;
            }
        };
        let Some(client) = self.client_for(account) else {
            return Prepared::LocalError;
        };
        // The last look: the budget is spent, but the pin may exist from an earlier attempt.
        let check_only = job.needs_reconcile
            && job.attempt >= i64::from(self.config.retry.max_attempts)
            && job.error_code.as_deref() == Some(FINAL_CHECK);
        let trust_absence = self.trust_at(&job).is_none_or(|t| now >= t);
        // A peek (the listing lag has not passed yet) can only confirm the pin: nothing is sent.
        let may_create = !check_only && (trust_absence || !job.needs_reconcile);
        let patch = JobPatch {
            attempt: Some(job.attempt + i64::from(may_create)),
            // While a board check is pending, keep the time of the earliest unconfirmed attempt:
            // the check must accept a pin created by that attempt, however long ago it was.
            sent_at: if job.needs_reconcile {
                None
            } else {
                Some(Some(now))
            },
            last_sent_at: may_create.then_some(Some(now)),
            ..Default::default()
        };
        // The in-flight mark (with its attempt) and the request-log row are one durable commit,
        // made before the request leaves (DESIGN invariant 3).
        let marked = self.db().durably(|s| {
            let moved = s.transition_from(
                &job,
                JobState::InFlight,
                "sending to Pinterest",
                None,
                &patch,
                now,
            )?;
            if may_create {
                s.log_request(account, Category::OrgWrite, now)?;
            }
            Ok(moved)
        });
        // The event goes out when the attempt is launched, after the commit.
        let job = match marked {
            Ok(job) => job,
            Err(e) => {
                tracing::warn!(
                    job = job.id,
                    "not marked in flight, nothing sent: {}",
                    e.message
                );
                return Prepared::LocalError;
            }
        };
        // Only a board check needs to know which pins other jobs already own. No look-alike can
        // be published while this attempt runs (they wait behind it), so the set stays true.
        let claimed: HashSet<String> = if job.needs_reconcile {
            let board = job.board_id.clone().unwrap_or_default();
            self.db()
                .claimed_pin_ids(account, &board)
                .unwrap_or_default()
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        let refresh_lock = self.refresh_locks.entry(account).or_default().clone();
        Prepared::Attempt(Box::new(AttemptInput {
            refresh_lock,
            dispatched_at: now,
            job,
            content,
            request,
            claimed,
            client,
            tokens: self.tokens.clone(),
            check_only,
            trust_absence,
            may_create,
        }))
    }

    /// When a board check that finds nothing may be believed: the listing lag plus the request
    /// timeout after the job's latest creation left (`None`: nothing was ever sent).
    pub(super) fn trust_at(&self, job: &Job) -> Option<DateTime<Utc>> {
        let wait = self.config.listing_lag + crate::pinterest::client::REQUEST_TIMEOUT;
        let wait = TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
        job.last_sent_at.or(job.sent_at).map(|t| t + wait)
    }

    fn pin_request(&self, job: &Job, content: &PinContent) -> Result<PinCreate, String> {
        let media_source = if let Some(sha) = &content.media_sha256 {
            let dir = self.db().media_dir().map_err(|e| e.message)?;
            let found = ["png", "jpg"]
                .iter()
                .map(|ext| dir.join(&sha[..2]).join(format!("{sha}.{ext}")))
                .find(|p| p.exists());
            let path = found
                .ok_or_else(|| "the pin's image is missing from the media folder".to_string())?;
            let bytes =
                std::fs::read(&path).map_err(|e| format!("cannot read the pin's image: {e}"))?;
            let content_type = if path.extension().is_some_and(|e| e == "png") {
                ImageContentType::Png
            } else {
                ImageContentType::Jpeg
            };
            MediaSource::ImageBase64 {
                content_type,
                data: base64::engine::general_purpose::STANDARD.encode(bytes),
            }
        } else if let Some(url) = &content.media_url {
            MediaSource::ImageUrl { url: url.clone() }
        } else {
            return Err("the pin has no image".into());
        };
        Ok(PinCreate {
            board_id: job.board_id.clone().ok_or("the job has no board")?,
            board_section_id: job.section_id.clone(),
            title: content.title.clone(),
            description: content.description.clone(),
            link: content.link.clone(),
            alt_text: content.alt_text.clone(),
            dominant_color: None,
            media_source,
        })
    }

    pub(super) fn apply_report(&mut self, report: AttemptReport) {
        let now = self.clock.now();
        let account = report.account_id;
        if let Some(n) = self.in_flight.get_mut(&account) {
            *n = n.saturating_sub(1);
        }
        for (category, at) in &report.extra_requests {
            self.pacer.record_send(account, *category, *at);
            let _ = self.db().log_request(account, *category, *at);
        }
        if matches!(
            report.result,
            AttemptResult::Created(_) | AttemptResult::FoundOnBoard(_)
        ) {
            self.healthy.insert(account);
        } else {
            self.healthy.remove(&account);
        }
        if let Some(answered) = report.create_answered_at {
            self.pacer
                .restamp_send(account, Category::OrgWrite, report.dispatched_at, answered);
        }
        for (category, signals, is_429) in &report.signals {
            if *is_429 {
                self.pacer.observe_429(account, *category, signals, now);
            } else {
                self.pacer.observe(account, *category, signals, now);
            }
        }
        if let Some(floor) = self.pacer.server_floor(account, now) {
            let _ = self.db().set_account_hold(account, Some(floor));
        }
        let Ok(job) = self.db().job(report.job_id) else {
            return;
        };
        match report.result {
            AttemptResult::Created(pin) | AttemptResult::FoundOnBoard(pin) => {
                let reconciled = job.needs_reconcile;
                self.counters.published += 1;
                if reconciled {
                    self.counters.reconciled += 1;
                }
                let url = format!("https://www.pinterest.com/pin/{}/", pin.id);
                let patch = JobPatch {
                    pinterest_pin_id: Some(pin.id.clone()),
                    pinterest_url: Some(url),
                    needs_reconcile: Some(false),
                    next_attempt_at: Some(None),
                    error: Some(None),
                    ..Default::default()
                };
                let reason = if reconciled {
                    "published (confirmed on the board)"
                } else {
                    "published"
                };
                self.move_job(
                    &job,
                    JobState::Published,
                    reason,
                    Some(json!({ "pin_id": pin.id })),
                    patch,
                );
            }
            AttemptResult::NeedsReconnect(message) => self.needs_reconnect(&job, &message),
            AttemptResult::NotOnBoard => {
                self.counters.failures += 1;
                let msg = format!(
                    "gave up after {} attempts; the board was checked and the pin is not there",
                    job.attempt
                );
                let patch = JobPatch {
                    error: Some(Some(("retry_budget_spent".into(), msg))),
                    needs_reconcile: Some(false),
                    ..Default::default()
                };
                self.move_job(
                    &job,
                    JobState::Failed,
                    "the retry budget is spent",
                    None,
                    patch,
                );
            }
            AttemptResult::NotYetListed => {
                let at = self.trust_at(&job).unwrap_or(now).max(now);
                let patch = JobPatch {
                    next_attempt_at: Some(Some(at)),
                    ..Default::default()
                };
                self.move_job(
                    &job,
                    JobState::WaitingRetry,
                    "not on the board yet, but listings can lag: nothing is resent before the \
                     board is checked again",
                    Some(json!({ "check_again_at": at })),
                    patch,
                );
            }
            AttemptResult::SecretsLocked(why) => {
                let wait = TimeDelta::seconds(15);
                self.pacer
                    .pause(account, now + wait, PauseReason::SecretsLocked);
                let uncounted = JobPatch {
                    attempt: Some((job.attempt - 1).max(0)),
                    ..Default::default()
                };
                self.move_job(
                    &job,
                    JobState::Due,
                    "the keychain cannot be read now: nothing was sent, the account waits",
                    Some(json!({ "detail": why, "retry_in_secs": wait.num_seconds() })),
                    uncounted,
                );
            }
            AttemptResult::Undecided(why) => {
                self.counters.failures += 1;
                let patch = JobPatch {
                    error: Some(Some(("board_check_inconclusive".into(), why.clone()))),
                    ..Default::default()
                };
                self.move_job(
                    &job,
                    JobState::Failed,
                    "the board check could not decide: nothing is resent blind",
                    Some(json!({ "why": why })),
                    patch,
                );
            }
            AttemptResult::Failed(outcome) => self.apply_failure(&job, outcome, now),
        }
        self.emit_lane(account, now);
    }

    fn apply_failure(&mut self, job: &Job, outcome: Outcome<()>, now: DateTime<Utc>) {
        let account = job.account_id.unwrap_or_default();
        // A request that was not counted against the budget hands its attempt number back.
        let uncounted = JobPatch {
            attempt: Some((job.attempt - 1).max(0)),
            ..Default::default()
        };
        match outcome {
            Outcome::Success(()) => {}
            Outcome::RateLimited {
                spam_block: true,
                message,
                ..
            } => {
                self.counters.rate_limited += 1;
                let _ = self
                    .db()
                    .set_account_status(account, AccountStatus::SpamBlocked);
                self.pacer
                    .pause(account, now + DAY * 3650, PauseReason::SpamBlock);
                let detail = json!({ "message": message });
                self.move_job(
                    job,
                    JobState::Due,
                    "Pinterest blocked the account for spam-like activity: paused",
                    Some(detail),
                    uncounted,
                );
            }
            Outcome::RateLimited {
                retry_at, message, ..
            } => {
                self.counters.rate_limited += 1;
                let detail = json!({ "retry_at": retry_at, "message": message });
                self.move_job(
                    job,
                    JobState::Due,
                    "rate limited (429): the lane waits",
                    Some(detail),
                    uncounted,
                );
            }
            Outcome::Offline { detail } => {
                let probe =
                    TimeDelta::from_std(self.config.offline_probe).unwrap_or(TimeDelta::seconds(2));
                self.pacer.pause(account, now + probe, PauseReason::Offline);
                self.move_job(
                    job,
                    JobState::Due,
                    "offline: nothing reached Pinterest",
                    Some(json!({ "detail": detail })),
                    uncounted,
                );
            }
            Outcome::Terminal {
                status,
                code,
                message,
            } => {
                self.counters.failures += 1;
                let code_text =
                    code.map_or_else(|| format!("http_{status}"), |c| format!("pinterest_{c}"));
                let shown = if code == Some(TRIAL_ACCESS_CODE) {
                    format!(
                        "Pinterest refused the pin because your Pinterest app has trial access, \
                         which cannot create pins in production (code 29: {message}). Connect \
                         the account in Pinterest's sandbox to try things out, or ask Pinterest \
                         for standard access for your app."
                    )
                } else if code == Some(BOARD_NOT_FOUND_CODE) {
                    self.refresh_boards(account);
                    format!(
                        "The board this pin was meant for (id {}) no longer exists on Pinterest, \
                         or this account cannot reach it: it was deleted or moved. The board \
                         list is being refreshed; pick another board and requeue the pin \
                         (code 40: {message}).",
                        job.board_id.as_deref().unwrap_or("?")
                    )
                } else {
                    message.clone()
                };
                let patch = JobPatch {
                    // An earlier unconfirmed attempt may still have created the pin: the flag stays
                    // so that a requeue checks the board first.
                    error: Some(Some((code_text, shown))),
                    ..Default::default()
                };
                self.move_job(
                    job,
                    JobState::Failed,
                    "Pinterest refused the pin",
                    Some(json!({ "status": status, "code": code, "message": message })),
                    patch,
                );
            }
            Outcome::Auth { message, .. } => self.needs_reconnect(job, &message),
            Outcome::Transient {
                reason,
                maybe_delivered,
                detail,
            } if self.long_pause(account, now).is_some() => {
                // The account is stopped until the user acts (reconnect, spam block): a passing
                // failure is no reason to fail this pin; it waits with the account's others.
                let pause = self
                    .long_pause(account, now)
                    .unwrap_or(PauseReason::NeedsReconnect);
                let to = if pause == PauseReason::NeedsReconnect {
                    JobState::NeedsReconnect
                } else {
                    JobState::Due
                };
                let patch = JobPatch {
                    needs_reconcile: Some(job.needs_reconcile || maybe_delivered),
                    error: Some(Some(("transient".into(), detail.clone()))),
                    ..Default::default()
                };
                let info =
                    json!({ "reason": format!("{reason:?}"), "detail": detail, "pause": pause });
                self.move_job(
                    job,
                    to,
                    "temporary failure while the account is paused: the pin waits with its account",
                    Some(info),
                    patch,
                );
            }
            Outcome::Transient {
                reason,
                maybe_delivered,
                detail,
            } => {
                let spent = Duration::from_millis(job.retry_delay_ms.max(0) as u64);
                let attempt = u32::try_from(job.attempt).unwrap_or(u32::MAX);
                let floor = self
                    .pacer
                    .paused(account, now)
                    .map(|(until, _)| (until - now).to_std().unwrap_or_default());
                let info = json!({ "reason": format!("{reason:?}"), "detail": detail, "maybe_delivered": maybe_delivered });
                match self
                    .config
                    .retry
                    .decide(attempt, spent, floor, &mut self.rng)
                {
                    RetryDecision::RetryAfter(wait) => {
                        self.counters.retries += 1;
                        let at = now + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
                        let patch = JobPatch {
                            next_attempt_at: Some(Some(at)),
                            retry_delay_ms: Some(job.retry_delay_ms + wait.as_millis() as i64),
                            needs_reconcile: Some(job.needs_reconcile || maybe_delivered),
                            error: Some(Some(("transient".into(), detail))),
                            ..Default::default()
                        };
                        self.move_job(
                            job,
                            JobState::WaitingRetry,
                            "temporary failure: retrying with backoff",
                            Some(info),
                            patch,
                        );
                    }
                    RetryDecision::GiveUp
                        if (job.needs_reconcile || maybe_delivered)
                            && job.error_code.as_deref() != Some(FINAL_CHECK) =>
                    {
                        // Before calling it failed, look on the board once (a read, no send):
                        // an earlier attempt may have created the pin.
                        let at = now
                            + TimeDelta::from_std(self.config.retry.base_delay)
                                .unwrap_or(TimeDelta::seconds(2));
                        let patch = JobPatch {
                            next_attempt_at: Some(Some(at)),
                            needs_reconcile: Some(true),
                            error: Some(Some((FINAL_CHECK.into(), detail))),
                            ..Default::default()
                        };
                        self.move_job(
                            job,
                            JobState::WaitingRetry,
                            "the retry budget is spent: checking the board once before giving up",
                            Some(info),
                            patch,
                        );
                    }
                    RetryDecision::GiveUp => {
                        self.counters.failures += 1;
                        let msg = if job.needs_reconcile || maybe_delivered {
                            format!("gave up after {attempt} attempts; the pin may have been created, check the board: {detail}")
                        } else {
                            format!("gave up after {attempt} attempts: {detail}")
                        };
                        let patch = JobPatch {
                            error: Some(Some(("retry_budget_spent".into(), msg))),
                            needs_reconcile: Some(job.needs_reconcile || maybe_delivered),
                            ..Default::default()
                        };
                        self.move_job(
                            job,
                            JobState::Failed,
                            "the retry budget is spent",
                            Some(info),
                            patch,
                        );
                    }
                }
            }
        }
    }

    /// The account's pause that only the user can end (reconnect, spam block), if any.
    fn long_pause(&self, account: i64, now: DateTime<Utc>) -> Option<PauseReason> {
        self.pacer
            .paused(account, now)
            .map(|(_, reason)| reason)
            .filter(|r| matches!(r, PauseReason::NeedsReconnect | PauseReason::SpamBlock))
    }

    /// The account's token is gone for good: its jobs wait (they do not fail) until reconnect.
    fn needs_reconnect(&mut self, job: &Job, message: &str) {
        let account = job.account_id.unwrap_or_default();
        let now = self.clock.now();
        let _ = self
            .db()
            .set_account_status(account, AccountStatus::NeedsReconnect);
        self.pacer
            .pause(account, now + DAY * 3650, PauseReason::NeedsReconnect);
        let uncounted = JobPatch {
            attempt: Some((job.attempt - 1).max(0)),
            ..Default::default()
        };
        self.move_job(job, JobState::NeedsReconnect, message, None, uncounted);
        let waiting: Vec<Job> = [JobState::Due, JobState::WaitingRetry]
            .into_iter()
            .flat_map(|s| self.db().jobs_in_state(s).unwrap_or_default())
            .filter(|j| j.account_id == Some(account))
            .collect();
        for j in waiting {
            self.move_job(
                &j,
                JobState::NeedsReconnect,
                "the account must be reconnected",
                None,
                JobPatch::default(),
            );
        }
    }

    pub(super) fn resume_account(&mut self, account: i64) {
        let _ = self.db().set_account_status(account, AccountStatus::Active);
        self.pacer.resume(account);
        let waiting = self
            .db()
            .jobs_in_state(JobState::NeedsReconnect)
            .unwrap_or_default();
        for j in waiting
            .into_iter()
            .filter(|j| j.account_id == Some(account))
        {
            self.move_job(
                &j,
                JobState::Due,
                "the account is connected again",
                None,
                JobPatch::default(),
            );
        }
    }

    pub(super) fn lane_snapshots(&mut self, now: DateTime<Utc>) -> Vec<LaneSnapshot> {
        let accounts: Vec<i64> = self
            .db()
            .accounts()
            .unwrap_or_default()
            .iter()
            .map(|a| a.id)
            .collect();
        accounts
            .into_iter()
            .map(|a| self.lane_snapshot(a, now))
            .collect()
    }

    fn lane_snapshot(&mut self, account: i64, now: DateTime<Utc>) -> LaneSnapshot {
        let due = self
            .db()
            .due_counts()
            .unwrap_or_default()
            .into_iter()
            .find(|(a, _)| *a == account)
            .map_or(0, |(_, n)| n);
        let paused = self.pacer.paused(account, now);
        LaneSnapshot {
            account_id: account,
            windows: self.pacer.usage(account, now),
            paused_until: paused.map(|p| p.0),
            pause_reason: paused
                .map(|p| p.1)
                .or(self.paused_all.then_some(PauseReason::User)),
            due,
            in_flight: self.in_flight.get(&account).copied().unwrap_or(0) as u32,
            next_dispatch: (due > 0)
                .then(|| self.pacer.next_slot(account, Category::OrgWrite, now)),
            server_clock_offset_secs: self
                .clients
                .get(&account)
                .and_then(|c| c.server_clock().offset())
                .map(|o| o.num_seconds()),
        }
    }

    fn emit_lane(&mut self, account: i64, now: DateTime<Utc>) {
        let snapshot = self.lane_snapshot(account, now);
        self.emit(EngineEvent::Lane(snapshot));
        self.emit(EngineEvent::Counters(self.counters.clone()));
    }
}
