//! Carrying out an attempt's report: the lane's bookkeeping (in flight, health, the pacer's
//! signals and the server's floor), then the transition `outcome::transition_for` decides and
//! its effects, each a store transition with its reason, logged and emitted as an event.

use crate::AccountId;
use chrono::{DateTime, Utc};

use super::dispatch::{AttemptReport, AttemptResult};
use super::engine::Engine;
use super::events::EngineEvent;
use super::outcome::{transition_for, Context, Effect, FOREVER};
use crate::pacing::PauseReason;
use crate::pinterest::types::Category;
use crate::store::accounts::AccountStatus;
use crate::store::job_state::JobState;
use crate::store::jobs::{Job, JobPatch};

impl Engine {
    pub(super) fn apply_report(&mut self, report: AttemptReport) {
        let now = self.clock.now();
        let account = report.account_id;
        self.take_in_signals(&report, now);
        let job = self.db().job(report.job_id);
        let job = match job {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(
                    job = %report.job_id,
                    "the report cannot be applied: {}",
                    e.message
                );
                return;
            }
        };
        let ctx = Context {
            now,
            policy: &self.config.retry,
            pause: self.pacer.paused(account, now),
            trust_at: self.trust_at(&job),
            offline_probe: self.config.offline_probe,
        };
        let t = transition_for(&job, &report.result, &ctx, &mut self.rng);
        for effect in &t.effects {
            self.carry_out(account, effect, now);
        }
        self.move_job(&job, t.to, &t.reason, t.detail, t.patch);
        if t.effects.contains(&Effect::HoldAccountForReconnect) {
            self.hold_for_reconnect(account);
        }
        self.emit_lane(account, now);
    }

    /// The lane's bookkeeping for a finished attempt, whatever its result.
    fn take_in_signals(&mut self, report: &AttemptReport, now: DateTime<Utc>) {
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
        for seen in &report.signals {
            if seen.rate_limited {
                self.pacer
                    .observe_429(account, seen.category, &seen.signals, now);
            } else {
                self.pacer.observe_answered(
                    account,
                    seen.category,
                    &seen.signals,
                    seen.sent_at,
                    now,
                );
            }
        }
        if let Some(floor) = self.pacer.server_floor(account, now) {
            let _ = self.db().set_account_hold(account, Some(floor));
        }
    }

    fn carry_out(&mut self, account: AccountId, effect: &Effect, now: DateTime<Utc>) {
        match effect {
            Effect::Published { reconciled } => {
                self.counters.published += 1;
                self.counters.reconciled += u64::from(*reconciled);
            }
            Effect::Failed => self.counters.failures += 1,
            Effect::Retried => self.counters.retries += 1,
            Effect::RateLimited => self.counters.rate_limited += 1,
            Effect::PauseLane(until, reason) => {
                tracing::info!(%account, until = %until, reason = ?reason, "lane paused");
                self.pacer.pause(account, *until, *reason);
            }
            Effect::AccountStatus(status) => {
                tracing::warn!(%account, status = ?status, "account status changed");
                let _ = self.db().set_account_status(account, *status);
            }
            Effect::HoldAccountForReconnect => {
                let until = now + FOREVER;
                self.pacer
                    .pause(account, until, PauseReason::NeedsReconnect);
            }
            Effect::RefreshBoards => self.refresh_boards(account),
        }
    }

    /// The account's token is gone for good: its other due and waiting jobs wait too.
    fn hold_for_reconnect(&mut self, account: AccountId) {
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
                    job = %job.id,
                    account = ?job.account_id,
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
                    job = %job.id,
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

    pub(super) fn resume_account(&mut self, account: AccountId) {
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
}
