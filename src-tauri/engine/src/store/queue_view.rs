//! One read for the queue and calendar screens: jobs joined with their pin's content (text, link,
//! alt text, image: all the edit form needs), their account's name and their board's cached name,
//! filtered by account, board, state, words and time, ordered by time. A board missing from the
//! cache shows its id (it may have been deleted on Pinterest). It lives in the store because it is
//! SQL (issue 15: SQL only under `store/`); `queue` re-exports it for the screens.

use crate::{AccountId, JobId, PinId};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Row;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::job_error::JobErrorCode;
use super::job_state::JobState;
use super::time::to_db;
use super::{open::classify, Store};
use crate::error::EngineError;
use crate::pin_text::PinText;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct QueueFilter {
    #[serde(default)]
    #[ts(type = "number | null")]
    pub account_id: Option<AccountId>,
    #[serde(default)]
    pub board_id: Option<String>,
    /// Empty: every state.
    #[serde(default)]
    pub states: Vec<JobState>,
    /// Words to find in the title or description (case-insensitive); empty or absent: all.
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
    /// Only jobs due at or after this time (RFC 3339, any offset), and drafts without a time.
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<DateTime<Utc>>,
    /// Only jobs due before this time (RFC 3339, any offset).
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<DateTime<Utc>>,
    /// At most this many rows (default 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct QueueItem {
    #[ts(type = "number")]
    pub job_id: JobId,
    #[ts(type = "number")]
    pub pin_id: PinId,
    pub state: JobState,
    /// The pin's title, description, link and alt text, at the top level of the JSON.
    #[serde(flatten)]
    #[ts(flatten)]
    pub text: PinText,
    pub media_url: Option<String>,
    /// A local image stored by PinPace (its SHA-256), shown through the shell's media protocol.
    pub media_sha256: Option<String>,
    #[ts(type = "number | null")]
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub board_id: Option<String>,
    pub board_name: Option<String>,
    pub section_id: Option<String>,
    /// UTC, RFC 3339.
    pub due_at: Option<String>,
    #[ts(type = "number")]
    pub attempt: i64,
    pub pinterest_url: Option<String>,
    pub error_code: Option<JobErrorCode>,
    pub error_message: Option<String>,
}

const DEFAULT_LIMIT: u32 = 500;

impl Store {
    /// The jobs that match `filter`, soonest first, drafts without a time last.
    pub fn queue_items(&self, filter: &QueueFilter) -> Result<Vec<QueueItem>, EngineError> {
        let mut sql = String::from(
            "SELECT j.id AS job_id, j.pin_id, j.state, p.title, p.description, p.media_url, \
             j.account_id, a.name AS account_name, j.board_id, b.name AS board_name, j.due_at, \
             j.attempt, j.pinterest_url, j.error_code, j.error_message, p.link, p.alt_text, \
             j.section_id, p.media_sha256 \
             FROM jobs j JOIN pins p ON p.id = j.pin_id \
             LEFT JOIN accounts a ON a.id = j.account_id \
             LEFT JOIN boards b ON b.account_id = j.account_id AND b.board_id = j.board_id \
             WHERE 1 = 1",
        );
        let mut args: Vec<Value> = Vec::new();
        if let Some(a) = filter.account_id {
            args.push(Value::Integer(a.0));
            sql.push_str(&format!(" AND j.account_id = ?{}", args.len()));
        }
        if let Some(b) = &filter.board_id {
            args.push(Value::Text(b.clone()));
            sql.push_str(&format!(" AND j.board_id = ?{}", args.len()));
        }
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            // LIKE with its wildcards escaped: "50%" finds "50%", not everything.
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            args.push(Value::Text(format!("%{escaped}%")));
            let n = args.len();
            sql.push_str(&format!(
                " AND (p.title LIKE ?{n} ESCAPE '\\' OR p.description LIKE ?{n} ESCAPE '\\')"
            ));
        }
        if let Some(from) = &filter.from {
            args.push(Value::Text(to_db(*from)));
            let n = args.len();
            // Undated drafts stay: `from` is "nothing older than", not "only dated jobs".
            sql.push_str(&format!(" AND (j.due_at IS NULL OR j.due_at >= ?{n})"));
        }
        if let Some(to) = &filter.to {
            args.push(Value::Text(to_db(*to)));
            sql.push_str(&format!(" AND j.due_at < ?{}", args.len()));
        }
        if !filter.states.is_empty() {
            let mut marks = Vec::new();
            for s in &filter.states {
                args.push(Value::Text(s.as_str().to_string()));
                marks.push(format!("?{}", args.len()));
            }
            sql.push_str(&format!(" AND j.state IN ({})", marks.join(",")));
        }
        args.push(Value::Integer(
            filter.limit.unwrap_or(DEFAULT_LIMIT).min(10_000) as i64,
        ));
        sql.push_str(&format!(
            " ORDER BY j.due_at IS NULL, j.due_at, j.id LIMIT ?{}",
            args.len()
        ));
        let mut stmt = self.conn.prepare_cached(&sql).map_err(classify)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), item)
            .map_err(classify)?;
        rows.map(|r| {
            let (state, mut item) = r.map_err(classify)?;
            item.state = JobState::from_stored(&state, item.job_id)?;
            Ok(item)
        })
        .collect()
    }
}

/// A row with its stored state's name, which the caller checks (see `JobState::from_stored`).
fn item(r: &Row<'_>) -> rusqlite::Result<(String, QueueItem)> {
    let state: String = r.get("state")?;
    let item = QueueItem {
        job_id: r.get("job_id")?,
        pin_id: r.get("pin_id")?,
        // Placeholder, replaced by the checked stored state.
        state: JobState::Draft,
        text: PinText::from_row(r)?,
        media_url: r.get("media_url")?,
        account_id: r.get("account_id")?,
        account_name: r.get("account_name")?,
        board_id: r.get("board_id")?,
        board_name: r.get("board_name")?,
        section_id: r.get("section_id")?,
        due_at: r.get("due_at")?,
        attempt: r.get("attempt")?,
        pinterest_url: r.get("pinterest_url")?,
        error_code: r.get("error_code")?,
        error_message: r.get("error_message")?,
        media_sha256: r.get("media_sha256")?,
    };
    Ok((state, item))
}
