//! The thin desktop shell: starts the engine (with the built-in simulator) in the app-data
//! directory, exposes it to the web UI as typed commands and batched events, and shows desktop
//! notifications. All scheduling behaviour lives in `pinpace-engine`.
//!
//! The main window is created here rather than from tauri.conf.json so that the webview's own
//! storage goes under the same data directory as the database: with `PINPACE_DATA_DIR` set
//! (tests, the demo), nothing at all is written to the user's real app-data directory. The log
//! files go there too (`logs/`, see `logs`), started first so that a failed start is logged.

mod builtin_sim;
#[cfg(test)]
mod command_args;
mod commands;
mod data_dir;
mod events;
mod logs;
mod media_protocol;
mod notify;
mod prefs;
mod state;
mod tray;
mod webview_drawing;
mod window_state;

use tauri::{Manager, RunEvent, Runtime, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_notification::NotificationExt;

pub use data_dir::DATA_DIR_ENV;
pub use state::DEMO_ENV;

pub fn run() {
    commands::info::note_start();
    webview_drawing::before_start();
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            // A second launch shows the running window instead of opening the database twice.
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        // Launch at login is off until the user turns it on in Settings.
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(tauri_plugin_notification::init())
        .register_asynchronous_uri_scheme_protocol(media_protocol::SCHEME, media_protocol::handle)
        .setup(|app| {
            let dir = data_dir::resolve(app.path().app_data_dir().ok());
            app.manage(logs::Logs::start(dir.as_deref()));
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
            let state = tauri::async_runtime::block_on(state::AppState::start(dir));
            match state.desktop() {
                Ok(_) => tracing::info!("the engine is running"),
                Err(e) => tracing::error!(
                    code = ?e.code,
                    "the engine did not start (the window says why): {}",
                    e.message
                ),
            }
            if let Ok(desktop) = state.desktop() {
                window = window_state::restore(window, &desktop.store());
                notify::forward(app.handle().clone(), desktop.engine.events().subscribe());
                if let Some(tray) = tray::install(app.handle(), desktop.paused_all()) {
                    tray.set_status(&desktop.status_line());
                    app.manage(tray);
                }
            }
            app.manage(state);
            let window = window.build()?;
            webview_drawing::draw_without_gpu(&window);
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                keep_running_in_tray(window, api);
            }
        })
        .invoke_handler(invoke_handler())
        .build(tauri::generate_context!())
        .expect("PinPace could not start its window")
        .run(|app, event| {
            if let RunEvent::Exit = event {
                tracing::info!("PinPace is quitting");
                if let Some(logs) = app.try_state::<logs::Logs>() {
                    logs.flush();
                }
            }
        });
}

/// Every command the window may call, for `run` and for the tests (`command_args`), which build
/// the app on tauri's mock runtime with this same handler. Generic over the runtime for that
/// reason; the commands that take an `AppHandle` are generic too.
fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::info::app_info,
        commands::info::first_screen_drawn,
        commands::accounts::list_accounts,
        commands::accounts::account_boards,
        commands::accounts::refresh_boards,
        commands::accounts::disconnect_account,
        commands::connect::connect_account,
        commands::connect::reconnect_account,
        commands::connect::cancel_connect,
        commands::settings::pinterest_app,
        commands::settings::save_pinterest_app,
        commands::settings::custom_server_app,
        commands::settings::save_custom_server_app,
        commands::settings::choose_secrets_backend,
        commands::queue::compose_pin,
        commands::queue::list_queue,
        commands::queue_bulk::cancel_jobs,
        commands::queue_bulk::retry_jobs,
        commands::queue_bulk::hold_jobs,
        commands::queue_bulk::move_jobs,
        commands::queue::reschedule,
        commands::queue::edit_and_requeue,
        commands::queue::job_history,
        commands::queue::lanes,
        commands::queue::forecast,
        commands::queue::counters,
        commands::media::image_preview,
        commands::media::pick_image,
        commands::queue::account_slots,
        commands::queue::set_account_slots,
        commands::queue::next_slot,
        commands::bulk::import_preview,
        commands::bulk::import_commit,
        commands::bulk::export_csv,
        commands::scheduling::scheduling_settings,
        commands::scheduling::save_scheduling_settings,
        commands::scheduling::set_paused_all,
        commands::scheduling::launch_at_login,
        commands::scheduling::set_launch_at_login,
        commands::accounts::set_account_limits,
        commands::prefs::desktop_prefs,
        commands::prefs::save_desktop_prefs,
        commands::logs::open_log_folder,
    ]
}

/// Closing the window hides it while a tray icon exists: pins keep going out. The first time,
/// a notification says so (and how to quit). Without a tray, or when the user turned "keep
/// running in the tray" off in Settings, closing quits.
fn keep_running_in_tray(window: &tauri::Window, api: &tauri::CloseRequestApi) {
    use pinpace_engine::store::settings::keys::CLOSE_TO_TRAY_TOLD as TOLD;
    let app = window.app_handle();
    let state = app.try_state::<state::AppState>();
    let desktop = state.as_ref().and_then(|s| s.desktop().ok());
    if let Some(desktop) = desktop {
        window_state::save(window, &desktop.store());
    }
    let keep = desktop.is_none_or(|d| prefs::DesktopPrefs::load(&d.store()).keep_running_in_tray);
    if app.try_state::<tray::Tray>().is_none() || !keep {
        return;
    }
    api.prevent_close();
    let _ = window.hide();
    let Some(desktop) = desktop else {
        return;
    };
    let store = desktop.store();
    if store.setting::<bool>(TOLD) != Some(true) {
        if let Err(e) = store.set_setting(TOLD, &true) {
            tracing::warn!(
                "the close-to-tray notice could not be remembered: {}",
                e.message
            );
        }
        let _ = app
            .notification()
            .builder()
            .title("PinPace keeps running")
            .body("Your scheduled pins still go out with the window closed. Open PinPace or quit it from its tray icon.")
            .show();
    }
}
