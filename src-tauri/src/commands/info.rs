//! What the engine says about itself (version, database, schema).

use pinpace_engine::{AppInfo, EngineError};

use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, EngineError> {
    state.with_store(AppInfo::of)
}
