//! What the live panel and the forecast read of the running engine: each lane's windows, pause,
//! due and in-flight counts, next send and the server's clock; the user's "pause all"; a change
//! of an account's limits taken on at once.

use crate::AccountId;
use chrono::{DateTime, Utc};

use super::engine::Engine;
use super::events::{EngineEvent, LaneSnapshot};
use crate::pacing::{app_specs, PauseReason};
use crate::pinterest::types::Category;
use crate::store::job_state::JobState;

impl Engine {
    pub(super) fn forecast_now(&self, now: DateTime<Utc>) -> super::forecast::Forecast {
        let mut pending = Vec::new();
        for s in [JobState::Scheduled, JobState::Due, JobState::WaitingRetry] {
            pending.extend(self.db().jobs_in_state(s).unwrap_or_default());
        }
        let names = self.db().account_names().unwrap_or_default();
        super::forecast::forecast(&pending, &self.pacer, &names, now)
    }

    pub(super) fn pause_all(&mut self, paused: bool, now: DateTime<Utc>) {
        // The handle has stored the setting already (`EngineHandle::set_paused_all`).
        self.paused_all = paused;
        for lane in self.lane_snapshots(now) {
            self.emit(EngineEvent::Lane(lane));
        }
    }

    pub(super) fn limits_changed(&mut self, account: AccountId, now: DateTime<Utc>) {
        let (user, app, sends) = {
            let db = self.db();
            let Ok(accounts) = db.accounts() else {
                tracing::warn!(%account, "limits not applied: the accounts cannot be read");
                return;
            };
            let Some(a) = accounts.iter().find(|a| a.id == account) else {
                return;
            };
            // Without the request log the new windows could not be refilled: keep the old ones.
            let Ok(log) = db.recent_requests(now - chrono::TimeDelta::days(1)) else {
                tracing::warn!(
                    %account,
                    "limits not applied: the request log cannot be read"
                );
                return;
            };
            let sends: Vec<_> = log
                .into_iter()
                .map(|r| (r.account_id, r.category, r.sent_at))
                .collect();
            let app = app_specs(&accounts, &self.config.app_limits);
            (a.limits.specs(), app, sends)
        };
        self.pacer.replace_limits(account, &user, &app, &sends);
        for lane in self.lane_snapshots(now) {
            self.emit(EngineEvent::Lane(lane));
        }
    }

    pub(super) fn lane_snapshots(&mut self, now: DateTime<Utc>) -> Vec<LaneSnapshot> {
        let accounts: Vec<AccountId> = self
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

    fn lane_snapshot(&mut self, account: AccountId, now: DateTime<Utc>) -> LaneSnapshot {
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

    pub(super) fn emit_lane(&mut self, account: AccountId, now: DateTime<Utc>) {
        let snapshot = self.lane_snapshot(account, now);
        self.emit(EngineEvent::Lane(snapshot));
        self.emit(EngineEvent::Counters(self.counters.clone()));
    }
}
