//! The queue's bulk actions (cancel, retry, hold, move) over a selection of jobs, for the
//! window's multi-select and `pinpace-cli queue`. Each job is its own checked transition: one
//! that moved meanwhile is refused with its reason and the others still change, and the answer
//! says which did not and why. A selection is checked as a whole first (its size; for a move,
//! the spacing and the first and last times), so a bad request changes nothing. A running
//! scheduler is told once, after.

use crate::JobId;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::compose::check_publish_time;
use crate::error::{EngineError, ErrorCode};
use crate::queue::{cancel_job, hold_job, reschedule_job, retry_job};
use crate::store::jobs::Job;
use crate::Store;

/// The most jobs one bulk action takes.
pub const MAX_SELECTION: usize = 10_000;
/// The widest spacing a bulk move takes, in minutes (a week).
pub const MAX_SPACING_MINUTES: u32 = 7 * 24 * 60;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Refusal {
    #[ts(type = "number")]
    pub job_id: JobId,
    pub code: ErrorCode,
    pub message: String,
}

/// What a bulk action did: how many jobs changed, and why the others did not.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BulkResult {
    pub done: u32,
    pub refused: Vec<Refusal>,
}

fn invalid(message: impl Into<String>) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, message)
}

fn check_selection(ids: &[JobId]) -> Result<(), EngineError> {
    if ids.is_empty() {
        return Err(invalid("select at least one pin"));
    }
    if ids.len() > MAX_SELECTION {
        return Err(invalid(format!(
            "act on at most {MAX_SELECTION} pins at a time ({} selected)",
            ids.len()
        )));
    }
    Ok(())
}

fn each(
    ws: &impl Workspace,
    ids: &[JobId],
    action: impl Fn(&mut Store, usize, JobId, DateTime<Utc>) -> Result<Job, EngineError>,
) -> Result<BulkResult, EngineError> {
    check_selection(ids)?;
    let now = ws.now();
    let mut result = BulkResult {
        done: 0,
        refused: Vec::new(),
    };
    {
        let mut store = ws.store();
        for (i, &id) in ids.iter().enumerate() {
            match action(&mut store, i, id, now) {
                Ok(_) => result.done += 1,
                Err(e) => result.refused.push(Refusal {
                    job_id: id,
                    code: e.code,
                    message: e.message,
                }),
            }
        }
    }
    tracing::info!(
        done = result.done,
        refused = result.refused.len(),
        "bulk action over {} selected jobs",
        ids.len()
    );
    ws.queue_changed();
    Ok(result)
}

pub fn cancel(ws: &impl Workspace, ids: &[JobId]) -> Result<BulkResult, EngineError> {
    each(ws, ids, |s, _, id, now| cancel_job(s, id, now))
}

/// Sends failed or missed jobs again now, each with a fresh retry budget.
pub fn retry(ws: &impl Workspace, ids: &[JobId]) -> Result<BulkResult, EngineError> {
    each(ws, ids, |s, _, id, now| retry_job(s, id, now))
}

/// Holds the jobs: each becomes a draft again with its account, board and time, and is sent
/// only when moved or sent from the queue.
pub fn hold(ws: &impl Workspace, ids: &[JobId]) -> Result<BulkResult, EngineError> {
    each(ws, ids, |s, _, id, now| hold_job(s, id, now))
}

/// Moves the jobs, in the order given, to `at` and every `spacing_minutes` after it.
pub fn move_to(
    ws: &impl Workspace,
    ids: &[JobId],
    at: DateTime<Utc>,
    spacing_minutes: u32,
) -> Result<BulkResult, EngineError> {
    check_selection(ids)?;
    if spacing_minutes > MAX_SPACING_MINUTES {
        return Err(invalid("the spacing must be at most a week"));
    }
    let step = TimeDelta::minutes(i64::from(spacing_minutes));
    // The first and the last time are checked once, before anything moves.
    let now = ws.now();
    check_publish_time(at, now)?;
    check_publish_time(at + step * (ids.len() - 1) as i32, now)?;
    each(ws, ids, |s, i, id, now| {
        reschedule_job(s, id, at + step * i as i32, now)
    })
}
