//! Scheduling settings (retry budget, catch-up grace) and "pause all". Saved in settings and
//! applied to the running engine at once; checked first, so a bad value changes nothing.

use std::time::Duration;

use pinpace_engine::scheduler::retry::RetryPolicy;
use pinpace_engine::scheduler::EngineConfig;
use pinpace_engine::store::settings::keys;
use pinpace_engine::{EngineError, ErrorCode};
use serde::{Deserialize, Serialize};
use tauri::Manager;
use ts_rs::TS;

use crate::state::AppState;
use crate::tray::Tray;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SchedulingSettings {
    /// Attempts per pin, the first included (1 to 20).
    pub max_attempts: u32,
    /// The longest a pin may spend backing off, in minutes (1 to 2880).
    pub max_backoff_minutes: u32,
    /// A pin found late by less than this (after a sleep or a crash) is still sent; later, it
    /// is marked missed. Minutes, 0 to 1440.
    pub catch_up_grace_minutes: u32,
    /// Every account is paused.
    pub paused_all: bool,
}

#[tauri::command]
pub fn scheduling_settings(
    state: tauri::State<'_, AppState>,
) -> Result<SchedulingSettings, EngineError> {
    let desktop = state.desktop()?;
    let config = EngineConfig::from_settings(&desktop.store());
    Ok(SchedulingSettings {
        max_attempts: config.retry.max_attempts,
        max_backoff_minutes: (config.retry.max_total_delay.as_secs() / 60) as u32,
        catch_up_grace_minutes: (config.catch_up_grace.as_secs() / 60) as u32,
        paused_all: desktop.paused_all(),
    })
}

#[tauri::command]
pub fn save_scheduling_settings(
    state: tauri::State<'_, AppState>,
    settings: SchedulingSettings,
) -> Result<SchedulingSettings, EngineError> {
    let bad = |m: &str| Err(EngineError::new(ErrorCode::InvalidInput, m));
    if !(1..=20).contains(&settings.max_attempts) {
        return bad("attempts per pin must be from 1 to 20");
    }
    if !(1..=2880).contains(&settings.max_backoff_minutes) {
        return bad("the longest backoff must be from 1 minute to 2 days");
    }
    if settings.catch_up_grace_minutes > 1440 {
        return bad("the catch-up grace must be at most a day (1440 minutes)");
    }
    let desktop = state.desktop()?;
    let mut retry = EngineConfig::from_settings(&desktop.store()).retry;
    retry = RetryPolicy {
        max_attempts: settings.max_attempts,
        max_total_delay: Duration::from_secs(u64::from(settings.max_backoff_minutes) * 60),
        ..retry
    };
    let grace = Duration::from_secs(u64::from(settings.catch_up_grace_minutes) * 60);
    {
        let store = desktop.store();
        store.set_setting(keys::RETRY_POLICY, &retry)?;
        store.set_setting(keys::CATCH_UP_GRACE_SECS, &grace.as_secs())?;
    }
    desktop.engine.configure(retry, grace);
    scheduling_settings(state)
}

/// Pauses (or resumes) every account, from the live panel or the tray.
#[tauri::command]
pub fn set_paused_all(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    paused: bool,
) -> Result<(), EngineError> {
    state.desktop()?.set_paused_all(paused);
    if let Some(tray) = app.try_state::<Tray>() {
        tray.set_paused(paused);
    }
    Ok(())
}

/// Whether PinPace starts when the user logs in (off unless they turned it on).
#[tauri::command]
pub fn launch_at_login(app: tauri::AppHandle) -> Result<bool, EngineError> {
    use tauri_plugin_autostart::ManagerExt;
    app.autolaunch()
        .is_enabled()
        .map_err(|e| EngineError::new(ErrorCode::Storage, format!("cannot tell: {e}")))
}

#[tauri::command]
pub fn set_launch_at_login(app: tauri::AppHandle, enabled: bool) -> Result<bool, EngineError> {
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
