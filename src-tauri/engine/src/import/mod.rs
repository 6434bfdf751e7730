//! Bulk import: Pinterest's bulk-create CSV, PinPace's own CSV, and JSON, read row by row.
//!
//! Shaped as one pipeline (`pipeline`) over small parts: readers that turn records into text
//! cells keyed by field (`csv_rows`, `json_rows`, with column names in `fields`), a row check that
//! collects every issue with a stable code (`validate`, names resolved by `lookup`), a content
//! fingerprint that makes re-imports idempotent (`fingerprint`), and a bounded report (`report`).
//! `preview` and `commit` run the same pass, so what a preview promises is what a commit does;
//! the commit writes through `compose::write_validated` in one transaction. Memory holds the rows
//! in flight (one) and the bounded report, never the file.
//!
//! Used by the desktop (through Tauri commands), the CLI (`pinpace-cli import`) and tests alike.

mod chunks;
mod csv_rows;
mod fields;
mod fingerprint;
mod json_rows;
mod lookup;
mod media_scope;
mod pipeline;
pub mod report;
mod validate;

use crate::AccountId;
use parking_lot::Mutex;
use std::cell::RefCell;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use media_scope::LISTED as OUTSIDE_MEDIA_LISTED;
pub use report::{
    BoardPreview, ImportCounts, ImportFormat, ImportPhase, ImportProgress, ImportReport,
    PinPreview, RowErrorCode, RowIssue, RowReport, RowStatus, Severity,
};

use crate::error::EngineError;
use crate::store::Store;

/// Where the rows come from.
#[derive(Debug, Clone)]
pub enum ImportInput {
    /// A file; relative media paths in it are read from its directory.
    Path(PathBuf),
    /// The file's bytes (a drag-and-drop, a paste, a test).
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct ImportSource {
    pub input: ImportInput,
    pub format: ImportFormat,
    /// Where relative media paths are read from, and the folder images may be in without the
    /// user allowing them (default: the file's directory; bytes have none, and relative paths
    /// in them are read from the working directory).
    pub base_dir: Option<PathBuf>,
}

impl ImportSource {
    pub fn path(path: impl Into<PathBuf>, format: ImportFormat) -> Self {
        ImportSource {
            input: ImportInput::Path(path.into()),
            format,
            base_dir: None,
        }
    }

    pub fn bytes(bytes: impl Into<Vec<u8>>, format: ImportFormat) -> Self {
        ImportSource {
            input: ImportInput::Bytes(bytes.into()),
            format,
            base_dir: None,
        }
    }
}

/// What a file may leave out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportOptions {
    /// The account of rows without an `account` column (Pinterest's CSV has none).
    #[ts(type = "number | null")]
    pub default_account_id: Option<AccountId>,
    /// The IANA time zone of publish dates written without an offset, when the row has no
    /// `time_zone`. Without either, such dates are read as UTC.
    pub default_time_zone: Option<String>,
    /// Local images outside the file's folder that the user allowed, by their canonical path as
    /// a preview's `outside_media` lists them. Any other image outside makes its row an error.
    #[serde(default)]
    pub allowed_outside_media: Vec<String>,
    /// Allow every local image, wherever it is (`pinpace-cli import --allow-media-outside`).
    #[serde(default)]
    pub allow_any_outside_media: bool,
}

/// What a commit does with a file that has invalid rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportMode {
    /// Import every valid row; invalid rows are reported and skipped.
    #[default]
    AllValidRows,
    /// Import nothing unless every row is valid (already imported rows are fine).
    AllOrNothing,
}

/// A parsed record with the issues its reader found (bad UTF-8, extra cells, unknown keys).
pub(crate) struct Parsed {
    pub raw: fields::RawRow,
    pub issues: Vec<RowIssue>,
}

/// Reads and checks every row, and says what a commit would do. Writes nothing.
pub fn preview(
    store: &mut Store,
    source: &ImportSource,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let action = pipeline::Action::Preview;
    pipeline::run(&RefCell::new(store), source, options, action, now, progress)
}

/// `preview` on a store others use too (a running engine's): it is locked a chunk at a time.
pub fn preview_shared(
    store: &Mutex<Store>,
    source: &ImportSource,
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let action = pipeline::Action::Preview;
    pipeline::run(store, source, options, action, now, progress)
}

/// Checks every row, then writes the valid rows (or nothing, see `mode`), a chunk at a time
/// (see `pipeline`). Rows already imported are counted and skipped. An `Err` is a failure to
/// read the file or of the database; bad rows are in the report.
pub fn commit(
    store: &mut Store,
    source: &ImportSource,
    options: &ImportOptions,
    mode: ImportMode,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let action = pipeline::Action::Commit(mode);
    pipeline::run(&RefCell::new(store), source, options, action, now, progress)
}

/// `commit` on a store others use too (a running engine's): it is locked a chunk at a time,
/// so the scheduler keeps its times while a big file is imported.
pub fn commit_shared(
    store: &Mutex<Store>,
    source: &ImportSource,
    options: &ImportOptions,
    mode: ImportMode,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let action = pipeline::Action::Commit(mode);
    pipeline::run(store, source, options, action, now, progress)
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
