// Tauri's build step. App commands get generated allow-/deny- permissions so that the
// capability in src-tauri/capabilities grants exactly the commands the UI uses, nothing more.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "first_screen_drawn",
            "list_accounts",
            "account_boards",
            "refresh_boards",
            "disconnect_account",
            "connect_account",
            "reconnect_account",
            "cancel_connect",
            "pinterest_app",
            "save_pinterest_app",
            "custom_server_app",
            "save_custom_server_app",
            "choose_secrets_backend",
            "compose_pin",
            "list_queue",
            "cancel_jobs",
            "retry_jobs",
            "hold_jobs",
            "move_jobs",
            "reschedule",
            "edit_and_requeue",
            "job_history",
            "lanes",
            "forecast",
            "counters",
            "image_preview",
            "pick_image",
            "account_slots",
            "set_account_slots",
            "next_slot",
            "import_preview",
            "import_commit",
            "export_csv",
            "scheduling_settings",
            "save_scheduling_settings",
            "set_paused_all",
            "launch_at_login",
            "set_launch_at_login",
            "set_account_limits",
            "desktop_prefs",
            "save_desktop_prefs",
            "open_log_folder",
        ]));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
