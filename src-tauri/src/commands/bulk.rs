//! Import and export from the window (`pinpace_engine::api::transfer`), with import progress
//! streamed to the window through a Tauri channel.

use pinpace_engine::api::transfer::{self as api, ExportKind};
use pinpace_engine::import::{
    ImportFormat, ImportMode, ImportOptions, ImportProgress, ImportReport,
};
use pinpace_engine::EngineError;
use tauri::ipc::Channel;

use crate::state::AppState;

/// Checks every row of the file and reports, with progress on `progress`; writes nothing.
#[tauri::command]
pub fn import_preview(
    state: tauri::State<'_, AppState>,
    path: String,
    format: ImportFormat,
    options: ImportOptions,
    progress: Channel<ImportProgress>,
) -> Result<ImportReport, EngineError> {
    let mut send = |p| drop(progress.send(p));
    api::import_preview(&state.desktop()?.engine, &path, format, &options, &mut send)
}

/// Imports the file: every valid row, or (all or nothing) nothing unless all are valid.
#[tauri::command]
pub fn import_commit(
    state: tauri::State<'_, AppState>,
    path: String,
    format: ImportFormat,
    options: ImportOptions,
    mode: ImportMode,
    progress: Channel<ImportProgress>,
) -> Result<ImportReport, EngineError> {
    let mut send = |p| drop(progress.send(p));
    let engine = &state.desktop()?.engine;
    api::import_commit(engine, &path, format, &options, mode, &mut send)
}

/// Writes the CSV to `path` (replacing it once complete); returns the number of rows written.
#[tauri::command]
pub fn export_csv(
    state: tauri::State<'_, AppState>,
    kind: ExportKind,
    path: String,
) -> Result<u32, EngineError> {
    Ok(api::export_csv(&state.desktop()?.engine, kind, &path)?.rows as u32)
}
