//! Import and export from the window (`pinpace_engine::api::transfer`), with import progress
//! streamed to the window through a Tauri channel. Each runs off the main thread, and the
//! import takes the store a chunk at a time, so neither the window nor the scheduler waits.

use pinpace_engine::api::transfer::{self as api, ExportKind};
use pinpace_engine::import::{
    ImportFormat, ImportMode, ImportOptions, ImportProgress, ImportReport,
};
use pinpace_engine::EngineError;
use tauri::ipc::Channel;

use super::{off_main_thread, Arg};

/// Checks every row of the file and reports, with progress on `progress`; writes nothing.
#[tauri::command]
pub async fn import_preview<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    path: Arg<String>,
    format: Arg<ImportFormat>,
    options: Arg<ImportOptions>,
    progress: Arg<Channel<ImportProgress>>,
) -> Result<ImportReport, EngineError> {
    let (path, format, options, progress) = (path.0, format.0, options.0, progress.0);
    off_main_thread(app, move |desktop| {
        let mut send = |p| drop(progress.send(p));
        api::import_preview(&desktop.engine, &path, format, &options, &mut send)
    })
    .await
}

/// Imports the file: every valid row, or (all or nothing) nothing unless all are valid.
#[tauri::command]
pub async fn import_commit<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    path: Arg<String>,
    format: Arg<ImportFormat>,
    options: Arg<ImportOptions>,
    mode: Arg<ImportMode>,
    progress: Arg<Channel<ImportProgress>>,
) -> Result<ImportReport, EngineError> {
    let (path, format, options, progress) = (path.0, format.0, options.0, progress.0);
    let mode = mode.0;
    off_main_thread(app, move |desktop| {
        let mut send = |p| drop(progress.send(p));
        api::import_commit(&desktop.engine, &path, format, &options, mode, &mut send)
    })
    .await
}

/// Writes the CSV to `path`; returns the number of rows written. A file already there is
/// replaced (once the export is complete) only with `replace`, else the error is `file_exists`.
#[tauri::command]
pub async fn export_csv<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    kind: Arg<ExportKind>,
    path: Arg<String>,
    replace: Arg<bool>,
) -> Result<u32, EngineError> {
    let (kind, path, replace) = (kind.0, path.0, replace.0);
    off_main_thread(app, move |desktop| {
        Ok(api::export_csv(&desktop.engine, kind, &path, replace)?.rows as u32)
    })
    .await
}
