//! The tray icon: PinPace keeps publishing with its window closed, so the tray is where a user
//! sees that it runs, what it is doing ("12 pins waiting · 1 failed"), pauses every account at
//! once, brings the window back, or quits. Where the desktop has no tray (some Linux sessions),
//! closing the window quits instead, so the scheduler never runs unseen with no way back.

use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;

/// Handles kept to update the menu as the queue changes.
pub struct Tray {
    status: MenuItem<Wry>,
    pause: CheckMenuItem<Wry>,
}

impl Tray {
    pub fn set_status(&self, text: &str) {
        let _ = self.status.set_text(text);
    }
    pub fn set_paused(&self, paused: bool) {
        let _ = self.pause.set_checked(paused);
    }
}

/// Builds the tray; `None` where the desktop offers none.
pub fn install(app: &AppHandle, paused: bool) -> Option<Tray> {
    match build(app, paused) {
        Ok(tray) => Some(tray),
        Err(e) => {
            tracing::warn!("no tray icon on this desktop ({e}); closing the window will quit");
            None
        }
    }
}

fn build(app: &AppHandle, paused: bool) -> tauri::Result<Tray> {
    let status = MenuItem::with_id(app, "status", "PinPace is starting", false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show PinPace", true, None::<&str>)?;
    let pause = CheckMenuItem::with_id(
        app,
        "pause_all",
        "Pause all accounts",
        true,
        paused,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", "Quit PinPace", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &separator, &show, &pause, &quit])?;
    let mut builder = TrayIconBuilder::with_id("pinpace")
        .tooltip("PinPace")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => show_window(app),
            "pause_all" => {
                if let Some(state) = app.try_state::<AppState>() {
                    if let Ok(desktop) = state.desktop() {
                        let now = !desktop.paused_all();
                        let engine = &desktop.engine;
                        match pinpace_engine::api::scheduling::set_paused_all(engine, now) {
                            Ok(()) => {
                                if let Some(tray) = app.try_state::<Tray>() {
                                    tray.set_paused(now);
                                }
                            }
                            Err(e) => tracing::warn!("pause all was not changed: {}", e.message),
                        }
                    }
                }
            }
            "quit" => {
                if let (Some(window), Some(state)) =
                    (app.get_webview_window("main"), app.try_state::<AppState>())
                {
                    if let Ok(desktop) = state.desktop() {
                        crate::window_state::save_webview(&window, &desktop.store());
                    }
                }
                app.exit(0)
            }
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(Tray { status, pause })
}

pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}
