//! Import and export from the window: preview a file (every row checked, nothing written),
//! commit it (all valid rows or nothing, in one transaction), with progress streamed to the
//! window through a Tauri channel; and export the queue or the history to a CSV file. The
//! engine does the work (`pinpace_engine::import`, `export`); these adapt paths and progress.

use std::path::PathBuf;

use chrono::Utc;
use pinpace_engine::import::{
    commit, preview, ImportFormat, ImportMode, ImportOptions, ImportProgress, ImportReport,
    ImportSource,
};
use pinpace_engine::{EngineError, ErrorCode};
use serde::Deserialize;
use tauri::ipc::Channel;
use ts_rs::TS;

use crate::state::AppState;

fn source(path: &str, format: ImportFormat) -> Result<ImportSource, EngineError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            "give the file as a full path (or pick it with Browse…)",
        ));
    }
    Ok(ImportSource::path(path, format))
}

#[tauri::command]
pub fn import_preview(
    state: tauri::State<'_, AppState>,
    path: String,
    format: ImportFormat,
    options: ImportOptions,
    progress: Channel<ImportProgress>,
) -> Result<ImportReport, EngineError> {
    let src = source(&path, format)?;
    let desktop = state.desktop()?;
    let mut store = desktop.store();
    preview(&mut store, &src, &options, Utc::now(), &mut |p| {
        let _ = progress.send(p);
    })
}

#[tauri::command]
pub fn import_commit(
    state: tauri::State<'_, AppState>,
    path: String,
    format: ImportFormat,
    options: ImportOptions,
    mode: ImportMode,
    progress: Channel<ImportProgress>,
) -> Result<ImportReport, EngineError> {
    let src = source(&path, format)?;
    let desktop = state.desktop()?;
    let report = {
        let mut store = desktop.store();
        commit(&mut store, &src, &options, mode, Utc::now(), &mut |p| {
            let _ = progress.send(p);
        })?
    };
    desktop.engine.wake();
    Ok(report)
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportKind {
    /// Pins waiting to go out (drafts, scheduled, due, retrying, needing a reconnect).
    Queue,
    /// Published pins with their Pinterest URLs, and failures with their reasons.
    History,
}

/// Writes the CSV to `path` (replacing it); returns the number of rows written.
#[tauri::command]
pub fn export_csv(
    state: tauri::State<'_, AppState>,
    kind: ExportKind,
    path: String,
) -> Result<u32, EngineError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            "give the file as a full path",
        ));
    }
    let file = std::fs::File::create(&path).map_err(|e| {
        EngineError::new(
            ErrorCode::InvalidInput,
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    let out = std::io::BufWriter::new(file);
    let summary = state.with_store(|s| match kind {
        ExportKind::Queue => pinpace_engine::export::queue_csv(s, out),
        ExportKind::History => pinpace_engine::export::history_csv(s, out),
    })??;
    Ok(summary.rows as u32)
}
