//! The engine's loop, and nothing else. It promotes jobs whose time came, starts what the lanes
//! allow (`dispatch_round`), applies each attempt's report (`apply`), answers commands, and
//! sleeps until the next thing can happen (a due time, a lane's next free slot, a pause's end, a
//! halt's retry) or a report or command arrives. There is no polling tick; the longest sleep is
//! capped so a wall-clock jump (suspend, resume, clock change) is noticed within `max_sleep`.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::{mpsc, oneshot};

use super::engine::Engine;
use super::handle::Command;
use crate::pinterest::types::Category;

impl Engine {
    pub(super) async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        self.start_up();
        // A round and a report's writes go before an import's next chunk (`store::priority`).
        let priority = self.db().priority();
        let mut stopping: Option<oneshot::Sender<()>> = None;
        loop {
            let now = self.clock.now();
            if stopping.is_none() && self.ready_to_send(now) {
                let _turn = priority.first();
                self.promote_due(now);
                self.dispatch_round(now);
            }
            if let Some(done) = stopping.take() {
                if self.in_flight.values().all(|n| *n == 0) {
                    let _ = done.send(());
                    return;
                }
                stopping = Some(done);
            }
            let wake = self.next_wake(now, stopping.is_some());
            let nap = (wake - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(self.config.max_sleep);
            let sleep = self.clock.sleep(nap);
            tokio::select! {
                _ = sleep => {}
                Some(report) = self.reports.1.recv() => {
                    let _turn = priority.first();
                    self.apply_report(report);
                    // Every answer that came in meanwhile, before the next round: one round
                    // (one durable commit) then starts as many sends as they freed.
                    while let Ok(more) = self.reports.1.try_recv() {
                        self.apply_report(more);
                    }
                }
                cmd = commands.recv() => match cmd {
                    None => return,
                    Some(Command::Stop(done)) => stopping = Some(done),
                    Some(other) => self.answer(other, now),
                },
            }
        }
    }

    fn answer(&mut self, command: Command, now: DateTime<Utc>) {
        match command {
            Command::Stop(_) | Command::Wake => {}
            Command::Resume(account) => self.resume_account(account),
            Command::TakeRead(account, reply) => self.take_read_slot(account, reply),
            Command::ReadAnswered(account, signals, rate_limited) => {
                self.board_read_answered(account, &signals, rate_limited)
            }
            Command::BoardsRefreshed(account) => {
                self.refreshing_boards.remove(&account);
            }
            Command::PauseAll(paused) => self.pause_all(paused, now),
            Command::LimitsChanged(account) => self.limits_changed(account, now),
            Command::Counters(reply) => {
                let _ = reply.send(self.counters.clone());
            }
            Command::Health(reply) => {
                let _ = reply.send(self.health());
            }
            Command::Forecast(reply) => {
                let _ = reply.send(self.forecast_now(now));
            }
            Command::Configure(retry, grace) => {
                self.config.retry = retry;
                self.config.catch_up_grace = grace;
            }
            Command::Lanes(reply) => {
                let _ = reply.send(self.lane_snapshots(now));
            }
        }
    }

    /// When the loop must look again: the next due time, or a lane with due jobs freeing up.
    fn next_wake(&mut self, now: DateTime<Utc>, stopping: bool) -> DateTime<Utc> {
        let mut wake =
            now + TimeDelta::from_std(self.config.max_sleep).unwrap_or(TimeDelta::seconds(30));
        if let Some(h) = &self.halted {
            return wake.min(h.retry_at.max(now));
        }
        if let Ok(Some(t)) = self.db().next_wakeup() {
            wake = wake.min(t.max(now));
        }
        // While stopping nothing new is sent, so due lanes are no reason to wake.
        let due = if stopping || self.paused_all {
            Vec::new()
        } else {
            self.db().due_counts().unwrap_or_default()
        };
        for (account, _) in due {
            if !self.lane_full(account) && !self.held_lanes.contains(&account) {
                wake = wake.min(self.pacer.next_slot(account, Category::OrgWrite, now));
            }
        }
        wake
    }
}
