//! What an import tells its user: per row, a status and the issues found (row number, column as
//! written in the file, a stable code, a human sentence), plus counts over the whole file. These
//! types cross to the UI (ts-rs), so codes are snake_case and never renamed.
//!
//! The report is bounded: a 100,000-row file must not hold 100,000 row reports in memory, so it
//! lists every row that needs attention (invalid, already imported, warned) up to
//! `MAX_LISTED_ROWS`, the first `PREVIEW_ROWS` valid rows as a preview, and counts the rest.

use crate::AccountId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Rows listed with their issues before the report only counts them.
pub const MAX_LISTED_ROWS: usize = 1000;
/// Valid rows shown as a preview of what would be created.
pub const PREVIEW_ROWS: usize = 100;

/// The file formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportFormat {
    /// Decide from the file: JSON if it starts with `[`, Pinterest's CSV if its header names a
    /// Pinterest column (`Pinterest board`, `Media URL`, ...), PinPace's CSV otherwise.
    #[default]
    Auto,
    PinterestCsv,
    PinpaceCsv,
    Json,
}

/// Stable codes of what can be wrong with a row or with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowErrorCode {
    /// A required value is empty.
    MissingField,
    /// A required column is absent from the header.
    MissingColumn,
    /// A column PinPace does not know (a typo would otherwise lose data silently).
    UnknownColumn,
    /// Two columns mean the same field.
    DuplicateColumn,
    /// Longer than Pinterest allows.
    TooLong,
    /// Not an http(s) URL.
    InvalidUrl,
    /// A publish date that is not a date-time PinPace reads.
    UnparseableDate,
    /// A publish date in the past.
    DateInPast,
    /// A publish date more than five years ahead.
    DateTooFar,
    /// Not an IANA time zone.
    UnknownTimeZone,
    /// No account with that id or name.
    UnknownAccount,
    /// Several accounts have that name.
    AmbiguousAccount,
    /// No cached board of the account has that name or id.
    UnknownBoard,
    /// Several cached boards of the account have that name.
    AmbiguousBoard,
    /// The board has no section with that name or id.
    UnknownSection,
    /// The board has several sections with that name.
    AmbiguousSection,
    /// A local image that cannot be read, or is not a PNG or JPEG.
    UnreadableMedia,
    /// A local image outside the file's folder that the user has not allowed (an error), or
    /// has (a warning).
    MediaOutsideFolder,
    /// Not a whole number in range.
    BadNumber,
    /// The same pin appears earlier in the same file.
    DuplicateInFile,
    /// A cell that is not UTF-8 text.
    InvalidUtf8,
    /// More cells than the header has columns.
    WrongCellCount,
    /// The file's structure cannot be read (broken JSON, a CSV the reader refuses).
    Malformed,
    /// Refused by the compose checks for another reason (see the message).
    Rejected,
    /// A value PinPace does not use (Pinterest's Keywords, a video Thumbnail): a warning.
    IgnoredValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    /// The row cannot be imported.
    Error,
    /// The row can be imported; something in it is ignored.
    Warning,
}

/// One problem: where (row 1 is the header of a CSV; row 0 means the file as a whole; in JSON,
/// row n is the n-th pin), which column (as written in the file), what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RowIssue {
    #[ts(type = "number")]
    pub row: u64,
    pub column: Option<String>,
    pub code: RowErrorCode,
    pub severity: Severity,
    pub message: String,
}

impl RowIssue {
    pub fn error(row: u64, column: Option<&str>, code: RowErrorCode, message: String) -> Self {
        RowIssue {
            row,
            column: column.map(str::to_string),
            code,
            severity: Severity::Error,
            message,
        }
    }

    pub fn warning(row: u64, column: Option<&str>, code: RowErrorCode, message: String) -> Self {
        RowIssue {
            severity: Severity::Warning,
            ..RowIssue::error(row, column, code, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowStatus {
    /// Valid and new: created by a commit (or would be, in a preview).
    Ok,
    /// The same row was imported before; nothing is created for it.
    AlreadyImported,
    /// At least one error; nothing is created for it.
    Invalid,
}

/// A board a pin goes to, as resolved from the file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BoardPreview {
    pub board_id: String,
    pub board_name: Option<String>,
    pub section_id: Option<String>,
    pub section_name: Option<String>,
}

/// What a valid row creates: one pin, one job per board.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PinPreview {
    #[ts(type = "number")]
    pub account_id: AccountId,
    pub title: Option<String>,
    pub media: String,
    pub boards: Vec<BoardPreview>,
    /// UTC, RFC 3339; `None` publishes as soon as the account's pacing allows.
    pub publish_at: Option<String>,
    pub time_zone: Option<String>,
    #[ts(type = "number")]
    pub interval_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct RowReport {
    #[ts(type = "number")]
    pub row: u64,
    pub status: RowStatus,
    pub pin: Option<PinPreview>,
    pub issues: Vec<RowIssue>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportCounts {
    /// Data rows read (blank rows are skipped and not counted).
    #[ts(type = "number")]
    pub rows: u64,
    /// Valid and new.
    #[ts(type = "number")]
    pub valid: u64,
    #[ts(type = "number")]
    pub invalid: u64,
    #[ts(type = "number")]
    pub already_imported: u64,
    /// Rows with at least one warning (counted in `valid` or `invalid` too).
    #[ts(type = "number")]
    pub warned: u64,
    /// What the commit wrote; 0 in a preview and when the import was refused.
    #[ts(type = "number")]
    pub pins_created: u64,
    #[ts(type = "number")]
    pub jobs_created: u64,
}

/// The outcome of a preview or a commit.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    /// The format read (never `auto`).
    pub format: ImportFormat,
    /// True when the rows counted in `pins_created` are stored. A preview is never committed.
    pub committed: bool,
    pub counts: ImportCounts,
    /// Problems with the file as a whole (its header, its structure); any error here blocks
    /// the whole import.
    pub file_issues: Vec<RowIssue>,
    /// Rows needing attention (up to 1,000) and a preview of the first valid rows (up to 100),
    /// in file order.
    pub rows: Vec<RowReport>,
    /// Rows counted but not listed, to keep the report small.
    #[ts(type = "number")]
    pub rows_not_listed: u64,
    /// Local images the file names outside its folder (canonical paths, the first 100
    /// distinct): shown to the user, who may allow them (`ImportOptions`).
    pub outside_media: Vec<String>,
    /// How many distinct such images the file names (listed or not).
    #[ts(type = "number")]
    pub outside_media_count: u64,
}

impl ImportReport {
    pub fn new(format: ImportFormat) -> Self {
        ImportReport {
            format,
            committed: false,
            counts: ImportCounts::default(),
            file_issues: Vec::new(),
            rows: Vec::new(),
            rows_not_listed: 0,
            outside_media: Vec::new(),
            outside_media_count: 0,
        }
    }

    /// Whether anything stops an all-or-nothing import.
    pub fn has_errors(&self) -> bool {
        self.counts.invalid > 0 || self.file_issues.iter().any(RowIssue::is_error)
    }

    /// Counts a row and lists it if there is room.
    pub(crate) fn push(&mut self, row: RowReport, listed_ok: &mut usize, listed_other: &mut usize) {
        let c = &mut self.counts;
        c.rows += 1;
        match row.status {
            RowStatus::Ok => c.valid += 1,
            RowStatus::AlreadyImported => c.already_imported += 1,
            RowStatus::Invalid => c.invalid += 1,
        }
        let warned = row.issues.iter().any(|i| !i.is_error());
        if warned {
            c.warned += 1;
        }
        let room = if row.status == RowStatus::Ok && !warned {
            listed_ok
        } else {
            listed_other
        };
        let limit = if row.status == RowStatus::Ok && !warned {
            PREVIEW_ROWS
        } else {
            MAX_LISTED_ROWS
        };
        if *room < limit {
            *room += 1;
            self.rows.push(row);
        } else {
            self.rows_not_listed += 1;
        }
    }
}

/// Which pass over the file an import is in: a commit checks every row before it writes any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportPhase {
    Checking,
    Writing,
}

/// Where an import is, sent every 1,000 rows and once at the end.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub valid: u64,
    #[ts(type = "number")]
    pub invalid: u64,
    #[ts(type = "number")]
    pub already_imported: u64,
    #[ts(type = "number")]
    pub bytes_read: u64,
    /// The file's size, when known.
    #[ts(type = "number | null")]
    pub total_bytes: Option<u64>,
    pub done: bool,
}
