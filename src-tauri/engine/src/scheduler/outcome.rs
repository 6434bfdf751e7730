//! What an attempt's result means for its job, as one pure function: from the job as it was
//! marked in flight, the attempt's result and the lane's state, to the transition to make and
//! the effects around it (counters, a pause, the account's status). Nothing here reads the
//! store, the clock or the network, so every rule of "never lost, never twice" is checked by the
//! property tests below on any mix of jobs and results; `apply` carries the transition out.
//!
//! The rules, in words:
//! - Only a pin Pinterest answered with, or the board check found, publishes a job.
//! - A result that may have created the pin (a timeout, a dropped connection, a 5xx) sets
//!   `needs_reconcile`, and nothing clears it but a publish or a board check that read the
//!   whole window: the next attempt looks at the board before it sends.
//! - A passing failure while the account is stopped until the user acts (reconnect, spam
//!   block) leaves the job waiting with its account; it spends no budget on the wait.
//! - Requests that never reached Pinterest (offline, a 429, a locked keychain, a refused token)
//!   hand their attempt number back.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use serde_json::{json, Value};

use super::dispatch::AttemptResult;
use super::retry::{RetryDecision, RetryPolicy};
use crate::pacing::PauseReason;
use crate::pinterest::outcome::{BOARD_NOT_FOUND_CODE, TRIAL_ACCESS_CODE};
use crate::pinterest::Outcome;
use crate::store::accounts::AccountStatus;
use crate::store::job_error::JobErrorCode;
use crate::store::job_state::JobState;
use crate::store::jobs::{Job, JobPatch};

/// A pause that lasts until the user acts.
pub const FOREVER: TimeDelta = crate::pacing::UNTIL_THE_USER_ACTS;

/// How long a lane waits for a locked keychain before it looks again.
pub const KEYCHAIN_RETRY: TimeDelta = TimeDelta::seconds(15);

/// What the lane and the engine looked like when the result came in.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub policy: &'a RetryPolicy,
    /// The lane's pause in force (after this attempt's own signals were taken in).
    pub pause: Option<(DateTime<Utc>, PauseReason)>,
    /// When a board check that finds nothing may be believed (see `reconcile`).
    pub trust_at: Option<DateTime<Utc>>,
    pub offline_probe: Duration,
}

/// Side effects of a transition, carried out by the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Published {
        reconciled: bool,
    },
    Failed,
    Retried,
    RateLimited,
    PauseLane(DateTime<Utc>, PauseReason),
    AccountStatus(AccountStatus),
    /// The account's other due and waiting jobs wait for a reconnect too.
    HoldAccountForReconnect,
    RefreshBoards,
}

#[derive(Debug, Clone)]
pub struct Transition {
    pub to: JobState,
    pub reason: String,
    pub detail: Option<Value>,
    pub patch: JobPatch,
    pub effects: Vec<Effect>,
}

impl Transition {
    fn new(to: JobState, reason: impl Into<String>, patch: JobPatch) -> Self {
        Transition {
            to,
            reason: reason.into(),
            detail: None,
            patch,
            effects: Vec::new(),
        }
    }
    fn detail(mut self, detail: Value) -> Self {
        self.detail = Some(detail);
        self
    }
    fn effects(mut self, effects: impl IntoIterator<Item = Effect>) -> Self {
        self.effects.extend(effects);
        self
    }
}

/// The attempt number handed back by a request that did not count against the budget.
fn uncounted(job: &Job) -> JobPatch {
    JobPatch {
        // Saturating: `attempt` is read from the database.
        attempt: Some(job.attempt.saturating_sub(1).max(0)),
        ..Default::default()
    }
}

/// The transition for `job` (as marked in flight) after `result`.
pub fn transition_for(
    job: &Job,
    result: &AttemptResult,
    ctx: &Context<'_>,
    rng: &mut impl Rng,
) -> Transition {
    match result {
        AttemptResult::Created(pin) | AttemptResult::FoundOnBoard(pin) => {
            let reconciled = job.needs_reconcile;
            let patch = JobPatch {
                pinterest_pin_id: Some(pin.id.clone()),
                pinterest_url: Some(format!("https://www.pinterest.com/pin/{}/", pin.id)),
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
            Transition::new(JobState::Published, reason, patch)
                .detail(json!({ "pin_id": pin.id }))
                .effects([Effect::Published { reconciled }])
        }
        AttemptResult::NeedsReconnect(message) => needs_reconnect(job, message),
        AttemptResult::NotOnBoard => {
            let msg = format!(
                "gave up after {} attempts; the board was checked and the pin is not there",
                job.attempt
            );
            let patch = JobPatch {
                error: Some(Some((JobErrorCode::RetryBudgetSpent, msg))),
                needs_reconcile: Some(false),
                ..Default::default()
            };
            Transition::new(JobState::Failed, "the retry budget is spent", patch)
                .effects([Effect::Failed])
        }
        AttemptResult::NotYetListed => {
            let at = ctx.trust_at.unwrap_or(ctx.now).max(ctx.now);
            let patch = JobPatch {
                next_attempt_at: Some(Some(at)),
                ..Default::default()
            };
            Transition::new(
                JobState::WaitingRetry,
                "not on the board yet, but listings can lag: nothing is resent before the \
                 board is checked again",
                patch,
            )
            .detail(json!({ "check_again_at": at }))
        }
        AttemptResult::SecretsLocked(why) => Transition::new(
            JobState::Due,
            "the keychain cannot be read now: nothing was sent, the account waits",
            uncounted(job),
        )
        .detail(json!({ "detail": why, "retry_in_secs": KEYCHAIN_RETRY.num_seconds() }))
        .effects([Effect::PauseLane(
            ctx.now + KEYCHAIN_RETRY,
            PauseReason::SecretsLocked,
        )]),
        AttemptResult::Unsendable(why) => {
            let patch = JobPatch {
                error: Some(Some((JobErrorCode::InvalidPin, why.clone()))),
                ..uncounted(job)
            };
            Transition::new(JobState::Failed, why.clone(), patch).effects([Effect::Failed])
        }
        AttemptResult::Undecided(why) => {
            let patch = JobPatch {
                error: Some(Some((JobErrorCode::BoardCheckInconclusive, why.clone()))),
                ..Default::default()
            };
            Transition::new(
                JobState::Failed,
                "the board check could not decide: nothing is resent blind",
                patch,
            )
            .detail(json!({ "why": why }))
            .effects([Effect::Failed])
        }
        AttemptResult::Failed(outcome) => failure(job, outcome, ctx, rng),
    }
}

/// The account's token is gone for good: its jobs wait (they do not fail) until reconnect.
fn needs_reconnect(job: &Job, message: &str) -> Transition {
    Transition::new(JobState::NeedsReconnect, message, uncounted(job)).effects([
        Effect::AccountStatus(AccountStatus::NeedsReconnect),
        Effect::HoldAccountForReconnect,
    ])
}

fn long_pause(ctx: &Context<'_>) -> Option<PauseReason> {
    ctx.pause
        .map(|(_, reason)| reason)
        .filter(|r| matches!(r, PauseReason::NeedsReconnect | PauseReason::SpamBlock))
}

fn failure(job: &Job, outcome: &Outcome<()>, ctx: &Context<'_>, rng: &mut impl Rng) -> Transition {
    let now = ctx.now;
    match outcome {
        Outcome::Success(()) => {
            // Not produced by an attempt (a success carries its pin); treat it as unconfirmed.
            transient(
                job,
                "an empty success",
                true,
                "no pin in the answer",
                ctx,
                rng,
            )
        }
        Outcome::RateLimited {
            spam_block: true,
            message,
            ..
        } => Transition::new(
            JobState::Due,
            "Pinterest blocked the account for spam-like activity: paused",
            uncounted(job),
        )
        .detail(json!({ "message": message }))
        .effects([
            Effect::RateLimited,
            Effect::AccountStatus(AccountStatus::SpamBlocked),
            Effect::PauseLane(now + FOREVER, PauseReason::SpamBlock),
        ]),
        Outcome::RateLimited {
            retry_at, message, ..
        } => Transition::new(
            JobState::Due,
            "rate limited (429): the lane waits",
            uncounted(job),
        )
        .detail(json!({ "retry_at": retry_at, "message": message }))
        .effects([Effect::RateLimited]),
        Outcome::Offline { detail } => {
            let probe = TimeDelta::from_std(ctx.offline_probe).unwrap_or(TimeDelta::seconds(2));
            Transition::new(
                JobState::Due,
                "offline: nothing reached Pinterest",
                uncounted(job),
            )
            .detail(json!({ "detail": detail }))
            .effects([Effect::PauseLane(now + probe, PauseReason::Offline)])
        }
        Outcome::Terminal {
            status,
            code,
            message,
        } => terminal(job, *status, *code, message),
        Outcome::Auth { message, .. } => needs_reconnect(job, message),
        Outcome::Transient {
            reason,
            maybe_delivered,
            detail,
        } => transient(
            job,
            &format!("{reason:?}"),
            *maybe_delivered,
            detail,
            ctx,
            rng,
        ),
    }
}

fn terminal(job: &Job, status: u16, code: Option<i64>, message: &str) -> Transition {
    let mut effects = vec![Effect::Failed];
    let shown = if code == Some(TRIAL_ACCESS_CODE) {
        format!(
            "Pinterest refused the pin because your Pinterest app has trial access, which cannot \
             create pins in production (code 29: {message}). Connect the account in Pinterest's \
             sandbox to try things out, or ask Pinterest for standard access for your app."
        )
    } else if code == Some(BOARD_NOT_FOUND_CODE) {
        effects.push(Effect::RefreshBoards);
        format!(
            "The board this pin was meant for (id {}) no longer exists on Pinterest, or this \
             account cannot reach it: it was deleted or moved. The board list is being \
             refreshed; pick another board and requeue the pin (code 40: {message}).",
            job.board_id.as_deref().unwrap_or("?")
        )
    } else {
        message.to_string()
    };
    // An earlier unconfirmed attempt may still have created the pin: the flag stays, so that a
    // requeue checks the board first.
    let patch = JobPatch {
        error: Some(Some((JobErrorCode::refused(status, code), shown))),
        ..Default::default()
    };
    Transition::new(JobState::Failed, "Pinterest refused the pin", patch)
        .detail(json!({ "status": status, "code": code, "message": message }))
        .effects(effects)
}

fn transient(
    job: &Job,
    reason: &str,
    maybe_delivered: bool,
    detail: &str,
    ctx: &Context<'_>,
    rng: &mut impl Rng,
) -> Transition {
    let now = ctx.now;
    let unsure = job.needs_reconcile || maybe_delivered;
    let info = json!({ "reason": reason, "detail": detail, "maybe_delivered": maybe_delivered });
    if let Some(pause) = long_pause(ctx) {
        // The account is stopped until the user acts (reconnect, spam block): a passing
        // failure is no reason to fail this pin; it waits with the account's others.
        let to = if pause == PauseReason::NeedsReconnect {
            JobState::NeedsReconnect
        } else {
            JobState::Due
        };
        let patch = JobPatch {
            needs_reconcile: Some(unsure),
            error: Some(Some((JobErrorCode::Transient, detail.to_string()))),
            ..Default::default()
        };
        return Transition::new(
            to,
            "temporary failure while the account is paused: the pin waits with its account",
            patch,
        )
        .detail(json!({ "reason": reason, "detail": detail, "pause": pause }));
    }
    let spent = Duration::from_millis(job.retry_delay_ms.max(0) as u64);
    let attempt = u32::try_from(job.attempt).unwrap_or(u32::MAX);
    let floor = ctx
        .pause
        .map(|(until, _)| (until - now).to_std().unwrap_or_default());
    match ctx.policy.decide(attempt, spent, floor, rng) {
        RetryDecision::RetryAfter(wait) => {
            // Saturating: `wait` is bounded by the policy and `retry_delay_ms` is read from the
            // database, so neither may overflow a time or an i64 into a panic.
            let at = TimeDelta::from_std(wait)
                .ok()
                .and_then(|d| now.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
            let patch = JobPatch {
                next_attempt_at: Some(Some(at)),
                retry_delay_ms: Some(job.retry_delay_ms.saturating_add(wait_ms)),
                needs_reconcile: Some(unsure),
                error: Some(Some((JobErrorCode::Transient, detail.to_string()))),
                ..Default::default()
            };
            Transition::new(
                JobState::WaitingRetry,
                "temporary failure: retrying with backoff",
                patch,
            )
            .detail(info)
            .effects([Effect::Retried])
        }
        RetryDecision::GiveUp
            if unsure && job.error_code != Some(JobErrorCode::FinalBoardCheck) =>
        {
            // Before calling it failed, look on the board once (a read, no send): an earlier
            // attempt may have created the pin.
            let at = TimeDelta::from_std(ctx.policy.base_delay)
                .ok()
                .and_then(|d| now.checked_add_signed(d))
                .unwrap_or(now + TimeDelta::seconds(2));
            let patch = JobPatch {
                next_attempt_at: Some(Some(at)),
                needs_reconcile: Some(true),
                error: Some(Some((JobErrorCode::FinalBoardCheck, detail.to_string()))),
                ..Default::default()
            };
            Transition::new(
                JobState::WaitingRetry,
                "the retry budget is spent: checking the board once before giving up",
                patch,
            )
            .detail(info)
        }
        RetryDecision::GiveUp => {
            let msg = if unsure {
                format!(
                    "gave up after {attempt} attempts; the pin may have been created, check the \
                     board: {detail}"
                )
            } else {
                format!("gave up after {attempt} attempts: {detail}")
            };
            let patch = JobPatch {
                error: Some(Some((JobErrorCode::RetryBudgetSpent, msg))),
                needs_reconcile: Some(unsure),
                ..Default::default()
            };
            Transition::new(JobState::Failed, "the retry budget is spent", patch)
                .detail(info)
                .effects([Effect::Failed])
        }
    }
}

#[cfg(test)]
#[path = "outcome_tests.rs"]
mod tests;
