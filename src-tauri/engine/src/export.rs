//! Export to CSV: the queue (what is still to be published) and the history (what was published,
//! with its Pinterest URL, and what failed, with its reason). One row per job, streamed from one
//! query (`store::export_rows`) straight into the csv writer, so a large queue is never held in memory.
//!
//! The queue export is PinPace's own import CSV (`account`, `board`, `section` as ids, `media`,
//! `publish_at` with its offset, ...) plus informational columns the importer knows and skips
//! (`job_id`, `state`, names): it can be edited in a spreadsheet and imported into another
//! PinPace. Imported into the same database it creates new pins, except for rows that an import
//! created unchanged (their fingerprint is known).
//!
//! A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, ...) is written with a
//! leading apostrophe, which the importer takes off again (`crate::spreadsheet_cells`).

use crate::AccountId;
use std::io::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::types::ImageContentType;
use crate::spreadsheet_cells::neutralise;
use crate::store::export_rows::ExportRow;
use crate::store::job_state::JobState;
use crate::store::media::{check_stored_sha256, stored_path};
use crate::store::time::from_db;
use crate::store::Store;

/// How many rows an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExportSummary {
    #[ts(type = "number")]
    pub rows: u64,
}

const QUEUE_HEADER: &[&str] = &[
    "job_id",
    "state",
    "account",
    "account_name",
    "board",
    "board_name",
    "section",
    "section_name",
    "title",
    "description",
    "link",
    "alt_text",
    "media",
    "publish_at",
    "time_zone",
];

const HISTORY_HEADER: &[&str] = &[
    "job_id",
    "state",
    "account",
    "account_name",
    "board",
    "board_name",
    "section",
    "title",
    "link",
    "media",
    "due_at",
    "updated_at",
    "pinterest_pin_id",
    "pinterest_url",
    "error_code",
    "error_message",
];

fn write_failed(e: impl std::fmt::Display) -> EngineError {
    EngineError::new(ErrorCode::Storage, format!("cannot write the export: {e}"))
}

fn text(cell: &Option<String>) -> String {
    cell.clone().unwrap_or_default()
}

fn number(cell: Option<AccountId>) -> String {
    cell.map(|n| n.to_string()).unwrap_or_default()
}

/// The image: its URL, or the stored copy's path.
/// A stored hash that is not a SHA-256 is `database_corrupt` (see `stored_path`), with or
/// without a media directory: the export stops rather than write a path outside it.
fn media(row: &ExportRow, media_dir: Option<&std::path::Path>) -> Result<String, EngineError> {
    if let Some(url) = &row.media_url {
        return Ok(url.clone());
    }
    Ok(match (&row.media_sha256, media_dir) {
        (Some(sha), Some(dir)) => {
            let ct = if row.media_content_type.as_deref() == Some("image/png") {
                ImageContentType::Png
            } else {
                ImageContentType::Jpeg
            };
            stored_path(dir, sha, ct)?.display().to_string()
        }
        (Some(sha), None) => {
            check_stored_sha256(sha)?;
            sha.clone()
        }
        _ => String::new(),
    })
}

/// The due time with the offset of the zone it was scheduled in (UTC otherwise).
fn publish_at(row: &ExportRow) -> Result<String, EngineError> {
    let Some(due) = &row.due_at else {
        return Ok(String::new());
    };
    let due: DateTime<Utc> = from_db(due)?;
    Ok(
        match row.schedule_tz.as_deref().unwrap_or("").parse::<Tz>() {
            Ok(zone) => due.with_timezone(&zone).to_rfc3339(),
            Err(_) => due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
    )
}

fn export(
    store: &Store,
    out: impl Write,
    states: &[JobState],
    header: &[&str],
    mut line: impl FnMut(&ExportRow) -> Result<Vec<String>, EngineError>,
) -> Result<ExportSummary, EngineError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header).map_err(write_failed)?;
    let rows = store.for_each_export_row(states, |row| {
        let cells = line(&row)?;
        writer
            .write_record(cells.iter().map(|c| neutralise(c).into_owned()))
            .map_err(write_failed)
    })?;
    writer.flush().map_err(write_failed)?;
    Ok(ExportSummary { rows })
}

/// Writes the jobs still to be published (scheduled, due, in flight, waiting to retry, waiting
/// for a reconnect, missed), soonest first, as PinPace's import CSV.
pub fn queue_csv(store: &Store, out: impl Write) -> Result<ExportSummary, EngineError> {
    let media_dir = store.media_dir().ok();
    export(store, out, &JobState::OPEN, QUEUE_HEADER, |r| {
        Ok(vec![
            r.job_id.to_string(),
            r.state.clone(),
            number(r.account_id),
            text(&r.account_name),
            text(&r.board_id),
            text(&r.board_name),
            text(&r.section_id),
            text(&r.section_name),
            text(&r.text.title),
            text(&r.text.description),
            text(&r.text.link),
            text(&r.text.alt_text),
            media(r, media_dir.as_deref())?,
            publish_at(r)?,
            text(&r.schedule_tz),
        ])
    })
}

/// The public address of a published pin.
pub fn pin_url(pin_id: &str) -> String {
    format!("https://www.pinterest.com/pin/{pin_id}/")
}

/// Writes the finished jobs: published (with the pin's Pinterest URL), failed (with the reason's
/// code and sentence) and cancelled, by due time.
pub fn history_csv(store: &Store, out: impl Write) -> Result<ExportSummary, EngineError> {
    let media_dir = store.media_dir().ok();
    export(store, out, &JobState::HISTORY, HISTORY_HEADER, |r| {
        let url = match &r.pinterest_pin_id {
            Some(id) => pin_url(id),
            None => text(&r.pinterest_url),
        };
        Ok(vec![
            r.job_id.to_string(),
            r.state.clone(),
            number(r.account_id),
            text(&r.account_name),
            text(&r.board_id),
            text(&r.board_name),
            text(&r.section_id),
            text(&r.text.title),
            text(&r.text.link),
            media(r, media_dir.as_deref())?,
            text(&r.due_at),
            text(&r.updated_at),
            text(&r.pinterest_pin_id),
            url,
            text(&r.error_code),
            text(&r.error_message),
        ])
    })
}
