//! The engine's typed event stream, for the UI and the CLI. It is a bounded broadcast: a
//! subscriber that falls behind (10,000 transitions in a burst) loses the oldest events and gets
//! told how many (`Lagged`), then re-reads a snapshot; the engine never blocks on a slow reader
//! and memory never grows with the burst.

use crate::{AccountId, JobId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::broadcast;
use ts_rs::TS;

use crate::pacing::{PauseReason, WindowUsage};
use crate::store::job_state::JobState;

/// Events kept for a subscriber that is behind.
pub const EVENT_BUFFER: usize = 512;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum EngineEvent {
    JobChanged {
        #[ts(type = "number")]
        job_id: JobId,
        #[ts(type = "number | null")]
        account_id: Option<AccountId>,
        from: JobState,
        to: JobState,
        reason: String,
    },
    Lane(LaneSnapshot),
    Counters(Counters),
    /// The engine stopped sending (it cannot read what it needs), or sends again.
    Health(super::health::EngineHealth),
    /// An account's board list was fetched again (after Pinterest said a board was gone).
    BoardsSynced {
        #[ts(type = "number")]
        account_id: AccountId,
        boards: Option<u32>,
        error: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LaneSnapshot {
    #[ts(type = "number")]
    pub account_id: AccountId,
    pub windows: Vec<WindowUsage>,
    pub paused_until: Option<DateTime<Utc>>,
    pub pause_reason: Option<PauseReason>,
    #[ts(type = "number")]
    pub due: i64,
    pub in_flight: u32,
    pub next_dispatch: Option<DateTime<Utc>>,
    /// The server's clock minus ours, in seconds, once learned from its answers.
    #[ts(type = "number | null")]
    pub server_clock_offset_secs: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Counters {
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub published: u64,
    #[ts(type = "number")]
    pub rate_limited: u64,
    #[ts(type = "number")]
    pub retries: u64,
    #[ts(type = "number")]
    pub failures: u64,
    #[ts(type = "number")]
    pub reconciled: u64,
}

#[derive(Debug, Clone)]
pub struct EventBus {
    tx: broadcast::Sender<EngineEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            tx: broadcast::channel(EVENT_BUFFER).0,
        }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.tx.subscribe()
    }
    /// Publishes; with no subscriber the event is simply dropped.
    pub fn emit(&self, event: EngineEvent) {
        let _ = self.tx.send(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_does_not_flood_a_slow_subscriber() {
        let bus = EventBus::default();
        let mut rx = bus.subscribe();
        for i in 0..10_000 {
            bus.emit(EngineEvent::JobChanged {
                job_id: JobId(i),
                account_id: None,
                from: JobState::Due,
                to: JobState::InFlight,
                reason: "x".into(),
            });
        }
        match rx.recv().await {
            Err(broadcast::error::RecvError::Lagged(n)) => {
                assert_eq!(n as usize, 10_000 - EVENT_BUFFER)
            }
            other => panic!("expected Lagged, got {other:?}"),
        }
        let mut kept = 0;
        while rx.try_recv().is_ok() {
            kept += 1;
        }
        assert_eq!(kept, EVENT_BUFFER);
    }
}
