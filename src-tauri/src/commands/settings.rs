//! Settings for connecting real accounts (`pinpace_engine::api::pinterest_app`).

use pinpace_engine::api::pinterest_app::{self as api, CustomServerAppView, PinterestAppView};
use pinpace_engine::secrets::SecretsBackend;
use pinpace_engine::EngineError;

use super::Arg;
use crate::state::AppState;

#[tauri::command]
pub fn pinterest_app(state: tauri::State<'_, AppState>) -> Result<PinterestAppView, EngineError> {
    let desktop = state.desktop()?;
    Ok(api::view(&desktop.engine, &desktop.secrets))
}

/// Saves the app's client id and redirect port, and its secret when one is given.
#[tauri::command]
pub fn save_pinterest_app(
    state: tauri::State<'_, AppState>,
    client_id: Arg<String>,
    client_secret: Arg<Option<String>>,
    redirect_port: Arg<u16>,
) -> Result<PinterestAppView, EngineError> {
    let d = state.desktop()?;
    let secret = client_secret.as_deref();
    api::save(&d.engine, &d.secrets, &client_id, secret, redirect_port.0)
}

/// What is saved for the custom server at `base_url`: its origin (where the secret and the
/// tokens go), its own client id, and whether its secret is stored.
#[tauri::command]
pub fn custom_server_app(
    state: tauri::State<'_, AppState>,
    base_url: Arg<String>,
) -> Result<CustomServerAppView, EngineError> {
    let d = state.desktop()?;
    api::custom_server_app(&d.engine, &d.secrets, &base_url)
}

/// Saves a custom server's own app (client id, and its secret when one is given).
#[tauri::command]
pub fn save_custom_server_app(
    state: tauri::State<'_, AppState>,
    base_url: Arg<String>,
    client_id: Arg<String>,
    client_secret: Arg<Option<String>>,
) -> Result<CustomServerAppView, EngineError> {
    let d = state.desktop()?;
    let secret = client_secret.0.as_deref();
    api::save_custom_server_app(&d.engine, &d.secrets, &base_url, &client_id, secret)
}

/// Chooses where real accounts' secrets live (refused, keeping the old choice, if it fails).
#[tauri::command]
pub fn choose_secrets_backend(
    state: tauri::State<'_, AppState>,
    backend: Arg<SecretsBackend>,
) -> Result<PinterestAppView, EngineError> {
    let desktop = state.desktop()?;
    api::choose_secrets_backend(&desktop.engine, &desktop.secrets, &backend)
}
