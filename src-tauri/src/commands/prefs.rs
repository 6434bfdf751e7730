//! The desktop preferences screen (notifications, tray, time zone); see `crate::prefs`.

use pinpace_engine::EngineError;

use super::Arg;
use crate::prefs::DesktopPrefs;
use crate::state::AppState;

#[tauri::command]
pub fn desktop_prefs(state: tauri::State<'_, AppState>) -> Result<DesktopPrefs, EngineError> {
    state.with_store(DesktopPrefs::load)
}

/// Saves the desktop preferences; an unknown time zone is refused and nothing changes.
#[tauri::command]
pub fn save_desktop_prefs(
    state: tauri::State<'_, AppState>,
    prefs: Arg<DesktopPrefs>,
) -> Result<DesktopPrefs, EngineError> {
    state.with_store(|store| prefs.0.save(store))?
}
