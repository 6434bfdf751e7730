//! Jobs: one per (pin, account, board). Every change of state goes through `transition`, which in
//! one transaction checks the current state, applies the change and appends to `job_events`
//! (DESIGN invariant 2): there is no other way to write a job's state.

use crate::{AccountId, JobId, PinId};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::job_error::JobErrorCode;
use super::job_state::JobState;
use super::time::{from_db, opt_from_db, to_db};
use super::Store;
use crate::error::{EngineError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Job {
    pub id: JobId,
    pub pin_id: PinId,
    pub account_id: Option<AccountId>,
    pub board_id: Option<String>,
    pub section_id: Option<String>,
    pub state: JobState,
    pub due_at: Option<DateTime<Utc>>,
    pub attempt: i64,
    pub retry_delay_ms: i64,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub pinterest_pin_id: Option<String>,
    pub pinterest_url: Option<String>,
    pub error_code: Option<JobErrorCode>,
    pub error_message: Option<String>,
    /// The last attempt may have created the pin: check the board before sending again.
    pub needs_reconcile: bool,
    /// When the latest pin creation left (`sent_at` keeps the earliest unconfirmed one).
    pub last_sent_at: Option<DateTime<Utc>>,
}

/// What a new job needs. Drafts have no account, board or time.
#[derive(Debug, Clone, Default)]
pub struct NewJob {
    pub pin_id: PinId,
    pub account_id: Option<AccountId>,
    pub board_id: Option<String>,
    pub section_id: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub schedule_tz: Option<String>,
    pub schedule_local: Option<String>,
}

/// Field changes that ride along with a transition. `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct JobPatch {
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub attempt: Option<i64>,
    pub retry_delay_ms: Option<i64>,
    pub next_attempt_at: Option<Option<DateTime<Utc>>>,
    pub sent_at: Option<Option<DateTime<Utc>>>,
    pub last_sent_at: Option<Option<DateTime<Utc>>>,
    pub pinterest_pin_id: Option<String>,
    pub pinterest_url: Option<String>,
    pub error: Option<Option<(JobErrorCode, String)>>,
    pub needs_reconcile: Option<bool>,
}

const COLUMNS: &str = "id, pin_id, account_id, board_id, section_id, state, due_at, attempt, \
    retry_delay_ms, next_attempt_at, sent_at, pinterest_pin_id, pinterest_url, error_code, error_message, \
    needs_reconcile, last_sent_at";

/// One job by id: read after every transition and for every report, so the text is built once.
static JOB_BY_ID: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"));

/// A row as read: the job, its stored state's name and its four stored times, checked by
/// `finish` (a row reader can only fail with a rusqlite error, which would read as `storage`).
type RawJob = (Job, String, [Option<String>; 4]);

fn read_job(row: &Row<'_>) -> rusqlite::Result<RawJob> {
    let state: String = row.get(5)?;
    let job = Job {
        id: row.get(0)?,
        pin_id: row.get(1)?,
        account_id: row.get(2)?,
        board_id: row.get(3)?,
        section_id: row.get(4)?,
        // Placeholder: `finish` sets the stored state or refuses the row.
        state: JobState::Draft,
        due_at: None,
        attempt: row.get(7)?,
        retry_delay_ms: row.get(8)?,
        next_attempt_at: None,
        sent_at: None,
        pinterest_pin_id: row.get(11)?,
        pinterest_url: row.get(12)?,
        error_code: row.get(13)?,
        error_message: row.get(14)?,
        needs_reconcile: row.get(15)?,
        last_sent_at: None,
    };
    Ok((
        job,
        state,
        [row.get(6)?, row.get(9)?, row.get(10)?, row.get(16)?],
    ))
}

fn finish(raw: RawJob) -> Result<Job, EngineError> {
    let (mut job, state, [due, next, sent, last_sent]) = raw;
    job.state = JobState::from_stored(&state, job.id)?;
    job.due_at = opt_from_db(due)?;
    job.next_attempt_at = opt_from_db(next)?;
    job.sent_at = opt_from_db(sent)?;
    job.last_sent_at = opt_from_db(last_sent)?;
    Ok(job)
}

use super::open::classify as storage;

impl Store {
    /// Creates a job in `initial` state (draft or scheduled) and records its first event.
    pub fn create_job(
        &mut self,
        new: &NewJob,
        initial: JobState,
        now: DateTime<Utc>,
    ) -> Result<JobId, EngineError> {
        if !matches!(initial, JobState::Draft | JobState::Scheduled) {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "a new job starts as a draft or scheduled",
            ));
        }
        if initial == JobState::Scheduled
            && (new.account_id.is_none() || new.board_id.is_none() || new.due_at.is_none())
        {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "a scheduled job needs an account, a board and a time",
            ));
        }
        let insert = |conn: &rusqlite::Connection| -> rusqlite::Result<JobId> {
            conn.prepare_cached(
                "INSERT INTO jobs (pin_id, account_id, board_id, section_id, state, due_at, schedule_tz, \
                 schedule_local, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?
            .execute(params![
                new.pin_id,
                new.account_id,
                new.board_id,
                new.section_id,
                initial.as_str(),
                new.due_at.map(to_db),
                new.schedule_tz,
                new.schedule_local,
                to_db(now)
            ])?;
            let id = JobId(conn.last_insert_rowid());
            conn.prepare_cached(
                "INSERT INTO job_events (job_id, at, from_state, to_state, reason) VALUES (?1, ?2, NULL, ?3, 'created')",
            )?
            .execute(params![id, to_db(now), initial.as_str()])?;
            Ok(id)
        };
        // The job and its first event are one unit. Inside a caller's transaction (compose,
        // an import's chunk) that transaction is the unit, and an error fails all of it; a
        // savepoint of our own there would copy every page the two rows touch into the
        // savepoint's journal, which made enqueueing 100,000 jobs twice as slow.
        if !self.conn.is_autocommit() {
            return insert(&self.conn).map_err(storage);
        }
        let tx = self.conn.savepoint().map_err(storage)?;
        let id = insert(&tx).map_err(storage)?;
        tx.commit().map_err(storage)?;
        Ok(id)
    }

    pub fn job(&self, id: JobId) -> Result<Job, EngineError> {
        let raw = self
            .conn
            .prepare_cached(&JOB_BY_ID)
            .and_then(|mut read| read.query_row([id], read_job))
            .optional()
            .map_err(storage)?
            .ok_or_else(|| EngineError::new(ErrorCode::NotFound, format!("no job {id}")))?;
        finish(raw)
    }

    /// Jobs in `state`, oldest due first.
    pub fn jobs_in_state(&self, state: JobState) -> Result<Vec<Job>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE state = ?1 ORDER BY due_at, id"
            ))
            .map_err(storage)?;
        let rows = stmt
            .query_map([state.as_str()], read_job)
            .map_err(storage)?;
        rows.map(|r| r.map_err(storage).and_then(finish)).collect()
    }

    /// Every job of a pin (one per board), by id.
    pub fn jobs_of_pin(&self, pin_id: PinId) -> Result<Vec<Job>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM jobs WHERE pin_id = ?1 ORDER BY id"
            ))
            .map_err(storage)?;
        let rows = stmt.query_map([pin_id], read_job).map_err(storage)?;
        rows.map(|r| r.map_err(storage).and_then(finish)).collect()
    }

    /// Points a job at another pin row and board (an edit before it is sent again). Its state is
    /// not touched: the caller moves it with `transition`, in the same transaction. The local
    /// time it was scheduled with is forgotten, since the new time is given in UTC.
    pub fn retarget_job(
        &mut self,
        id: JobId,
        pin_id: PinId,
        board_id: &str,
        section_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let n = self
            .conn
            .execute(
                "UPDATE jobs SET pin_id = ?2, board_id = ?3, section_id = ?4, schedule_tz = NULL, \
                 schedule_local = NULL, updated_at = ?5 WHERE id = ?1",
                params![id, pin_id, board_id, section_id, to_db(now)],
            )
            .map_err(storage)?;
        if n == 0 {
            return Err(EngineError::new(
                ErrorCode::NotFound,
                format!("no job {id}"),
            ));
        }
        Ok(())
    }

    /// Moves job `id` to `to`, if it is still in one of the states `from` allows and the move is
    /// legal; applies `patch` and appends the event, all in one transaction.
    pub fn transition(
        &mut self,
        id: JobId,
        to: JobState,
        reason: &str,
        detail: Option<&serde_json::Value>,
        patch: &JobPatch,
        now: DateTime<Utc>,
    ) -> Result<Job, EngineError> {
        self.checked_transition(id, None, to, reason, detail, patch, now)
    }

    /// Like `transition`, but only if the job is still as `seen` (its state and time): the
    /// scheduler acts on a job it read a moment earlier, and a user's hold, edit or move in
    /// between must win (a held job would otherwise go Draft -> Due and be sent, a pin moved to
    /// later would go out at its old time).
    pub fn transition_from(
        &mut self,
        seen: &Job,
        to: JobState,
        reason: &str,
        detail: Option<&serde_json::Value>,
        patch: &JobPatch,
        now: DateTime<Utc>,
    ) -> Result<Job, EngineError> {
        let expected = (seen.state, seen.due_at);
        self.checked_transition(seen.id, Some(expected), to, reason, detail, patch, now)
    }

    #[allow(clippy::too_many_arguments)]
    fn checked_transition(
        &mut self,
        id: JobId,
        expected: Option<(JobState, Option<DateTime<Utc>>)>,
        to: JobState,
        reason: &str,
        detail: Option<&serde_json::Value>,
        patch: &JobPatch,
        now: DateTime<Utc>,
    ) -> Result<Job, EngineError> {
        let tx = self.conn.savepoint().map_err(storage)?;
        // Cached statements: the scheduler makes two transitions per pin it sends.
        let current: Option<(String, Option<String>)> = tx
            .prepare_cached("SELECT state, due_at FROM jobs WHERE id = ?1")
            .and_then(|mut read| read.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))
            .optional()
            .map_err(storage)?;
        let (current, due_at) =
            current.ok_or_else(|| EngineError::new(ErrorCode::NotFound, format!("no job {id}")))?;
        let from = JobState::from_stored(&current, id)?;
        if let Some((state, due)) = expected {
            if state != from || due.map(to_db) != due_at {
                return Err(EngineError::new(
                    ErrorCode::InvalidTransition,
                    format!(
                        "job {id} changed meanwhile (it is {}); it is left as it is",
                        from.as_str()
                    ),
                ));
            }
        }
        if !from.can_move_to(to) {
            return Err(EngineError::new(
                ErrorCode::InvalidTransition,
                format!(
                    "job {id} is {} and cannot become {}",
                    from.as_str(),
                    to.as_str()
                ),
            ));
        }
        let mut sets = vec!["state = ?2".to_string(), "updated_at = ?3".to_string()];
        let mut values: Vec<rusqlite::types::Value> = vec![
            id.0.into(),
            to.as_str().to_string().into(),
            to_db(now).into(),
        ];
        let mut push = |col: &str, v: rusqlite::types::Value| {
            values.push(v);
            sets.push(format!("{col} = ?{}", values.len()));
        };
        let time = |t: &Option<DateTime<Utc>>| {
            t.map(to_db)
                .map_or(rusqlite::types::Value::Null, Into::into)
        };
        if let Some(t) = &patch.due_at {
            push("due_at", time(t));
        }
        if let Some(a) = patch.attempt {
            push("attempt", a.into());
        }
        if let Some(d) = patch.retry_delay_ms {
            push("retry_delay_ms", d.into());
        }
        if let Some(t) = &patch.next_attempt_at {
            push("next_attempt_at", time(t));
        }
        if let Some(t) = &patch.sent_at {
            push("sent_at", time(t));
        }
        if let Some(t) = &patch.last_sent_at {
            push("last_sent_at", time(t));
        }
        if let Some(p) = &patch.pinterest_pin_id {
            push("pinterest_pin_id", p.clone().into());
        }
        if let Some(u) = &patch.pinterest_url {
            push("pinterest_url", u.clone().into());
        }
        if let Some(err) = &patch.error {
            let (code, message) = match err {
                Some((c, m)) => (c.to_string().into(), m.clone().into()),
                None => (rusqlite::types::Value::Null, rusqlite::types::Value::Null),
            };
            push("error_code", code);
            push("error_message", message);
        }
        if let Some(r) = patch.needs_reconcile {
            push("needs_reconcile", i64::from(r).into());
        }
        let sql = format!("UPDATE jobs SET {} WHERE id = ?1", sets.join(", "));
        tx.prepare_cached(&sql)
            .and_then(|mut update| update.execute(rusqlite::params_from_iter(values)))
            .map_err(storage)?;
        tx.prepare_cached(
            "INSERT INTO job_events (job_id, at, from_state, to_state, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .and_then(|mut insert| {
            insert.execute(params![id, to_db(now), from.as_str(), to.as_str(), reason, detail.map(|d| d.to_string())])
        })
        .map_err(storage)?;
        let raw = tx
            .prepare_cached(&JOB_BY_ID)
            .and_then(|mut read| read.query_row([id], read_job))
            .map_err(storage)?;
        tx.commit().map_err(storage)?;
        finish(raw)
    }

    /// The audit trail of a job, oldest first: (at, from, to, reason).
    pub fn job_history(&self, id: JobId) -> Result<Vec<JobEvent>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, from_state, to_state, reason, detail FROM job_events WHERE job_id = ?1 ORDER BY id")
            .map_err(storage)?;
        let rows = stmt
            .query_map([id], |r| {
                let raw: (String, Option<String>, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                Ok((raw, r.get(3)?, r.get(4)?))
            })
            .map_err(storage)?;
        let state = |s: &str| {
            JobState::parse(s).ok_or_else(|| {
                EngineError::new(
                    ErrorCode::DatabaseCorrupt,
                    format!("an event of job {id} names the state {s:?}"),
                )
            })
        };
        rows.map(|r| {
            let ((at, from, to), reason, detail) = r.map_err(storage)?;
            Ok(JobEvent {
                at: from_db(&at)?,
                from_state: from.as_deref().map(state).transpose()?,
                to_state: state(&to)?,
                reason,
                detail,
            })
        })
        .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct JobEvent {
    pub at: DateTime<Utc>,
    /// `None` for the event that created the job.
    pub from_state: Option<JobState>,
    pub to_state: JobState,
    pub reason: String,
    pub detail: Option<String>,
}
