//! Tauri commands: each adapts one engine call and returns engine types, whose TypeScript
//! twins live in ui/src/lib/bindings. Errors reach the UI as `{code, message}`.

use pinpace_engine::{AppInfo, EngineError};

use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, EngineError> {
    state.with_store(AppInfo::of)
}
