//! What the engine says about itself (version, database, schema), and the window's word that
//! its first screen is drawn, which goes to the log with the time since the app started: the
//! figure the footprint bench (`scripts/footprint.sh`) reads, and what a user's log says about
//! a slow start.

use std::sync::OnceLock;
use std::time::Instant;

use pinpace_engine::{AppInfo, EngineError};

use crate::state::AppState;

/// The log line's message, which scripts/footprint.sh looks for.
pub const FIRST_SCREEN_LOGGED: &str = "the first screen is drawn";

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Notes the app's start; called first thing in `run`.
pub fn note_start() {
    STARTED.get_or_init(Instant::now);
}

#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, EngineError> {
    state.with_store(AppInfo::of)
}

/// The window drew its first screen (the tabs and the live panel with its first data). Logged
/// once per app run; a later call (a reload of the page) is logged as such.
#[tauri::command]
pub fn first_screen_drawn() {
    static LOGGED: OnceLock<()> = OnceLock::new();
    let since_start_ms = STARTED.get().map_or(0, |s| s.elapsed().as_millis() as u64);
    if LOGGED.set(()).is_ok() {
        tracing::info!(since_start_ms, "{FIRST_SCREEN_LOGGED}");
    } else {
        tracing::info!(
            since_start_ms,
            "the page was loaded again and drew its first screen"
        );
    }
}
