//! Scheduling settings and "pause all" (`pinpace_engine::api::scheduling`), and the OS login
//! item (the only rule here that is the desktop's own).

use pinpace_engine::api::scheduling::{self as api, SchedulingSettings};
use pinpace_engine::{EngineError, ErrorCode};
use tauri::{Manager, Runtime};

use super::Arg;
use crate::state::AppState;
use crate::tray::Tray;

#[tauri::command]
pub fn scheduling_settings(
    state: tauri::State<'_, AppState>,
) -> Result<SchedulingSettings, EngineError> {
    Ok(api::settings(&state.desktop()?.engine))
}

#[tauri::command]
pub fn save_scheduling_settings(
    state: tauri::State<'_, AppState>,
    settings: Arg<SchedulingSettings>,
) -> Result<SchedulingSettings, EngineError> {
    api::save(&state.desktop()?.engine, &settings)
}

/// Pauses (or resumes) every account, from the live panel or the tray; the tray's item follows.
#[tauri::command]
pub fn set_paused_all<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    paused: Arg<bool>,
) -> Result<(), EngineError> {
    let Arg(paused) = paused;
    api::set_paused_all(&state.desktop()?.engine, paused)?;
    if let Some(tray) = app.try_state::<Tray>() {
        tray.set_paused(paused);
    }
    Ok(())
}

/// Whether PinPace starts when the user logs in (off unless they turned it on).
#[tauri::command]
pub fn launch_at_login<R: Runtime>(app: tauri::AppHandle<R>) -> Result<bool, EngineError> {
    use tauri_plugin_autostart::ManagerExt;
    app.autolaunch()
        .is_enabled()
        .map_err(|e| EngineError::new(ErrorCode::Storage, format!("cannot tell: {e}")))
}

#[tauri::command]
pub fn set_launch_at_login<R: Runtime>(
    app: tauri::AppHandle<R>,
    enabled: Arg<bool>,
) -> Result<bool, EngineError> {
    let Arg(enabled) = enabled;
    use tauri_plugin_autostart::ManagerExt;
    let manager = app.autolaunch();
    let done = if enabled {
        manager.enable()
    } else {
        manager.disable()
    };
    done.map_err(|e| {
        EngineError::new(
            ErrorCode::Storage,
            format!("the login item could not be changed: {e}"),
        )
    })?;
    launch_at_login(app)
}
