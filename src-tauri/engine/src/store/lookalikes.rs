//! Look-alike pins and which due job may be attempted next.
//!
//! Two jobs are look-alikes when they go to the same account and board with the same title,
//! description and link: creators schedule several designs of one post that differ only in the
//! image. ASSUMPTION (named, and broken on purpose by the simulator's tests): Pinterest's board
//! listing gives no reliable way to tell which image a pin was made from (a base64 upload comes
//! back as Pinterest's own image URL), so a board check can only compare text, board and time.
//!
//! So the board check never has to guess, look-alikes are never unsettled side by side: while
//! one of them is in flight, or waits for a board check because its last attempt may have
//! created it, no other look-alike of that board is attempted. The one waiting for a check whose
//! outcome is unknown for the longest goes first (older `sent_at`, then lower id), so two that a
//! crash left unsettled together do not wait for each other. A job with no look-alike is never
//! held back, and an account with nothing unsettled reads its oldest due job directly.

use crate::{AccountId, JobId};
use chrono::{DateTime, Utc};
use rusqlite::Row;

use super::job_state::JobState;
use super::jobs::Job;
use super::time::opt_from_db;
use super::Store;
use crate::error::EngineError;

/// What a board check can compare: board, title, description and link, trimmed, absent = "".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LookalikeKey {
    pub board_id: String,
    pub title: String,
    pub description: String,
    pub link: String,
}

impl LookalikeKey {
    pub fn new(
        board_id: Option<&str>,
        title: Option<&str>,
        description: Option<&str>,
        link: Option<&str>,
    ) -> Self {
        let norm = |v: Option<&str>| v.map(str::trim).unwrap_or("").to_string();
        LookalikeKey {
            board_id: norm(board_id),
            title: norm(title),
            description: norm(description),
            link: norm(link),
        }
    }
}

/// A job whose outcome is not known yet.
#[derive(Debug, Clone)]
struct Unsettled {
    id: JobId,
    key: LookalikeKey,
    in_flight: bool,
    needs_reconcile: bool,
    sent_at: Option<DateTime<Utc>>,
}

/// States in which a job that needs a board check will be attempted again.
const PENDING: [JobState; 5] = [
    JobState::Scheduled,
    JobState::Due,
    JobState::InFlight,
    JobState::WaitingRetry,
    JobState::NeedsReconnect,
];

use super::open::classify as storage;

fn key_of(row: &Row<'_>, first: usize) -> rusqlite::Result<LookalikeKey> {
    Ok(LookalikeKey::new(
        row.get::<_, Option<String>>(first)?.as_deref(),
        row.get::<_, Option<String>>(first + 1)?.as_deref(),
        row.get::<_, Option<String>>(first + 2)?.as_deref(),
        row.get::<_, Option<String>>(first + 3)?.as_deref(),
    ))
}

impl Store {
    /// The account's jobs whose outcome is unknown (served by the `jobs_unsettled` index).
    fn unsettled(&self, account_id: AccountId) -> Result<Vec<Unsettled>, EngineError> {
        // The partial index holds only these few jobs; a filter on the state here would make
        // SQLite walk all of the account's jobs instead (100,000 in the scale bench), so the
        // finished ones are dropped below.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT j.id, j.state, j.needs_reconcile, j.sent_at, \
                        j.board_id, p.title, p.description, p.link \
                 FROM jobs j INDEXED BY jobs_unsettled JOIN pins p ON p.id = j.pin_id \
                 WHERE j.account_id = ?1 AND (j.state = 'in_flight' OR j.needs_reconcile = 1)",
            )
            .map_err(storage)?;
        let rows = stmt
            .query_map([account_id], |r| {
                Ok((
                    r.get::<_, JobId>("id")?,
                    r.get::<_, String>("state")?,
                    r.get::<_, bool>("needs_reconcile")?,
                    r.get::<_, Option<String>>("sent_at")?,
                    key_of(r, 4)?,
                ))
            })
            .map_err(storage)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, state, needs_reconcile, sent_at, key) = row.map_err(storage)?;
            if !PENDING.iter().any(|s| s.as_str() == state) {
                continue;
            }
            out.push(Unsettled {
                id,
                key,
                in_flight: state == JobState::InFlight.as_str(),
                needs_reconcile,
                sent_at: opt_from_db(sent_at)?,
            });
        }
        Ok(out)
    }

    /// Up to `limit` due jobs of `account_id`, oldest first, that may all be attempted side by
    /// side: none is held back by an unsettled look-alike, and no two of them look alike.
    pub fn due_batch(&self, account_id: AccountId, limit: usize) -> Result<DueBatch, EngineError> {
        let mut unsettled = self.unsettled(account_id)?;
        if unsettled.is_empty() && limit == 1 {
            return Ok(DueBatch {
                jobs: self.oldest_due(account_id)?.into_iter().collect(),
                held: false,
            });
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT j.id, j.needs_reconcile, j.sent_at, \
                        j.board_id, p.title, p.description, p.link \
                 FROM jobs j JOIN pins p ON p.id = j.pin_id \
                 WHERE j.state = 'due' AND j.account_id = ?1 ORDER BY j.due_at, j.id",
            )
            .map_err(storage)?;
        let mut rows = stmt.query([account_id]).map_err(storage)?;
        let mut batch = DueBatch::default();
        while batch.jobs.len() < limit {
            let Some(r) = rows.next().map_err(storage)? else {
                break;
            };
            let id: JobId = r.get("id").map_err(storage)?;
            let needs_reconcile: bool = r.get("needs_reconcile").map_err(storage)?;
            let sent_at = opt_from_db(r.get("sent_at").map_err(storage)?)?;
            let key = key_of(r, 3).map_err(storage)?;
            let held_back = unsettled.iter().any(|u| {
                u.id != id
                    && u.key == key
                    && (u.in_flight
                        || (u.needs_reconcile
                            && (!needs_reconcile || (u.sent_at, u.id) < (sent_at, id))))
            });
            if held_back {
                batch.held = true;
                continue;
            }
            // Chosen: its look-alikes further down wait behind it as if it were in flight.
            unsettled.push(Unsettled {
                id,
                key,
                in_flight: true,
                needs_reconcile,
                sent_at,
            });
            batch.jobs.push(self.job(id)?);
        }
        Ok(batch)
    }
}

/// Due jobs that may go side by side, and whether others were held back behind look-alikes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DueBatch {
    pub jobs: Vec<Job>,
    pub held: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_surrounding_space_and_absent_text() {
        let a = LookalikeKey::new(Some("1"), Some(" Soup "), None, Some("https://e.com"));
        let b = LookalikeKey::new(Some("1"), Some("Soup"), Some(""), Some("https://e.com "));
        assert_eq!(a, b);
        let c = LookalikeKey::new(Some("2"), Some("Soup"), None, Some("https://e.com"));
        assert_ne!(a, c, "another board");
    }

    use super::super::jobs::{JobPatch, NewJob};
    use super::super::pins::PinContent;
    use crate::pin_text::PinText;
    use crate::pinterest::Environment;

    fn t0() -> DateTime<Utc> {
        "2026-11-23T12:00:00Z".parse().unwrap()
    }

    /// Three due jobs on board 1 of one account: `a` and `b` look alike (another image each),
    /// `c` has its own title.
    fn three_due() -> (Store, AccountId, [JobId; 3]) {
        let mut s = Store::open_in_memory().unwrap();
        let acct = s.insert_account("A", &Environment::Sandbox, t0()).unwrap();
        let mut ids = [JobId(0); 3];
        for (i, (title, image)) in [("Soup", "x.jpg"), ("Soup", "y.jpg"), ("Bread", "z.jpg")]
            .iter()
            .enumerate()
        {
            let pin = s
                .insert_pin(
                    &PinContent {
                        text: PinText {
                            title: Some(title.to_string()),
                            link: Some("https://e.com".into()),
                            ..Default::default()
                        },
                        media_url: Some(format!("https://e.com/{image}")),
                        ..Default::default()
                    },
                    t0(),
                )
                .unwrap();
            let new = NewJob {
                pin_id: pin,
                account_id: Some(acct),
                board_id: Some("1".into()),
                due_at: Some(t0() + chrono::TimeDelta::seconds(i as i64)),
                ..Default::default()
            };
            let id = s.create_job(&new, JobState::Scheduled, t0()).unwrap();
            s.transition(id, JobState::Due, "t", None, &JobPatch::default(), t0())
                .unwrap();
            ids[i] = id;
        }
        (s, acct, ids)
    }

    fn ready_id(s: &Store, acct: AccountId) -> Option<JobId> {
        s.due_batch(acct, 1).unwrap().jobs.first().map(|j| j.id)
    }

    fn held(s: &Store, acct: AccountId) -> bool {
        let b = s.due_batch(acct, 1).unwrap();
        b.jobs.is_empty() && b.held
    }

    #[test]
    fn a_look_alike_in_flight_holds_the_other_back_but_not_a_different_pin() {
        let (mut s, acct, [a, b, c]) = three_due();
        assert_eq!(ready_id(&s, acct), Some(a));
        s.transition(a, JobState::InFlight, "t", None, &JobPatch::default(), t0())
            .unwrap();
        assert_eq!(ready_id(&s, acct), Some(c), "b waits behind a; c does not");
        s.transition(c, JobState::InFlight, "t", None, &JobPatch::default(), t0())
            .unwrap();
        assert!(held(&s, acct));
        // a's answer was lost: it waits for a board check, and b still waits behind it.
        let unknown = JobPatch {
            needs_reconcile: Some(true),
            next_attempt_at: Some(Some(t0())),
            ..Default::default()
        };
        s.transition(a, JobState::WaitingRetry, "t", None, &unknown, t0())
            .unwrap();
        assert!(held(&s, acct));
        // a is confirmed: b may go.
        let published = JobPatch {
            needs_reconcile: Some(false),
            ..Default::default()
        };
        s.transition(a, JobState::Due, "t", None, &JobPatch::default(), t0())
            .unwrap();
        assert_eq!(ready_id(&s, acct), Some(a), "the unsettled one goes first");
        s.transition(a, JobState::InFlight, "t", None, &JobPatch::default(), t0())
            .unwrap();
        s.transition(a, JobState::Published, "t", None, &published, t0())
            .unwrap();
        assert_eq!(ready_id(&s, acct), Some(b));
    }

    #[test]
    fn two_look_alikes_left_unsettled_together_go_oldest_first_and_never_deadlock() {
        let (mut s, acct, [a, b, _]) = three_due();
        for (id, secs) in [(a, 10), (b, 5)] {
            let patch = JobPatch {
                needs_reconcile: Some(true),
                sent_at: Some(Some(t0() + chrono::TimeDelta::seconds(secs))),
                ..Default::default()
            };
            s.transition(id, JobState::Scheduled, "t", None, &patch, t0())
                .unwrap();
            s.transition(id, JobState::Due, "t", None, &JobPatch::default(), t0())
                .unwrap();
        }
        assert_eq!(
            ready_id(&s, acct),
            Some(b),
            "b's outcome is unknown for longer"
        );
    }
}
