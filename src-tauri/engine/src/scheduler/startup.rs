//! Start-up and promotion. At start (and after a halt) the pacer is rebuilt from the request log
//! and every job a previous run left in flight goes back to due with a board check first: it may
//! have been created. Then, each turn of the loop, scheduled jobs and retries whose time came
//! become due, and scheduled ones found later than the catch-up grace are marked missed.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::engine::Engine;
use crate::pacing::rebuild_pacer;
use crate::store::accounts::AccountStatus;
use crate::store::job_state::JobState;
use crate::store::jobs::JobPatch;

impl Engine {
    /// Rebuilds what the engine keeps in memory from the store; false (and halted) when the
    /// store cannot be read, in which case nothing is sent.
    pub(super) fn start_up(&mut self) -> bool {
        let now = self.clock.now();
        // The request log's upkeep: a read never deletes, so the start does it.
        match self
            .db()
            .prune_request_log(now - chrono::TimeDelta::days(1))
        {
            Ok(n) => tracing::debug!(pruned = n, "request log: entries older than a day deleted"),
            Err(e) => tracing::warn!(code = ?e.code, "request log not pruned: {}", e.message),
        }
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
}
