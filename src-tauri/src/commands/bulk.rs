//! Import and export from the window (`pinpace_engine::api::transfer`), with import progress
//! streamed to the window through a Tauri channel.

use pinpace_engine::api::transfer::{self as api, ExportKind};
use pinpace_engine::import::{
    ImportFormat, ImportMode, ImportOptions, ImportProgress, ImportReport,
};
use pinpace_engine::EngineError;
use tauri::ipc::Channel;

use super::Arg;
use crate::state::AppState;

/// Checks every row of the file and reports, with progress on `progress`; writes nothing.
#[tauri::command]
pub fn import_preview(
    state: tauri::State<'_, AppState>,
    path: Arg<String>,
    format: Arg<ImportFormat>,
    options: Arg<ImportOptions>,
    progress: Arg<Channel<ImportProgress>>,
) -> Result<ImportReport, EngineError> {
    let mut send = |p| drop(progress.send(p));
    api::import_preview(
        &state.desktop()?.engine,
        &path,
        format.0,
        &options,
        &mut send,
    )
}

/// Imports the file: every valid row, or (all or nothing) nothing unless all are valid.
#[tauri::command]
pub fn import_commit(
    state: tauri::State<'_, AppState>,
    path: Arg<String>,
    format: Arg<ImportFormat>,
    options: Arg<ImportOptions>,
    mode: Arg<ImportMode>,
    progress: Arg<Channel<ImportProgress>>,
) -> Result<ImportReport, EngineError> {
    let mut send = |p| drop(progress.send(p));
    let engine = &state.desktop()?.engine;
    api::import_commit(engine, &path, format.0, &options, mode.0, &mut send)
}

/// Writes the CSV to `path` (replacing it once complete); returns the number of rows written.
#[tauri::command]
pub fn export_csv(
    state: tauri::State<'_, AppState>,
    kind: Arg<ExportKind>,
    path: Arg<String>,
) -> Result<u32, EngineError> {
    Ok(api::export_csv(&state.desktop()?.engine, kind.0, &path)?.rows as u32)
}
