//! Composing pins and steering one job (`pinpace_engine::api::queue`), and the running
//! scheduler's views for the live panel. Each command adapts one engine call.

use chrono::{DateTime, Utc};
use pinpace_engine::api::queue as api;
use pinpace_engine::compose::ComposeRequest;
use pinpace_engine::queue::{PinEdit, QueueFilter, QueueItem, SlotPlan};
use pinpace_engine::scheduler::events::{Counters, LaneSnapshot};
use pinpace_engine::scheduler::forecast::Forecast;
use pinpace_engine::store::jobs::{Job, JobEvent};
use pinpace_engine::{AccountId, JobId};
use pinpace_engine::{EngineError, ErrorCode};

use super::Arg;
use crate::state::AppState;

/// Creates a pin with its jobs (all or nothing); returns the new job ids. Off the main thread:
/// a local image is read, hashed and copied first.
#[tauri::command]
pub async fn compose_pin<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    request: Arg<ComposeRequest>,
) -> Result<Vec<JobId>, EngineError> {
    let request = request.0;
    super::off_main_thread(app, move |desktop| {
        api::compose_pin(&desktop.engine, &request)
    })
    .await
}

#[tauri::command]
pub fn list_queue(
    state: tauri::State<'_, AppState>,
    filter: Arg<QueueFilter>,
) -> Result<Vec<QueueItem>, EngineError> {
    api::list(&state.desktop()?.engine, &filter)
}

/// Moves one job to `at`.
#[tauri::command]
pub fn reschedule(
    state: tauri::State<'_, AppState>,
    job_id: Arg<JobId>,
    at: Arg<DateTime<Utc>>,
) -> Result<(), EngineError> {
    api::reschedule(&state.desktop()?.engine, job_id.0, at.0).map(drop)
}

/// Edits one job's pin and queues it again; returns the job as it is now.
#[tauri::command]
pub fn edit_and_requeue(
    state: tauri::State<'_, AppState>,
    job_id: Arg<JobId>,
    edit: Arg<PinEdit>,
) -> Result<Job, EngineError> {
    api::edit(&state.desktop()?.engine, job_id.0, &edit)
}

/// A job's full history from the audit trail, oldest first.
#[tauri::command]
pub fn job_history(
    state: tauri::State<'_, AppState>,
    job_id: Arg<JobId>,
) -> Result<Vec<JobEvent>, EngineError> {
    api::history(&state.desktop()?.engine, job_id.0)
}

/// When each pending pin will really go out, and the warnings.
#[tauri::command]
pub async fn forecast(state: tauri::State<'_, AppState>) -> Result<Forecast, EngineError> {
    let not_running = || EngineError::new(ErrorCode::Storage, "the scheduler is not running");
    state
        .desktop()?
        .engine
        .forecast()
        .await
        .ok_or_else(not_running)
}

/// The engine's running totals, for the live panel when it opens.
#[tauri::command]
pub async fn counters(state: tauri::State<'_, AppState>) -> Result<Counters, EngineError> {
    Ok(state.desktop()?.engine.counters().await)
}

/// Each account's pacing now: window usage per limit, pause and why, due and in flight.
#[tauri::command]
pub async fn lanes(state: tauri::State<'_, AppState>) -> Result<Vec<LaneSnapshot>, EngineError> {
    Ok(state.desktop()?.engine.lanes().await)
}

/// An account's posting slots, if it has any.
#[tauri::command]
pub fn account_slots(
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
) -> Result<Option<SlotPlan>, EngineError> {
    api::slots(&state.desktop()?.engine, account_id.0)
}

#[tauri::command]
pub fn set_account_slots(
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
    plan: Arg<SlotPlan>,
) -> Result<(), EngineError> {
    api::set_slots(&state.desktop()?.engine, account_id.0, &plan)
}

/// The account's next slot that no pin holds yet.
#[tauri::command]
pub fn next_slot(
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
) -> Result<DateTime<Utc>, EngineError> {
    api::next_slot(&state.desktop()?.engine, account_id.0)
}
