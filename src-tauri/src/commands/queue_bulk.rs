//! The queue's bulk actions over the selected jobs (`pinpace_engine::api::bulk`, which holds
//! the rules: the selection's size, the spacing, the first and last times).

use chrono::{DateTime, Utc};
use pinpace_engine::api::bulk::{self as api, BulkResult};
use pinpace_engine::EngineError;
use pinpace_engine::JobId;

use super::Arg;
use crate::state::AppState;

#[tauri::command]
pub fn cancel_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Arg<Vec<JobId>>,
) -> Result<BulkResult, EngineError> {
    api::cancel(&state.desktop()?.engine, &job_ids)
}

#[tauri::command]
pub fn retry_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Arg<Vec<JobId>>,
) -> Result<BulkResult, EngineError> {
    api::retry(&state.desktop()?.engine, &job_ids)
}

/// Holds the jobs: each becomes a draft again, sent only when moved or sent from the queue.
#[tauri::command]
pub fn hold_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Arg<Vec<JobId>>,
) -> Result<BulkResult, EngineError> {
    api::hold(&state.desktop()?.engine, &job_ids)
}

/// Moves the jobs, in the order given, to `at` and every `spacing_minutes` after it.
#[tauri::command]
pub fn move_jobs(
    state: tauri::State<'_, AppState>,
    job_ids: Arg<Vec<JobId>>,
    at: Arg<DateTime<Utc>>,
    spacing_minutes: Arg<u32>,
) -> Result<BulkResult, EngineError> {
    api::move_to(&state.desktop()?.engine, &job_ids, at.0, spacing_minutes.0)
}
