//! Editing a pin from the failures list (or the queue) and sending it again: new text, another
//! board of the same account, and now or a later time. The edit is checked like a composed pin
//! (compose's own checks, plus: the board must be one of the account's cached boards), and the
//! job must not have gone out or be on its way (failed, missed, draft, scheduled, due or needs
//! reconnect). A pin is shared by its jobs (one per board): when a sibling job has been published,
//! is due or in flight, waits to retry, or may have created the pin in an unconfirmed attempt,
//! the shared row is what was
//! sent (and what that sibling's board check compares), so the edited job gets its own copy of the
//! pin; otherwise the pin is edited in place, for all its boards. The whole edit is one
//! transaction and lands in the job's history as "edited and requeued by the user".

use crate::JobId;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use ts_rs::TS;

use crate::compose::{check_digits, check_publish_time, invalid};
use crate::error::{EngineError, ErrorCode};
use crate::pin_text::PinText;
use crate::store::job_state::JobState;
use crate::store::jobs::{Job, JobPatch};
use crate::store::pins::PinContent;
use crate::Store;

/// What the user changed: the pin's text (as in a compose request), its board (of the job's
/// account), and when it goes out.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PinEdit {
    /// Title, description, link and alt text, at the top level of the JSON.
    #[serde(flatten)]
    #[ts(flatten)]
    pub text: PinText,
    pub board_id: String,
    #[serde(default)]
    pub section_id: Option<String>,
    /// The publish time (RFC 3339 over IPC, parsed by serde); `None` sends it now.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
}

/// The states a job can be edited in: it has not gone out and is not on its way.
pub const EDITABLE: [JobState; 6] = [
    JobState::Failed,
    JobState::Missed,
    JobState::Draft,
    JobState::Scheduled,
    JobState::Due,
    JobState::NeedsReconnect,
];

pub const EDIT_REASON: &str = "edited and requeued by the user";

/// Applies `edit` to job `id` and queues it again (due now, or scheduled at `edit.at`). A failed
/// or missed job gets a fresh retry budget, like `retry_job`. A job whose last attempt may have
/// created the pin is refused until a retry has checked the board (see below). Refused with
/// `invalid_transition` for a job in flight, waiting to retry, published or cancelled, and with
/// `invalid_input` for an edit compose would refuse; either way nothing changes.
pub fn edit_and_requeue(
    store: &mut Store,
    id: JobId,
    edit: &PinEdit,
    now: DateTime<Utc>,
) -> Result<Job, EngineError> {
    let job = store.job(id)?;
    if !EDITABLE.contains(&job.state) {
        return Err(EngineError::new(
            ErrorCode::InvalidTransition,
            format!(
                "only a pin that has not gone out can be edited; this one is {}",
                job.state.as_str()
            ),
        ));
    }
    if job.needs_reconcile {
        // The board check before a resend looks for the pin as it was sent; after an edit it
        // would look for the new text, miss the old pin and post a second one.
        return Err(EngineError::new(
            ErrorCode::InvalidTransition,
            "its last attempt got no answer, so this pin may already be on Pinterest: retry it \
             first (PinPace looks on the board before sending again), then edit it if it is \
             still not there",
        ));
    }
    let account = job.account_id.ok_or_else(|| {
        invalid(
            "account_id",
            "this draft has no account: schedule it from Compose instead",
        )
    })?;
    edit.text.check()?;
    check_digits("board_id", &edit.board_id)?;
    if let Some(s) = &edit.section_id {
        check_digits("section_id", s)?;
    }
    let boards = store.boards(account)?;
    let board = boards
        .iter()
        .find(|b| b.board_id == edit.board_id)
        .ok_or_else(|| {
            invalid(
                "board_id",
                format!(
                    "{} is not one of this account's boards (refresh the boards if it is new)",
                    edit.board_id
                ),
            )
        })?;
    if let Some(s) = &edit.section_id {
        if !board.sections.iter().any(|x| &x.section_id == s) {
            return Err(invalid(
                "section_id",
                format!("{s} is not a section of the board {}", board.name),
            ));
        }
    }
    if let Some(at) = edit.at {
        check_publish_time(at, now)?;
    }
    let at = edit.at;
    let old = store.pin(job.pin_id)?;
    if old.media_sha256.is_none() && old.media_url.is_none() {
        return Err(invalid(
            "image",
            "a pin needs an image (a file or a URL); this one has none: compose it again with one",
        ));
    }
    let siblings: Vec<Job> = store
        .jobs_of_pin(job.pin_id)?
        .into_iter()
        .filter(|j| j.id != id)
        .collect();
    let same_target =
        |j: &Job| j.account_id == Some(account) && j.board_id.as_deref() == Some(&edit.board_id);
    if let Some(twin) = siblings
        .iter()
        .find(|j| same_target(j) && j.state != JobState::Cancelled)
    {
        return Err(invalid(
            "board_id",
            format!(
                "this pin already goes to {} (job {}, {}); edit or discard that one instead",
                board.name,
                twin.id,
                twin.state.as_str()
            ),
        ));
    }
    // A sibling that went out (or may have, or is about to) keeps its content; a cancelled one
    // on the chosen board holds the (pin, board) pair, so the edited job needs its own pin too.
    // A due sibling may be being prepared right now (its content read, its request not yet
    // marked in flight), and a sibling waiting to retry may already be on the board with the old
    // text: rewriting the shared row would make a later board check miss that pin.
    let own_copy = siblings.iter().any(|j| {
        matches!(
            j.state,
            JobState::Published | JobState::InFlight | JobState::Due | JobState::WaitingRetry
        ) || j.needs_reconcile
            || same_target(j)
    });
    let content = PinContent {
        text: edit.text.clone(),
        media_sha256: old.media_sha256,
        media_url: old.media_url,
    };
    let fresh = matches!(job.state, JobState::Failed | JobState::Missed);
    // A due job asked to go now is scheduled for now: the scheduler makes it due on its next look
    // (due -> due is not a move).
    let (to, due_at) = match at {
        Some(at) => (JobState::Scheduled, at),
        None if job.state == JobState::Due => (JobState::Scheduled, now),
        None => (JobState::Due, now),
    };
    let patch = JobPatch {
        due_at: Some(Some(due_at)),
        attempt: fresh.then_some(0),
        retry_delay_ms: fresh.then_some(0),
        next_attempt_at: fresh.then_some(None),
        error: fresh.then_some(None),
        ..Default::default()
    };
    store.all_or_nothing(|store| {
        let pin_id = if own_copy {
            store.insert_pin(&content, now)?
        } else {
            store.update_pin(job.pin_id, &content, now)?;
            job.pin_id
        };
        store.retarget_job(id, pin_id, &edit.board_id, edit.section_id.as_deref(), now)?;
        let detail = serde_json::json!({
            "pin_id": pin_id,
            "own_copy": own_copy,
            "board_id": edit.board_id,
            "section_id": edit.section_id,
        });
        store.transition(id, to, EDIT_REASON, Some(&detail), &patch, now)
    })
}

#[cfg(test)]
mod tests;
