//! What a user does to jobs from the queue, the calendar and the failures list. Each action is
//! one checked transition (a job that moved meanwhile answers `invalid_transition` and nothing
//! changes), recorded in the job's history with the user as its reason. Retrying gives a failed
//! or missed job a fresh retry budget; if its last attempt may have created the pin, the flag
//! stays, so the board is checked before anything is sent again.

use crate::JobId;
use chrono::{DateTime, Utc};

use crate::compose::check_publish_time;
use crate::error::{EngineError, ErrorCode};
use crate::store::job_state::JobState;
use crate::store::jobs::{Job, JobPatch};
use crate::Store;

/// Cancels a job that has not gone out (anything but in flight, published or cancelled).
pub fn cancel_job(store: &mut Store, id: JobId, now: DateTime<Utc>) -> Result<Job, EngineError> {
    store.transition(
        id,
        JobState::Cancelled,
        "cancelled by the user",
        None,
        &JobPatch::default(),
        now,
    )
}

/// Sends a failed or missed job again now, with a fresh retry budget.
pub fn retry_job(store: &mut Store, id: JobId, now: DateTime<Utc>) -> Result<Job, EngineError> {
    let job = store.job(id)?;
    if !matches!(job.state, JobState::Failed | JobState::Missed) {
        return Err(EngineError::new(
            ErrorCode::InvalidTransition,
            format!(
                "only a failed or missed pin can be retried; this one is {}",
                job.state.as_str()
            ),
        ));
    }
    store.transition(
        id,
        JobState::Due,
        "retried by the user",
        None,
        &JobPatch {
            due_at: Some(Some(now)),
            attempt: Some(0),
            retry_delay_ms: Some(0),
            next_attempt_at: Some(None),
            error: Some(None),
            ..Default::default()
        },
        now,
    )
}

/// Moves a job to another time (drag on the calendar, bulk reschedule). The time must be one
/// compose would take (not in the past, at most five years ahead); a draft must have an account
/// and a board to be scheduled.
pub fn reschedule_job(
    store: &mut Store,
    id: JobId,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Job, EngineError> {
    check_publish_time(at, now)?;
    let job = store.job(id)?;
    if job.state == JobState::Draft && (job.account_id.is_none() || job.board_id.is_none()) {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            "choose an account and a board for this draft before scheduling it",
        ));
    }
    let patch = JobPatch {
        due_at: Some(Some(at)),
        attempt: matches!(job.state, JobState::Failed | JobState::Missed).then_some(0),
        error: matches!(job.state, JobState::Failed | JobState::Missed).then_some(None),
        ..Default::default()
    };
    store.transition(
        id,
        JobState::Scheduled,
        "rescheduled by the user",
        None,
        &patch,
        now,
    )
}

/// Holds a job that has not gone out: it becomes a draft again, keeping its account, board and
/// time, so nothing is sent until the user moves or sends it. Only a scheduled, due or missed
/// job can be held (one in flight or waiting to retry is already on its way).
pub fn hold_job(store: &mut Store, id: JobId, now: DateTime<Utc>) -> Result<Job, EngineError> {
    let job = store.job(id)?;
    if !matches!(
        job.state,
        JobState::Scheduled | JobState::Due | JobState::Missed
    ) {
        return Err(EngineError::new(
            ErrorCode::InvalidTransition,
            format!(
                "only a scheduled, due or missed pin can be held; this one is {}",
                job.state.as_str()
            ),
        ));
    }
    store.transition(
        id,
        JobState::Draft,
        "held by the user",
        None,
        &JobPatch::default(),
        now,
    )
}
