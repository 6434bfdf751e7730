//! The desktop's log files (see `crate::logs`): Settings opens their folder.

use pinpace_engine::EngineError;

use tauri::Runtime;

use crate::logs::Logs;

/// Opens `<data dir>/logs` in the system's file manager; returns the folder's path.
#[tauri::command]
pub fn open_log_folder<R: Runtime>(
    app: tauri::AppHandle<R>,
    logs: tauri::State<'_, Logs>,
) -> Result<String, EngineError> {
    logs.open_folder(&app)
}
