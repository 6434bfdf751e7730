//! One dispatch round: which lanes send now, and the attempts they start.
//!
//! A lane sends one request at a time until its last answer was a success (slow start: no burst
//! into an account that is failing, blocked or whose token just expired), then up to
//! `max_in_flight`. Every send is counted in the pacer's windows when it is chosen, so the
//! requests in flight never exceed what the tightest window had left, and near a window's edge
//! (or after the server's `remaining` said less) only as many go as fit. Under a quota shared
//! by the app (trial access) lanes take strict turns, one request each, so the quota is split
//! fairly; there, throughput is never the constraint. Lanes are served least recently first.

use crate::AccountId;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

use super::dispatch::{run_attempt, AttemptInput, AttemptReport, AttemptResult};
use super::engine::Engine;
use super::events::EngineEvent;
use super::prepare::{NotBuilt, Plan};
use crate::pacing::PauseReason;
use crate::pinterest::types::Category;
use crate::pinterest::{Outcome, TransientReason};
use crate::store::job_state::JobState;
use crate::store::jobs::Job;

impl Engine {
    /// How many attempts the lane may have out at once now.
    fn lane_room(&self, account: AccountId) -> usize {
        let parallel = self.healthy.contains(&account) && !self.pacer.has_app_limits();
        if parallel {
            self.config.max_in_flight.max(1)
        } else {
            1
        }
    }

    pub(super) fn lane_full(&self, account: AccountId) -> bool {
        self.in_flight.get(&account).copied().unwrap_or(0) >= self.lane_room(account)
    }

    /// Chooses, builds, marks (one durable commit) and launches this round's attempts.
    pub(super) fn dispatch_round(&mut self, now: DateTime<Utc>) {
        if self.paused_all {
            return;
        }
        let due = self.db().due_counts();
        let due: HashMap<AccountId, i64> = match due {
            Ok(d) => d.into_iter().collect(),
            Err(e) => return self.halt("the queue cannot be read", &e, now),
        };
        self.held_lanes.clear();
        if due.is_empty() {
            return;
        }
        if self.db().in_transaction() {
            // A transaction left open by a failed write would swallow the in-flight marks
            // uncommitted: roll it back and send nothing until the store works again.
            self.db().roll_back_open();
            let e = crate::error::EngineError::new(
                crate::error::ErrorCode::Storage,
                "a transaction was left open",
            );
            return self.halt("the in-flight marks cannot be written", &e, now);
        }
        let chosen = self.choose(due, now);
        let mut built = Vec::new();
        for (job, plan) in chosen {
            let account = job.account_id.unwrap_or_default();
            match self.build(job, plan) {
                Ok(b) => built.push(b),
                Err(NotBuilt::Unsendable) => self.release_slot(account),
                Err(NotBuilt::LocalError) => {
                    self.release_slot(account);
                    // A read failed: try again shortly instead of spinning on it.
                    let until = now + TimeDelta::seconds(5);
                    self.pacer.pause(account, until, PauseReason::LocalError);
                }
            }
        }
        if built.is_empty() {
            return;
        }
        let begun = self.db().begin_durable_batch();
        if let Err(e) = begun {
            self.db().roll_back_open();
            for b in &built {
                self.release_slot(b.account());
            }
            return self.halt("the in-flight marks cannot be written", &e, now);
        }
        let mut ready: Vec<AttemptInput> = Vec::new();
        for b in built {
            let account = b.account();
            match self.mark(b, now) {
                Some(input) => ready.push(input),
                None => self.release_slot(account),
            }
        }
        let ended = self.db().end_durable_batch();
        if ended.is_ok() && !self.db().in_transaction() {
            for input in ready {
                self.launch(input, now);
            }
            return;
        }
        // Nothing was marked: the jobs are still due. The pacer keeps the sends it counted (a
        // safe over-estimate that runs out with its window).
        self.db().roll_back_open();
        for input in &ready {
            self.release_slot(input.job.account_id.unwrap_or_default());
        }
        if let Err(e) = ended {
            self.halt("the in-flight marks could not be committed", &e, now);
        }
    }

    /// Step 1: rounds over the lanes, one job per lane per round, while each has room and a
    /// free slot. Each choice is counted at once (in flight, the pacer's windows, the turn).
    fn choose(&mut self, mut due: HashMap<AccountId, i64>, now: DateTime<Utc>) -> Vec<(Job, Plan)> {
        let mut candidates: HashMap<AccountId, VecDeque<Job>> = HashMap::new();
        let mut chosen = Vec::new();
        loop {
            let mut order: Vec<AccountId> = due
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(a, _)| *a)
                .collect();
            order.sort_by_key(|account| self.last_turn.get(account).copied().unwrap_or(0));
            let mut progressed = false;
            for account in order {
                if self.lane_full(account)
                    || self.pacer.next_slot(account, Category::OrgWrite, now) > now
                {
                    continue;
                }
                if let Entry::Vacant(slot) = candidates.entry(account) {
                    let free = self.lane_room(account)
                        - self.in_flight.get(&account).copied().unwrap_or(0);
                    let batch = self.db().due_batch(account, free);
                    match batch {
                        Ok(b) => {
                            if b.held {
                                self.held_lanes.insert(account);
                            }
                            slot.insert(b.jobs.into());
                        }
                        Err(e) => {
                            tracing::warn!(%account, "cannot read the due pins: {}", e.message);
                            let until = now + TimeDelta::seconds(5);
                            self.pacer.pause(account, until, PauseReason::LocalError);
                            due.insert(account, 0);
                            continue;
                        }
                    }
                }
                let Some(job) = candidates.get_mut(&account).and_then(|c| c.pop_front()) else {
                    due.insert(account, 0);
                    continue;
                };
                let plan = self.plan(&job, now);
                *self.in_flight.entry(account).or_insert(0) += 1;
                self.turn += 1;
                self.last_turn.insert(account, self.turn);
                if plan.may_create {
                    self.pacer.record_send(account, Category::OrgWrite, now);
                }
                chosen.push((job, plan));
                progressed = true;
            }
            if !progressed {
                return chosen;
            }
        }
    }

    fn release_slot(&mut self, account: AccountId) {
        if let Some(n) = self.in_flight.get_mut(&account) {
            *n = n.saturating_sub(1);
        }
    }

    /// Sends an attempt whose in-flight mark is committed.
    fn launch(&mut self, input: AttemptInput, now: DateTime<Utc>) {
        let account = input.job.account_id.unwrap_or_default();
        self.counters.sent += 1;
        self.emit(EngineEvent::JobChanged {
            job_id: input.job.id,
            account_id: input.job.account_id,
            from: JobState::Due,
            to: JobState::InFlight,
            reason: "sending to Pinterest".into(),
        });
        let reports = self.reports.0.clone();
        let job_id = input.job.id;
        let attempt = self.runtime.spawn(run_attempt(input));
        // A panicking attempt still reports, so its lane is never left marked busy.
        self.runtime.spawn(async move {
            let report = attempt.await.unwrap_or_else(|e| AttemptReport {
                job_id,
                account_id: account,
                result: AttemptResult::Failed(Outcome::Transient {
                    reason: TransientReason::ConnectionReset,
                    maybe_delivered: true,
                    detail: format!("the attempt stopped unexpectedly: {e}"),
                }),
                signals: Vec::new(),
                extra_requests: Vec::new(),
                dispatched_at: now,
                create_answered_at: None,
            });
            let _ = reports.send(report);
        });
    }
}
