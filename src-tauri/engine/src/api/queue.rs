//! Composing pins and steering one job: compose (draft, now, or at a time), list with filters,
//! move one, edit one and queue it again, a job's history, and an account's posting slots. Bulk
//! actions over a selection are in `api::bulk`. The rules are in `compose` and `queue`; this
//! adds the engine's clock and tells a running scheduler about each change.

use crate::{AccountId, JobId};
use chrono::{DateTime, Utc};

use super::Workspace;
use crate::compose::{compose, ComposeRequest};
use crate::error::EngineError;
use crate::queue::{self, PinEdit, QueueFilter, QueueItem, SlotPlan};
use crate::store::jobs::{Job, JobEvent};

/// Creates a pin with its jobs (all or nothing); returns the new job ids.
pub fn compose_pin(
    ws: &impl Workspace,
    request: &ComposeRequest,
) -> Result<Vec<JobId>, EngineError> {
    let ids = compose(&mut ws.store(), request, ws.now())?;
    ws.queue_changed();
    Ok(ids)
}

pub fn list(ws: &impl Workspace, filter: &QueueFilter) -> Result<Vec<QueueItem>, EngineError> {
    ws.store().queue_items(filter)
}

/// Moves one job to `at`.
pub fn reschedule(
    ws: &impl Workspace,
    job_id: JobId,
    at: DateTime<Utc>,
) -> Result<Job, EngineError> {
    let job = queue::reschedule_job(&mut ws.store(), job_id, at, ws.now())?;
    ws.queue_changed();
    Ok(job)
}

/// Edits one job's pin (text, board, section) and queues it again, now or at `edit.at`; returns
/// the job as it is now. A refused edit changes nothing.
pub fn edit(ws: &impl Workspace, job_id: JobId, edit: &PinEdit) -> Result<Job, EngineError> {
    let job = queue::edit_and_requeue(&mut ws.store(), job_id, edit, ws.now())?;
    ws.queue_changed();
    Ok(job)
}

/// A job's full history from the audit trail, oldest first.
pub fn history(ws: &impl Workspace, job_id: JobId) -> Result<Vec<JobEvent>, EngineError> {
    ws.store().job_history(job_id)
}

/// An account's posting slots, if it has any (an unknown account is `not_found`).
pub fn slots(ws: &impl Workspace, account_id: AccountId) -> Result<Option<SlotPlan>, EngineError> {
    let store = ws.store();
    store.account(account_id)?;
    Ok(queue::slots(&store, account_id))
}

pub fn set_slots(
    ws: &impl Workspace,
    account_id: AccountId,
    plan: &SlotPlan,
) -> Result<(), EngineError> {
    queue::set_slots(&ws.store(), account_id, plan)
}

/// The account's next slot that no pin holds yet.
pub fn next_slot(ws: &impl Workspace, account_id: AccountId) -> Result<DateTime<Utc>, EngineError> {
    queue::next_free_slot(&ws.store(), account_id, ws.now())
}
