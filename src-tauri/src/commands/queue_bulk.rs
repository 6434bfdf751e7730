//! The queue's bulk actions (cancel, retry, hold, move) over the selected jobs. Each job is its
//! own checked transition: one that moved meanwhile is refused with its reason and the others
//! still change, and the answer says which did not and why. The engine is woken once after.

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::compose::check_publish_time;
use pinpace_engine::queue::{cancel_job, hold_job, reschedule_job, retry_job};
use pinpace_engine::store::jobs::Job;
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde::Serialize;
use ts_rs::TS;

use crate::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Refusal {
    #[ts(type = "number")]
    pub job_id: i64,
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

fn bulk(
    state: &AppState,
    ids: &[i64],
    action: impl Fn(&mut Store, usize, i64, DateTime<Utc>) -> Result<Job, EngineError>,
) -> Result<BulkResult, EngineError> {
    let desktop = state.desktop()?;
    let now = Utc::now();
    let mut result = BulkResult {
        done: 0,
        refused: Vec::new(),
    };
    {
        let mut store = desktop.store();
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
    desktop.engine.wake();
    Ok(result)
}

#[tauri::command]
pub fn cancel_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Vec<i64>,
) -> Result<BulkResult, EngineError> {
    bulk(&state, &job_ids, |s, _, id, now| cancel_job(s, id, now))
}

#[tauri::command]
pub fn retry_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Vec<i64>,
) -> Result<BulkResult, EngineError> {
    bulk(&state, &job_ids, |s, _, id, now| retry_job(s, id, now))
}

/// Holds the jobs: each becomes a draft again with its account, board and time, and is sent
/// only when moved or sent from the queue.
#[tauri::command]
pub fn hold_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Vec<i64>,
) -> Result<BulkResult, EngineError> {
    bulk(&state, &job_ids, |s, _, id, now| hold_job(s, id, now))
}

/// Moves the jobs, in the order given, to `at` (RFC 3339) and every `spacing_minutes` after it.
#[tauri::command]
pub fn move_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Vec<i64>,
    at: String,
    spacing_minutes: u32,
) -> Result<BulkResult, EngineError> {
    let bad = |m: String| EngineError::new(ErrorCode::InvalidInput, m);
    let at = DateTime::parse_from_rfc3339(&at)
        .map_err(|e| bad(format!("not a date-time: {e}")))?
        .with_timezone(&Utc);
    if job_ids.len() > 10_000 {
        return Err(bad("move at most 10,000 pins at a time".into()));
    }
    if spacing_minutes > 7 * 24 * 60 {
        return Err(bad("the spacing must be at most a week".into()));
    }
    let step = TimeDelta::minutes(i64::from(spacing_minutes));
    // The first and the last time are checked once, before anything moves.
    let now = Utc::now();
    check_publish_time(at, now)?;
    check_publish_time(at + step * job_ids.len().saturating_sub(1) as i32, now)?;
    bulk(&state, &job_ids, |s, i, id, now| {
        reschedule_job(s, id, at + step * i as i32, now)
    })
}
