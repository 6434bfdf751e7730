//! The states a job moves through, and which moves are allowed. Kept apart from the queries so
//! the rules can be read (and tested) in one place. The named sets of states (`WAITING`, `OPEN`,
//! `HISTORY`) are the only lists of states the queries use (`JobState::sql_list`).
//!
//! The path of a pin: draft -> scheduled -> due -> in_flight -> published, with retries
//! (in_flight -> waiting_retry -> due), a reconnect (-> needs_reconnect -> scheduled or due),
//! a missed time (closed app past the grace period: -> missed, then the user decides), and
//! cancelled from anything not finished or on its way. Every allowed move, exactly (a test reads
//! this table and checks it against `can_move_to` for every pair):
//!
//! - draft -> scheduled, due, cancelled
//! - scheduled -> draft, scheduled, due, missed, needs_reconnect, cancelled
//! - due -> draft, scheduled, in_flight, missed, needs_reconnect, cancelled
//! - in_flight -> due, published, waiting_retry, failed, needs_reconnect
//! - waiting_retry -> scheduled, due, failed, needs_reconnect, cancelled
//! - published ->
//! - failed -> scheduled, due, cancelled
//! - cancelled ->
//! - missed -> draft, scheduled, due, cancelled
//! - needs_reconnect -> scheduled, due, cancelled

use serde::{Deserialize, Serialize};
use ts_rs::TS;

// Its names (serde's, strum's for the database, ts-rs's for the UI) all come from the one
// `snake_case` rule on the variants, so there is no table of names to keep equal.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    pub const ALL: &'static [JobState] = <JobState as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// On its way: it will be sent with nothing more from the user (the tray's "pins waiting",
    /// and what holds a posting slot).
    pub const WAITING: [JobState; 4] = [
        JobState::Scheduled,
        JobState::Due,
        JobState::InFlight,
        JobState::WaitingRetry,
    ];

    /// Not gone out and not closed: the waiting ones, and those waiting for the user (a
    /// reconnect, a missed time). The queue export's rows.
    pub const OPEN: [JobState; 6] = [
        JobState::Scheduled,
        JobState::Due,
        JobState::InFlight,
        JobState::WaitingRetry,
        JobState::NeedsReconnect,
        JobState::Missed,
    ];

    /// Done with, one way or another: the history export's rows.
    pub const HISTORY: [JobState; 3] = [JobState::Published, JobState::Failed, JobState::Cancelled];

    /// `('a', 'b')` for a query's `state IN ...` (the names are fixed identifiers, not input).
    pub fn sql_list(states: &[JobState]) -> String {
        let names: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
        format!("({})", names.join(", "))
    }

    pub fn parse(s: &str) -> Option<JobState> {
        s.parse().ok()
    }

    /// A state read back from the `jobs` table: a name this build does not know is
    /// `database_corrupt`, naming the job. (It used to read as `failed`, which showed a job
    /// that may still be sent as finished and offered a requeue that could send it twice.)
    pub fn from_stored(s: &str, job: crate::JobId) -> Result<JobState, crate::error::EngineError> {
        JobState::parse(s).ok_or_else(|| {
            crate::error::EngineError::new(
                crate::error::ErrorCode::DatabaseCorrupt,
                format!("job {job} has the stored state {s:?}, which this PinPace does not know"),
            )
        })
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
    fn published_is_final_and_in_flight_cannot_be_cancelled() {
        for &to in JobState::ALL {
            assert!(!Published.can_move_to(to), "published -> {to:?}");
        }
        assert!(!InFlight.can_move_to(Cancelled));
        assert!(!InFlight.can_move_to(Scheduled));
        assert!(Scheduled.can_move_to(Cancelled));
        assert!(InFlight.can_move_to(Published));
    }

    /// The header's table, read back: every (from, to) pair it lists, and only those, is allowed.
    #[test]
    fn the_diagram_in_the_header_is_can_move_to() {
        let source = include_str!("job_state.rs");
        let mut listed = std::collections::HashSet::new();
        let mut froms = 0;
        for line in source.lines() {
            let Some(row) = line.strip_prefix("//! - ") else {
                continue;
            };
            let (from, tos) = row.split_once(" ->").expect("a row is `from -> to, ...`");
            let from = JobState::parse(from.trim()).unwrap_or_else(|| panic!("state {from:?}"));
            froms += 1;
            for to in tos.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                let to = JobState::parse(to).unwrap_or_else(|| panic!("state {to:?}"));
                listed.insert((from, to));
            }
        }
        assert_eq!(froms, JobState::ALL.len(), "one row per state");
        for &from in JobState::ALL {
            for &to in JobState::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    listed.contains(&(from, to)),
                    "{} -> {}: the header and can_move_to disagree",
                    from.as_str(),
                    to.as_str()
                );
            }
        }
    }

    #[test]
    fn the_named_sets_nest() {
        for s in JobState::WAITING {
            assert!(JobState::OPEN.contains(&s));
        }
        for s in JobState::OPEN {
            assert!(!JobState::HISTORY.contains(&s) && s != Draft);
        }
        assert_eq!(
            JobState::sql_list(&JobState::HISTORY),
            "('published', 'failed', 'cancelled')"
        );
    }

    #[test]
    fn drafts_are_never_sent_directly() {
        assert!(!Draft.can_move_to(InFlight));
        assert!(!Draft.can_move_to(Published));
    }
}
