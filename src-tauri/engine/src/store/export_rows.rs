//! The rows behind the CSV exports (`crate::export`): one job per row with its pin's content, its
//! account's, board's and section's cached names and its stored image's type, streamed from one
//! query so a large queue is never held in memory. Columns are read by name into `ExportRow`;
//! times stay as the database wrote them (UTC, RFC 3339), so the export prints what is stored.

use crate::{AccountId, JobId};
use rusqlite::Row;

use super::job_state::JobState;
use super::{open::classify, Store};
use crate::error::EngineError;
use crate::pin_text::PinText;

/// One exported job. Text columns are `None` where the database holds NULL.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub job_id: JobId,
    pub state: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub board_id: Option<String>,
    pub board_name: Option<String>,
    pub section_id: Option<String>,
    pub section_name: Option<String>,
    pub text: PinText,
    pub media_url: Option<String>,
    pub media_sha256: Option<String>,
    pub media_content_type: Option<String>,
    pub due_at: Option<String>,
    pub schedule_tz: Option<String>,
    pub updated_at: Option<String>,
    pub pinterest_pin_id: Option<String>,
    pub pinterest_url: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

fn query(states: &str) -> String {
    format!(
        "SELECT j.id AS job_id, j.state, j.account_id, a.name AS account_name, j.board_id, \
         b.name AS board_name, j.section_id, s.name AS section_name, p.title, p.description, \
         p.link, p.alt_text, p.media_url, p.media_sha256, m.content_type AS media_content_type, \
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

fn read(r: &Row<'_>) -> rusqlite::Result<ExportRow> {
    Ok(ExportRow {
        job_id: r.get("job_id")?,
        state: r.get("state")?,
        account_id: r.get("account_id")?,
        account_name: r.get("account_name")?,
        board_id: r.get("board_id")?,
        board_name: r.get("board_name")?,
        section_id: r.get("section_id")?,
        section_name: r.get("section_name")?,
        text: PinText::from_row(r)?,
        media_url: r.get("media_url")?,
        media_sha256: r.get("media_sha256")?,
        media_content_type: r.get("media_content_type")?,
        due_at: r.get("due_at")?,
        schedule_tz: r.get("schedule_tz")?,
        updated_at: r.get("updated_at")?,
        pinterest_pin_id: r.get("pinterest_pin_id")?,
        pinterest_url: r.get("pinterest_url")?,
        error_code: r.get("error_code")?,
        error_message: r.get("error_message")?,
    })
}

impl Store {
    /// Hands each job in one of `states` to `each`, by due time then id, and returns how many it
    /// handed over. The first error (the store's or `each`'s) stops the walk and is returned.
    pub fn for_each_export_row(
        &self,
        states: &[JobState],
        mut each: impl FnMut(ExportRow) -> Result<(), EngineError>,
    ) -> Result<u64, EngineError> {
        let mut stmt = self
            .conn
            .prepare(&query(&JobState::sql_list(states)))
            .map_err(classify)?;
        let rows = stmt.query_map([], read).map_err(classify)?;
        let mut count = 0;
        for row in rows {
            each(row.map_err(classify)?)?;
            count += 1;
        }
        Ok(count)
    }
}
