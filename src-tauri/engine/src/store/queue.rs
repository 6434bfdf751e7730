//! The scheduler's reads and the request log. The scheduler asks three questions of the queue:
//! when is the next thing due, which jobs are due now (per account, oldest first), and which jobs
//! were in flight when the app last stopped. The request log records every request sent, so the
//! pacer's windows can be rebuilt after a restart instead of spending a quota twice.

use crate::AccountId;
use crate::JobId;
use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::params;

use super::job_state::JobState;
use super::jobs::Job;
use super::time::{from_db, to_db};
use super::Store;
use crate::error::EngineError;
use crate::pinterest::types::Category;

use super::open::classify as storage;

/// One request from the log: who sent it, its category, when, and the HTTP status it got.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    pub account_id: AccountId,
    pub category: Category,
    pub sent_at: DateTime<Utc>,
    pub status: Option<u16>,
}

impl Store {
    /// The earliest time a scheduled job or a retry comes due, if any.
    pub fn next_wakeup(&self) -> Result<Option<DateTime<Utc>>, EngineError> {
        let t: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM jobs WHERE state = 'scheduled' \
                 UNION ALL SELECT MIN(next_attempt_at) FROM jobs WHERE state = 'waiting_retry')",
            )
            .and_then(|mut read| read.query_row([], |r| r.get(0)))
            .map_err(storage)?;
        t.as_deref().map(from_db).transpose()
    }

    /// Scheduled jobs and retries whose time has come, oldest first (served by the
    /// (state, due_at) index: a queue of 100,000 future jobs costs nothing here).
    pub fn jobs_coming_due(&self, now: DateTime<Utc>) -> Result<Vec<Job>, EngineError> {
        let now = to_db(now);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id FROM jobs WHERE state = 'scheduled' AND due_at <= ?1 \
                 UNION ALL SELECT id FROM jobs WHERE state = 'waiting_retry' AND next_attempt_at <= ?1",
            )
            .map_err(storage)?;
        let ids: Vec<JobId> = stmt
            .query_map([&now], |r| r.get(0))
            .map_err(storage)?
            .collect::<Result<_, _>>()
            .map_err(storage)?;
        let mut jobs: Vec<Job> = ids
            .into_iter()
            .map(|id| self.job(id))
            .collect::<Result<_, _>>()?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    /// Pinterest ids already attributed to published jobs on this account's board: a board
    /// check after an unconfirmed attempt never claims one of them again.
    pub fn claimed_pin_ids(
        &self,
        account_id: AccountId,
        board_id: &str,
    ) -> Result<Vec<String>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT pinterest_pin_id FROM jobs WHERE state = 'published' AND account_id = ?1 \
                 AND board_id = ?2 AND pinterest_pin_id IS NOT NULL",
            )
            .map_err(storage)?;
        let rows = stmt
            .query_map(params![account_id, board_id], |r| r.get(0))
            .map_err(storage)?;
        rows.map(|r| r.map_err(storage)).collect()
    }

    /// Jobs on their way (`JobState::WAITING`): scheduled, due, in flight or waiting to retry.
    pub fn open_job_count(&self) -> Result<usize, EngineError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM jobs WHERE state IN {}",
                    JobState::sql_list(&JobState::WAITING)
                ),
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(storage)
    }

    /// Accounts that have due jobs, with how many.
    pub fn due_counts(&self) -> Result<Vec<(AccountId, i64)>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT account_id, COUNT(*) FROM jobs WHERE state = 'due' GROUP BY account_id",
            )
            .map_err(storage)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(storage)?;
        rows.map(|r| r.map_err(storage)).collect()
    }

    /// The oldest due job of an account.
    pub fn oldest_due(&self, account_id: AccountId) -> Result<Option<Job>, EngineError> {
        let id: Option<JobId> = self
            .conn
            .query_row(
                "SELECT id FROM jobs WHERE state = 'due' AND account_id = ?1 ORDER BY due_at, id LIMIT 1",
                [account_id],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(storage)?;
        id.map(|id| self.job(id)).transpose()
    }

    pub fn log_request(
        &self,
        account_id: AccountId,
        category: Category,
        at: DateTime<Utc>,
    ) -> Result<i64, EngineError> {
        self.conn
            .prepare_cached(
                "INSERT INTO request_log (account_id, category, sent_at) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut insert| {
                insert.execute(params![account_id, category.as_str(), to_db(at)])
            })
            .map_err(storage)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Deletes the requests sent before `before` (the engine calls it at start with a day ago:
    /// the longest window is a day, so nothing older can matter to the pacer). Returns how many.
    pub fn prune_request_log(&self, before: DateTime<Utc>) -> Result<usize, EngineError> {
        let before_db = to_db(before - TimeDelta::seconds(1));
        self.conn
            .execute("DELETE FROM request_log WHERE sent_at < ?1", [&before_db])
            .map_err(storage)
    }

    /// Requests sent since `since`, oldest first. Reads only (`prune_request_log` deletes).
    pub fn recent_requests(&self, since: DateTime<Utc>) -> Result<Vec<LoggedRequest>, EngineError> {
        let since_db = to_db(since - TimeDelta::seconds(1));
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT account_id, category, sent_at, status FROM request_log \
                 WHERE sent_at >= ?1 ORDER BY sent_at",
            )
            .map_err(storage)?;
        let rows = stmt
            .query_map([&since_db], |r| {
                Ok((
                    r.get::<_, AccountId>("account_id")?,
                    r.get::<_, String>("category")?,
                    r.get::<_, String>("sent_at")?,
                    r.get("status")?,
                ))
            })
            .map_err(storage)?;
        let mut out = Vec::new();
        for row in rows {
            let (account, category, at, status) = row.map_err(storage)?;
            // A name this build does not know counts against writes, the tighter budget.
            let category = category.parse().unwrap_or(Category::OrgWrite);
            out.push(LoggedRequest {
                account_id: account,
                category,
                sent_at: from_db(&at)?,
                status,
            });
        }
        Ok(out)
    }
}
