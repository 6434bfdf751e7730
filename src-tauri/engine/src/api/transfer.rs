//! Import and export for a front that names files by path (the window, the CLI): preview a file
//! (every row checked, nothing written), commit it (all valid rows or nothing, in one
//! transaction) with progress, and export the queue or the history to a CSV file. The work is
//! in `import` and `export`; this checks the paths, adds the engine's clock and tells a running
//! scheduler about new pins.
//!
//! An export is written to a temporary file beside the target and renamed over it when it is
//! complete, so a failed export never leaves half a file. It is refused inside the data
//! directory and onto the secrets file (a typo must not replace the database or the tokens),
//! and it replaces an existing file only when the caller says so (`replace`, after asking the
//! user): otherwise the answer is `file_exists` and nothing is written. Without `replace` the
//! rename itself refuses to overwrite (a file created meanwhile is not replaced either).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use ts_rs::TS;

use super::Workspace;
use crate::error::{EngineError, ErrorCode};
use crate::export::{history_csv, queue_csv, ExportSummary};
use crate::import::{
    self, ImportFormat, ImportMode, ImportOptions, ImportProgress, ImportReport, ImportSource,
};
use crate::secrets::SecretsBackend;
use crate::store::settings::keys;

fn invalid(message: impl Into<String>) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, message)
}

fn absolute(path: &str, hint: &str) -> Result<PathBuf, EngineError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(invalid(format!("give the file as a full path{hint}")));
    }
    Ok(path)
}

fn source(path: &str, format: ImportFormat) -> Result<ImportSource, EngineError> {
    let path = absolute(path, " (or pick it with Browse…)")?;
    Ok(ImportSource::path(path, format))
}

/// Reads and checks every row of the file, and says what a commit would do. Writes nothing.
pub fn import_preview(
    ws: &impl Workspace,
    path: &str,
    format: ImportFormat,
    options: &ImportOptions,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let src = source(path, format)?;
    let now = ws.now();
    import::preview_shared(&ws.shared_store(), &src, options, now, progress)
}

/// Writes the file's valid rows (or nothing, see `mode`) in one transaction.
pub fn import_commit(
    ws: &impl Workspace,
    path: &str,
    format: ImportFormat,
    options: &ImportOptions,
    mode: ImportMode,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, EngineError> {
    let src = source(path, format)?;
    let now = ws.now();
    let report = import::commit_shared(&ws.shared_store(), &src, options, mode, now, progress)?;
    ws.queue_changed();
    Ok(report)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportKind {
    /// Pins waiting to go out (drafts, scheduled, due, retrying, needing a reconnect).
    Queue,
    /// Published pins with their Pinterest URLs, and failures with their reasons.
    History,
}

/// Writes the CSV to `path`. A file already there is replaced (once the export is complete)
/// only with `replace`; without it the answer is `file_exists`.
pub fn export_csv(
    ws: &impl Workspace,
    kind: ExportKind,
    path: &str,
    replace: bool,
) -> Result<ExportSummary, EngineError> {
    let path = absolute(path, "")?;
    let store = ws.store();
    refuse_data_dir(&path, store.path())?;
    if let Some(SecretsBackend::File { path: secrets }) = store.setting(keys::SECRETS_BACKEND) {
        if same_file(&path, Path::new(&secrets)) {
            return Err(invalid(format!(
                "{} is PinPace's secrets file; export somewhere else",
                path.display()
            )));
        }
    }
    match std::fs::metadata(&path) {
        Ok(m) if !m.is_file() => {
            return Err(invalid(format!(
                "{} is not a regular file; export to a file",
                path.display()
            )))
        }
        Ok(_) if !replace => {
            return Err(EngineError::new(
                ErrorCode::FileExists,
                format!("{} already exists; replace it?", path.display()),
            ))
        }
        _ => {}
    }
    let parent = path
        .parent()
        .ok_or_else(|| invalid("the export needs a file name, not a folder"))?;
    let cannot = |e: std::io::Error| invalid(format!("cannot write {}: {e}", path.display()));
    let mut temp = tempfile::NamedTempFile::new_in(parent).map_err(cannot)?;
    let summary = {
        let out = std::io::BufWriter::new(temp.as_file_mut());
        match kind {
            ExportKind::Queue => queue_csv(&store, out)?,
            ExportKind::History => history_csv(&store, out)?,
        }
    };
    temp.as_file().sync_all().map_err(cannot)?;
    if replace {
        temp.persist(&path).map_err(|e| cannot(e.error))?;
    } else {
        temp.persist_noclobber(&path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                EngineError::new(
                    ErrorCode::FileExists,
                    format!("{} already exists; replace it?", path.display()),
                )
            } else {
                cannot(e.error)
            }
        })?;
    }
    tracing::info!(?kind, rows = summary.rows, "exported");
    Ok(summary)
}

/// Whether `a` and `b` name one file (through links and `..`; a missing file is compared as
/// written).
fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canonical(a) == canonical(b)
}

fn refuse_data_dir(target: &Path, database: &Path) -> Result<(), EngineError> {
    let Some(data_dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let target_dir = target.parent().map(canonical).unwrap_or_default();
    if target_dir.starts_with(canonical(data_dir)) {
        return Err(invalid(format!(
            "{} is inside PinPace's data folder; export somewhere else",
            target.display()
        )));
    }
    Ok(())
}
