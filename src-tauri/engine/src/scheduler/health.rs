//! Failing closed (DESIGN invariant 10). When the engine cannot read or write what it needs (the
//! store at start, the request log that refills the pacer, the queue in the loop, a commit), it
//! sends nothing at all, says why (an event for the live panel, a line in the log, the CLI's
//! event stream), and tries again with a doubling wait. A default is never a guess: an empty
//! request log read from a broken store would refill no window and burst into a used quota.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::engine::Engine;
use super::events::EngineEvent;
use crate::error::EngineError;

const FIRST_RETRY: TimeDelta = TimeDelta::seconds(2);
const LONGEST_RETRY: TimeDelta = TimeDelta::seconds(60);

/// Whether the engine is sending, and if not, why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct EngineHealth {
    /// Why nothing is being sent; `None` while the engine works.
    pub halted: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub retry_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(super) struct Halt {
    reason: String,
    since: DateTime<Utc>,
    pub(super) retry_at: DateTime<Utc>,
    wait: TimeDelta,
}

impl Engine {
    /// Stops all sending: `what` could not be done because of `e`.
    pub(super) fn halt(&mut self, what: &str, e: &EngineError, now: DateTime<Utc>) {
        let reason = format!("{what}: {}", e.message);
        let (since, wait) = match &self.halted {
            Some(h) => (h.since, (h.wait * 2).min(LONGEST_RETRY)),
            None => (now, FIRST_RETRY),
        };
        tracing::error!(code = ?e.code, retry_in_secs = wait.num_seconds(), "nothing is sent: {reason}");
        self.halted = Some(Halt {
            reason,
            since,
            retry_at: now + wait,
            wait,
        });
        let health = self.health();
        self.emit(EngineEvent::Health(health));
    }

    /// True when the engine may send: it was not halted, or the retry of a halt succeeded.
    pub(super) fn ready_to_send(&mut self, now: DateTime<Utc>) -> bool {
        let Some(h) = &self.halted else {
            return true;
        };
        if now < h.retry_at {
            return false;
        }
        let before = h.since;
        if self.start_up() {
            tracing::info!(
                halted_secs = (now - before).num_seconds(),
                "the store can be read again: sending resumes"
            );
            self.halted = None;
            let health = self.health();
            self.emit(EngineEvent::Health(health));
            true
        } else {
            false
        }
    }

    pub(super) fn health(&self) -> EngineHealth {
        match &self.halted {
            Some(h) => EngineHealth {
                halted: Some(h.reason.clone()),
                since: Some(h.since),
                retry_at: Some(h.retry_at),
            },
            None => EngineHealth::default(),
        }
    }
}
