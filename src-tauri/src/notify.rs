//! From the engine's event stream to the window and the desktop. The window gets the events in
//! batches at most every 250 ms (a burst of thousands of transitions costs it one message per
//! tick, and a subscriber that fell behind is told to re-read); the desktop gets a notification
//! when an account needs a reconnect (once, until it is connected again) and when pins fail
//! (at most one notification a minute, counting the others).

use std::collections::HashSet;
use std::time::Duration;

use pinpace_engine::scheduler::events::EngineEvent;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::AccountId;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

use crate::events::{AppEvent, EngineEventBatch};
use crate::prefs::DesktopPrefs;

const TICK: Duration = Duration::from_millis(250);
const FAILURE_QUIET: Duration = Duration::from_secs(60);
const MAX_BATCH: usize = 500;

/// Runs until the engine's event stream closes.
pub fn forward(app: AppHandle, mut rx: tokio::sync::broadcast::Receiver<EngineEvent>) {
    tauri::async_runtime::spawn(async move {
        let mut batch = EngineEventBatch {
            events: Vec::new(),
            lagged: false,
        };
        let mut told_reconnect: HashSet<AccountId> = HashSet::new();
        let mut last_failure_note: Option<tokio::time::Instant> = None;
        let mut unreported_failures = 0u32;
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                ev = rx.recv() => match ev {
                    Ok(ev) => {
                        react(&app, &ev, &mut told_reconnect, &mut unreported_failures);
                        if batch.events.len() < MAX_BATCH {
                            batch.events.push(ev);
                        } else {
                            batch.lagged = true;
                        }
                    }
                    Err(RecvError::Lagged(_)) => batch.lagged = true,
                    Err(RecvError::Closed) => return,
                },
                _ = tick.tick() => {
                    if !batch.events.is_empty() || batch.lagged {
                        AppEvent::EngineEvents.emit(&app, &batch);
                        update_tray(&app);
                        batch.events.clear();
                        batch.lagged = false;
                    }
                    let quiet = last_failure_note.is_none_or(|t| t.elapsed() >= FAILURE_QUIET);
                    if unreported_failures > 0 && quiet {
                        let body = if unreported_failures == 1 {
                            "A pin could not be published. Open PinPace to see why and retry it."
                                .to_string()
                        } else {
                            format!("{unreported_failures} pins could not be published. Open PinPace to see why and retry them.")
                        };
                        notify(&app, |p| p.notify_failures, "Pins failed", &body);
                        unreported_failures = 0;
                        last_failure_note = Some(tokio::time::Instant::now());
                    }
                }
            }
        }
    });
}

fn react(app: &AppHandle, ev: &EngineEvent, told: &mut HashSet<AccountId>, failures: &mut u32) {
    match ev {
        EngineEvent::JobChanged {
            account_id: Some(account),
            to,
            from,
            ..
        } => {
            if *to == JobState::NeedsReconnect && told.insert(*account) {
                AppEvent::AccountsChanged.emit(app, *account);
                notify(
                    app,
                    |p| p.notify_reconnect,
                    "Reconnect a Pinterest account",
                    "Pinterest no longer accepts PinPace's sign-in for one of your accounts. Its pins wait; open PinPace and click Reconnect.",
                );
            }
            if *from == JobState::NeedsReconnect {
                told.remove(account);
                AppEvent::AccountsChanged.emit(app, *account);
            }
            if *to == JobState::Failed {
                *failures += 1;
            }
        }
        EngineEvent::BoardsSynced { account_id, .. } => {
            AppEvent::AccountsChanged.emit(app, *account_id);
        }
        _ => {}
    }
}

/// Shows a notification unless the user turned this kind off (Settings).
fn notify(app: &AppHandle, wanted: fn(&DesktopPrefs) -> bool, title: &str, body: &str) {
    use tauri::Manager;
    let prefs = app
        .try_state::<crate::state::AppState>()
        .and_then(|s| s.with_store(DesktopPrefs::load).ok())
        .unwrap_or_default();
    if !wanted(&prefs) {
        return;
    }
    // No notification service (a headless session) is not an error worth more than a line.
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!("a desktop notification could not be shown: {e}");
    }
}

fn update_tray(app: &AppHandle) {
    use tauri::Manager;
    let (Some(tray), Some(state)) = (
        app.try_state::<crate::tray::Tray>(),
        app.try_state::<crate::state::AppState>(),
    ) else {
        return;
    };
    if let Ok(desktop) = state.desktop() {
        tray.set_status(&desktop.status_line());
    }
}
