//! The states a job moves through, and which moves are allowed. Kept apart from the queries so
//! the rules can be read (and tested) in one place.
//!
//! draft -> scheduled -> due -> in_flight -> published
//!                                 |-> waiting_retry -> due (again)
//!                                 |-> failed (terminal) | needs_reconnect -> scheduled
//! scheduled/due -> missed (closed app, past the grace period) -> scheduled (user decides)
//! anything not finished -> cancelled

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobState {
    Draft,
    Scheduled,
    Due,
    InFlight,
    WaitingRetry,
    Published,
    Failed,
    Cancelled,
    Missed,
    NeedsReconnect,
}

impl JobState {
    pub const ALL: [JobState; 10] = [
        JobState::Draft,
        JobState::Scheduled,
        JobState::Due,
        JobState::InFlight,
        JobState::WaitingRetry,
        JobState::Published,
        JobState::Failed,
        JobState::Cancelled,
        JobState::Missed,
        JobState::NeedsReconnect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Draft => "draft",
            JobState::Scheduled => "scheduled",
            JobState::Due => "due",
            JobState::InFlight => "in_flight",
            JobState::WaitingRetry => "waiting_retry",
            JobState::Published => "published",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Missed => "missed",
            JobState::NeedsReconnect => "needs_reconnect",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Finished jobs never change again (a failed one is requeued as a new attempt by the user,
    /// which is the one exception: failed -> scheduled).
    pub fn is_finished(self) -> bool {
        matches!(self, JobState::Published | JobState::Cancelled)
    }

    pub fn can_move_to(self, to: JobState) -> bool {
        use JobState::*;
        match (self, to) {
            (from, Cancelled) => !from.is_finished() && from != InFlight,
            (Draft, Scheduled) | (Draft, Due) => true,
            (Scheduled, Due)
            | (Scheduled, Draft)
            | (Scheduled, Missed)
            | (Scheduled, Scheduled)
            | (Scheduled, NeedsReconnect) => true,
            (Due, InFlight) | (Due, Missed) | (Due, Scheduled) | (Due, NeedsReconnect) => true,
            (Due, Draft) | (Missed, Draft) => true,
            (InFlight, Published) | (InFlight, WaitingRetry) | (InFlight, Failed) => true,
            (InFlight, NeedsReconnect) | (InFlight, Due) => true,
            (WaitingRetry, Due) | (WaitingRetry, Scheduled) | (WaitingRetry, Failed) => true,
            (WaitingRetry, NeedsReconnect) => true,
            (NeedsReconnect, Scheduled) | (NeedsReconnect, Due) => true,
            (Missed, Scheduled) | (Missed, Due) => true,
            (Failed, Scheduled) | (Failed, Due) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::JobState::*;
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobState::parse("bogus"), None);
    }

    #[test]
    fn published_is_final_and_in_flight_cannot_be_cancelled() {
        for to in JobState::ALL {
            assert!(!Published.can_move_to(to), "published -> {to:?}");
        }
        assert!(!InFlight.can_move_to(Cancelled));
        assert!(!InFlight.can_move_to(Scheduled));
        assert!(Scheduled.can_move_to(Cancelled));
        assert!(InFlight.can_move_to(Published));
    }

    #[test]
    fn drafts_are_never_sent_directly() {
        assert!(!Draft.can_move_to(InFlight));
        assert!(!Draft.can_move_to(Published));
    }
}
