//! Composing pins: the one entry point the desktop UI, the CLI and imports use to create a draft
//! or schedule a pin on one or several boards. Everything is validated before anything is written
//! (the pin's text by `PinText::check`, URL syntax, digit-only board ids, a known account, a time
//! that is not in the past, a readable PNG/JPEG), and the pin with all its jobs is written all or
//! nothing.

use crate::AccountId;
use crate::JobId;
use crate::PinId;
use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use crate::error::{EngineError, ErrorCode};
use crate::pin_text::{is_http_url, PinText};
use crate::scheduler::schedule_time;
use crate::store::job_state::JobState;
use crate::store::jobs::NewJob;
use crate::store::pins::PinContent;
use crate::store::Store;

/// A pin to create, as the UI, the CLI's JSON and imports describe it.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export, optional_fields)]
pub struct ComposeRequest {
    /// Title, description, link and alt text, at the top level of the JSON.
    #[serde(flatten)]
    #[ts(flatten)]
    pub text: PinText,
    /// A local PNG or JPEG, copied into the data directory.
    #[serde(default)]
    #[ts(as = "Option<String>")]
    pub image_path: Option<PathBuf>,
    /// Or an image Pinterest fetches itself.
    #[serde(default)]
    pub image_url: Option<String>,
    /// `None` saves a draft.
    #[serde(default)]
    #[ts(as = "Option<f64>")]
    pub account_id: Option<AccountId>,
    #[serde(default)]
    pub boards: Vec<BoardTarget>,
    /// UTC publish time; `None` with an account and boards means "now".
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    /// Or a local date-time (`2026-12-01T09:00`) in `time_zone` (IANA, e.g. `Europe/Paris`);
    /// stored as UTC, and kept as written so that the user sees what they chose.
    #[serde(default)]
    pub local_time: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Spacing between the boards of a multi-board pin, in seconds.
    #[serde(default)]
    #[ts(as = "Option<u32>")]
    pub interval_secs: u64,
    #[serde(default)]
    #[ts(as = "Option<bool>")]
    pub draft: bool,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct BoardTarget {
    pub board_id: String,
    #[serde(default)]
    pub section_id: Option<String>,
}

/// How far ahead a pin may be scheduled, and the longest spacing between boards.
pub const MAX_AHEAD: TimeDelta = TimeDelta::days(5 * 366);
pub const MAX_INTERVAL_SECS: u64 = 30 * 86_400;

/// How far in the past a publish time may be before it is refused (clock slop, typing time).
pub const PAST_TOLERANCE: TimeDelta = TimeDelta::minutes(1);

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> EngineError {
    EngineError::new(
        ErrorCode::InvalidInput,
        format!("{field}: {}", message.into()),
    )
}

pub fn check_http_url(field: &str, value: &str) -> Result<(), EngineError> {
    if is_http_url(value) {
        Ok(())
    } else {
        Err(invalid(field, format!("{value:?} is not an http(s) URL")))
    }
}

pub fn check_digits(field: &str, value: &str) -> Result<(), EngineError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            field,
            format!(
                "{value:?} is not a Pinterest id (digits only); pick the board by id, not by name"
            ),
        ));
    }
    Ok(())
}

/// The UTC publish time: `at`, or `local_time` read in `time_zone` (DST-correct), or none.
pub fn publish_time(req: &ComposeRequest) -> Result<Option<DateTime<Utc>>, EngineError> {
    match (&req.at, &req.local_time, &req.time_zone) {
        (Some(_), Some(_), _) => Err(invalid("at", "give a UTC time or a local time, not both")),
        (Some(at), None, _) => Ok(Some(*at)),
        (None, Some(local), Some(zone)) => {
            let zone =
                schedule_time::parse_zone(zone).map_err(|e| invalid("time_zone", e.message))?;
            let local =
                schedule_time::parse_local(local).map_err(|e| invalid("local_time", e.message))?;
            Ok(Some(schedule_time::to_utc(zone, local)))
        }
        (None, Some(_), None) => Err(invalid(
            "time_zone",
            "a local time needs its IANA time zone",
        )),
        (None, None, _) => Ok(None),
    }
}

/// Checks a request; writes nothing.
pub fn validate(
    store: &Store,
    req: &ComposeRequest,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    req.text.check()?;
    match (&req.image_path, &req.image_url) {
        (Some(_), Some(_)) => return Err(invalid("image", "give a file or a URL, not both")),
        (None, Some(url)) => check_http_url("image_url", url)?,
        (Some(path), None) if !path.is_file() => {
            return Err(invalid(
                "image_path",
                format!("{} cannot be read", path.display()),
            ))
        }
        (None, None) if !req.draft => {
            return Err(invalid("image", "a pin needs an image (a file or a URL)"))
        }
        _ => {}
    }
    // Drafts too: a multi-board draft with a time is spaced by it (see `create`).
    if req.interval_secs > MAX_INTERVAL_SECS {
        return Err(invalid(
            "interval_secs",
            format!("{} s is more than 30 days", req.interval_secs),
        ));
    }
    if req.draft {
        // A draft may already name its account and boards (scheduled later from the queue);
        // what it names must be valid, like any pin's.
        if let Some(account) = req.account_id {
            store
                .account(account)
                .map_err(|_| invalid("account_id", format!("there is no account {account}")))?;
        } else if !req.boards.is_empty() {
            return Err(invalid("boards", "boards belong to an account: choose one"));
        }
        for b in &req.boards {
            check_digits("board_id", &b.board_id)?;
            if let Some(s) = &b.section_id {
                check_digits("section_id", s)?;
            }
        }
        return Ok(());
    }
    let account = req
        .account_id
        .ok_or_else(|| invalid("account_id", "choose an account, or save a draft"))?;
    store
        .account(account)
        .map_err(|_| invalid("account_id", format!("there is no account {account}")))?;
    if req.boards.is_empty() {
        return Err(invalid("boards", "choose at least one board"));
    }
    for b in &req.boards {
        check_digits("board_id", &b.board_id)?;
        if let Some(s) = &b.section_id {
            check_digits("section_id", s)?;
        }
    }
    if let Some(at) = publish_time(req)? {
        check_publish_time(at, now)?;
    }
    Ok(())
}

/// A publish time neither in the past (beyond `PAST_TOLERANCE`) nor more than `MAX_AHEAD` away.
pub fn check_publish_time(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), EngineError> {
    if at > now + MAX_AHEAD {
        return Err(invalid("at", format!("{at} is more than five years ahead")));
    }
    if at < now - PAST_TOLERANCE {
        return Err(invalid("at", format!("{at} is in the past")));
    }
    Ok(())
}

/// Validates, then writes the pin and its jobs in one go. Returns the job ids.
pub fn compose(
    store: &mut Store,
    req: &ComposeRequest,
    now: DateTime<Utc>,
) -> Result<Vec<JobId>, EngineError> {
    validate(store, req, now)?;
    store
        .all_or_nothing(|store| write_validated(store, req, now))
        .map(|(_, jobs)| jobs)
}

/// Writes a request that `validate` accepted: the pin, then one job per board. It opens no
/// transaction of its own, so that a caller writing many pins (a bulk import) can put them all in
/// one; call it inside `Store::all_or_nothing` or another transaction. Returns (pin id, job ids).
pub fn write_validated(
    store: &mut Store,
    req: &ComposeRequest,
    now: DateTime<Utc>,
) -> Result<(PinId, Vec<JobId>), EngineError> {
    let media = match &req.image_path {
        Some(path) => Some(store.import_image(path, now)?.sha256),
        None => None,
    };
    let content = PinContent {
        text: req.text.clone(),
        media_sha256: media,
        media_url: req.image_url.clone(),
    };
    let pin_id = store.insert_pin(&content, now)?;
    if req.draft {
        let mut ids = Vec::new();
        let boards: Vec<Option<&BoardTarget>> = if req.boards.is_empty() {
            vec![None]
        } else {
            req.boards.iter().map(Some).collect()
        };
        for board in boards {
            let job = NewJob {
                pin_id,
                account_id: req.account_id,
                board_id: board.map(|b| b.board_id.clone()),
                section_id: board.and_then(|b| b.section_id.clone()),
                ..Default::default()
            };
            ids.push(store.create_job(&job, JobState::Draft, now)?);
        }
        return Ok((pin_id, ids));
    }
    let start = publish_time(req)?.unwrap_or(now);
    let spacing = TimeDelta::seconds(i64::try_from(req.interval_secs).unwrap_or(i64::MAX / 2));
    let mut ids = Vec::new();
    for (i, board) in req.boards.iter().enumerate() {
        // Checked: the number of boards is not bounded, and `start + spacing * i` past
        // chrono's last year would panic.
        let due = i32::try_from(i)
            .ok()
            .and_then(|i| spacing.checked_mul(i))
            .and_then(|d| start.checked_add_signed(d))
            .ok_or_else(|| {
                invalid(
                    "boards",
                    format!(
                        "{} boards spaced {} s apart run past any date",
                        req.boards.len(),
                        req.interval_secs
                    ),
                )
            })?;
        let job = NewJob {
            pin_id,
            account_id: req.account_id,
            board_id: Some(board.board_id.clone()),
            section_id: board.section_id.clone(),
            due_at: Some(due),
            schedule_tz: req.time_zone.clone(),
            schedule_local: req.local_time.clone(),
        };
        ids.push(store.create_job(&job, JobState::Scheduled, now)?);
    }
    Ok((pin_id, ids))
}

#[cfg(test)]
mod tests;
