//! Import and export from the window (`pinpace_engine::api::transfer`), with import progress
//! streamed to the window through a Tauri channel. Each runs off the main thread, and the
//! import takes the store a chunk at a time, so neither the window nor the scheduler waits.

use pinpace_engine::api::transfer::{self as api, ExportKind};
use pinpace_engine::import::{
    ImportFormat, ImportMode, ImportOptions, ImportProgress, ImportReport,
};
use pinpace_engine::EngineError;
use tauri::ipc::Channel;

use super::off_main_thread;

/// Checks every row of the file and reports, with progress on `progress`; writes nothing.
#[tauri::command]
pub async fn import_preview(
    app: tauri::AppHandle,
    path: String,
    format: ImportFormat,
    options: ImportOptions,
    progress: Channel<ImportProgress>,
) -> Result<ImportReport, EngineError> {
    off_main_thread(app, move |desktop| {
        let mut send = |p| drop(progress.send(p));
        api::import_preview(&desktop.engine, &path, format, &options, &mut send)
    })
    .await
}

/// Imports the file: every valid row, or (all or nothing) nothing unless all are valid.
#[tauri::command]
pub async fn import_commit(
    app: tauri::AppHandle,
    path: String,
    format: ImportFormat,
    options: ImportOptions,
    mode: ImportMode,
    progress: Channel<ImportProgress>,
) -> Result<ImportReport, EngineError> {
    off_main_thread(app, move |desktop| {
        let mut send = |p| drop(progress.send(p));
        api::import_commit(&desktop.engine, &path, format, &options, mode, &mut send)
    })
    .await
}

/// Writes the CSV to `path`; returns the number of rows written. A file already there is
/// replaced (once the export is complete) only with `replace`, else the error is `file_exists`.
#[tauri::command]
pub async fn export_csv(
    app: tauri::AppHandle,
    kind: ExportKind,
    path: String,
    replace: bool,
) -> Result<u32, EngineError> {
    off_main_thread(app, move |desktop| {
        Ok(api::export_csv(&desktop.engine, kind, &path, replace)?.rows as u32)
    })
    .await
}
