//! Composing pins and steering the queue: compose (draft, now, or at a time), list with
//! filters, reschedule one (bulk actions are in `queue_bulk`), edit one and requeue it, a job's history,
//! and the pacing lanes for the live panel. Each wakes the engine after a change so it re-plans
//! at once.

use chrono::{DateTime, Utc};
use pinpace_engine::compose::{compose, ComposeRequest};
use pinpace_engine::queue::{
    edit_and_requeue as edit_job, list_queue as list, next_free_slot, reschedule_job, set_slots,
    slots, PinEdit, QueueFilter, QueueItem, SlotPlan,
};
use pinpace_engine::scheduler::events::LaneSnapshot;
use pinpace_engine::store::jobs::JobEvent;
use pinpace_engine::{EngineError, ErrorCode};

use crate::state::AppState;

/// Creates a pin with its jobs (all or nothing); returns the new job ids.
#[tauri::command]
pub fn compose_pin(
    state: tauri::State<'_, AppState>,
    request: ComposeRequest,
) -> Result<Vec<i64>, EngineError> {
    let desktop = state.desktop()?;
    let ids = compose(&mut desktop.store(), &request, Utc::now())?;
    desktop.engine.wake();
    Ok(ids)
}

#[tauri::command]
pub fn list_queue(
    state: tauri::State<'_, AppState>,
    filter: QueueFilter,
) -> Result<Vec<QueueItem>, EngineError> {
    state.with_store(|s| list(s, &filter))?
}

/// Moves one job to `at` (RFC 3339).
#[tauri::command]
pub fn reschedule(
    state: tauri::State<'_, AppState>,
    job_id: i64,
    at: String,
) -> Result<(), EngineError> {
    let at = DateTime::parse_from_rfc3339(&at)
        .map_err(|e| EngineError::new(ErrorCode::InvalidInput, format!("not a date-time: {e}")))?
        .with_timezone(&Utc);
    let desktop = state.desktop()?;
    reschedule_job(&mut desktop.store(), job_id, at, Utc::now())?;
    desktop.engine.wake();
    Ok(())
}

/// Edits one job's pin (text, board, section) and queues it again, now or at `edit.at`; returns
/// the job as it is now. A refused edit changes nothing.
#[tauri::command]
pub fn edit_and_requeue(
    state: tauri::State<'_, AppState>,
    job_id: i64,
    edit: PinEdit,
) -> Result<pinpace_engine::store::jobs::Job, EngineError> {
    let desktop = state.desktop()?;
    let job = edit_job(&mut desktop.store(), job_id, &edit, Utc::now())?;
    desktop.engine.wake();
    Ok(job)
}

/// A job's full history from the audit trail, oldest first.
#[tauri::command]
pub fn job_history(
    state: tauri::State<'_, AppState>,
    job_id: i64,
) -> Result<Vec<JobEvent>, EngineError> {
    state.with_store(|s| s.job_history(job_id))?
}

/// When each pending pin will really go out, and the warnings ("14 pins will be up to 22 min
/// late: org_write limit").
#[tauri::command]
pub async fn forecast(
    state: tauri::State<'_, AppState>,
) -> Result<pinpace_engine::scheduler::forecast::Forecast, EngineError> {
    state
        .desktop()?
        .engine
        .forecast()
        .await
        .ok_or_else(|| EngineError::new(ErrorCode::Storage, "the scheduler is not running"))
}

/// The engine's running totals, for the live panel when it opens.
#[tauri::command]
pub async fn counters(
    state: tauri::State<'_, AppState>,
) -> Result<pinpace_engine::scheduler::events::Counters, EngineError> {
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
    account_id: i64,
) -> Result<Option<SlotPlan>, EngineError> {
    state.with_store(|s| slots(s, account_id))
}

#[tauri::command]
pub fn set_account_slots(
    state: tauri::State<'_, AppState>,
    account_id: i64,
    plan: SlotPlan,
) -> Result<(), EngineError> {
    state.with_store(|s| set_slots(s, account_id, &plan))?
}

/// The account's next slot that no pin holds yet (RFC 3339, UTC).
#[tauri::command]
pub fn next_slot(
    state: tauri::State<'_, AppState>,
    account_id: i64,
) -> Result<String, EngineError> {
    state
        .with_store(|s| next_free_slot(s, account_id, Utc::now()))?
        .map(|t| t.to_rfc3339())
}
