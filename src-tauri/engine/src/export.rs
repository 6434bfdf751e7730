//! Export to CSV: the queue (what is still to be published) and the history (what was published,
//! with its Pinterest URL, and what failed, with its reason). One row per job, streamed from one
//! query straight into the csv writer, so a large queue is never held in memory.
//!
//! The queue export is PinPace's own import CSV (`account`, `board`, `section` as ids, `media`,
//! `publish_at` with its offset, ...) plus informational columns the importer knows and skips
//! (`job_id`, `state`, names): it can be edited in a spreadsheet and imported into another
//! PinPace. Imported into the same database it creates new pins, except for rows that an import
//! created unchanged (their fingerprint is known).

use std::io::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Row;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::types::ImageContentType;
use crate::store::job_state::JobState;
use crate::store::media::stored_path;
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

fn query(states: &str) -> String {
    format!(
        "SELECT j.id, j.state, j.account_id, a.name, j.board_id, b.name, j.section_id, s.name, \
         p.title, p.description, p.link, p.alt_text, p.media_url, p.media_sha256, m.content_type, \
         j.due_at, j.schedule_tz, j.updated_at, j.pinterest_pin_id, j.pinterest_url, \
         j.error_code, j.error_message \
         FROM jobs j JOIN pins p ON p.id = j.pin_id \
         LEFT JOIN accounts a ON a.id = j.account_id \
         LEFT JOIN boards b ON b.account_id = j.account_id AND b.board_id = j.board_id \
         LEFT JOIN board_sections s ON s.account_id = j.account_id AND s.board_id = j.board_id \
           AND s.section_id = j.section_id \
         LEFT JOIN media m ON m.sha256 = p.media_sha256 \
         WHERE j.state IN {states} ORDER BY j.due_at, j.id"
    )
}

fn storage(e: rusqlite::Error) -> EngineError {
    EngineError::new(ErrorCode::Storage, format!("database error: {e}"))
}

fn write_failed(e: impl std::fmt::Display) -> EngineError {
    EngineError::new(ErrorCode::Storage, format!("cannot write the export: {e}"))
}

/// One exported job, read from the query above.
struct Line {
    cells: Vec<Option<String>>,
}

impl Line {
    fn read(row: &Row<'_>) -> rusqlite::Result<Line> {
        let mut cells = Vec::with_capacity(22);
        for i in 0..22 {
            cells.push(match row.get_ref(i)? {
                rusqlite::types::ValueRef::Null => None,
                rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
                other => Some(String::from_utf8_lossy(other.as_bytes()?).into_owned()),
            });
        }
        Ok(Line { cells })
    }

    fn get(&self, i: usize) -> &str {
        self.cells[i].as_deref().unwrap_or("")
    }

    /// The image: its URL, or the stored copy's path.
    fn media(&self, media_dir: Option<&std::path::Path>) -> String {
        if let Some(url) = &self.cells[12] {
            return url.clone();
        }
        match (&self.cells[13], media_dir) {
            (Some(sha), Some(dir)) if sha.len() > 2 => {
                let ct = if self.get(14) == "image/png" {
                    ImageContentType::Png
                } else {
                    ImageContentType::Jpeg
                };
                stored_path(dir, sha, ct).display().to_string()
            }
            (Some(sha), _) => sha.clone(),
            _ => String::new(),
        }
    }

    /// The due time with the offset of the zone it was scheduled in (UTC otherwise).
    fn publish_at(&self) -> Result<String, EngineError> {
        let Some(due) = &self.cells[15] else {
            return Ok(String::new());
        };
        let due: DateTime<Utc> = from_db(due)?;
        Ok(match self.get(16).parse::<Tz>() {
            Ok(zone) => due.with_timezone(&zone).to_rfc3339(),
            Err(_) => due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
    }
}

fn export(
    store: &Store,
    out: impl Write,
    states: &[JobState],
    header: &[&str],
    mut line: impl FnMut(&Line) -> Result<Vec<String>, EngineError>,
) -> Result<ExportSummary, EngineError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header).map_err(write_failed)?;
    let mut stmt = store
        .conn()
        .prepare(&query(&JobState::sql_list(states)))
        .map_err(storage)?;
    let rows = stmt.query_map([], Line::read).map_err(storage)?;
    let mut count = 0;
    for row in rows {
        let record = line(&row.map_err(storage)?)?;
        writer.write_record(&record).map_err(write_failed)?;
        count += 1;
    }
    writer.flush().map_err(write_failed)?;
    Ok(ExportSummary { rows: count })
}

/// Writes the jobs still to be published (scheduled, due, in flight, waiting to retry, waiting
/// for a reconnect, missed), soonest first, as PinPace's import CSV.
pub fn queue_csv(store: &Store, out: impl Write) -> Result<ExportSummary, EngineError> {
    let media_dir = store.media_dir().ok();
    export(store, out, &JobState::OPEN, QUEUE_HEADER, |l| {
        let mut cells: Vec<String> = (0..12).map(|i| l.get(i).to_string()).collect();
        cells.push(l.media(media_dir.as_deref()));
        cells.push(l.publish_at()?);
        cells.push(l.get(16).to_string());
        Ok(cells)
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
    export(store, out, &JobState::HISTORY, HISTORY_HEADER, |l| {
        let url = match &l.cells[18] {
            Some(id) => pin_url(id),
            None => l.get(19).to_string(),
        };
        Ok(vec![
            l.get(0).into(),
            l.get(1).into(),
            l.get(2).into(),
            l.get(3).into(),
            l.get(4).into(),
            l.get(5).into(),
            l.get(6).into(),
            l.get(8).into(),
            l.get(10).into(),
            l.media(media_dir.as_deref()),
            l.get(15).into(),
            l.get(17).into(),
            l.get(18).into(),
            url,
            l.get(20).into(),
            l.get(21).into(),
        ])
    })
}
