//! The thin desktop shell: opens the engine in the app-data directory, exposes it to the web UI
//! as typed commands, and nothing else. All behaviour lives in `pinpace-engine`.
//!
//! The main window is created here rather than from tauri.conf.json so that the webview's own
//! storage goes under the same data directory as the database: with `PINPACE_DATA_DIR` set
//! (tests, the demo), nothing at all is written to the user's real app-data directory.

mod commands;
mod data_dir;
mod state;

use tauri::{Manager, WebviewWindowBuilder};

pub use data_dir::DATA_DIR_ENV;

pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let dir = data_dir::resolve(app.path().app_data_dir().ok());
            let window_config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .cloned()
                .ok_or("tauri.conf.json has no window labelled \"main\"")?;
            let mut window = WebviewWindowBuilder::from_config(app.handle(), &window_config)?;
            if let Some(dir) = &dir {
                window = window.data_directory(dir.join("webview"));
            }
            app.manage(state::AppState::open(dir));
            window.build()?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("PinPace could not start its window");
}
