//! The accounts list, board lists, board sync, limits and disconnect
//! (`pinpace_engine::api::accounts`); a change tells the window's accounts screen.

use pinpace_engine::accounts::disconnect::{Disconnected, QueuedJobs};
use pinpace_engine::accounts::AccountView;
use pinpace_engine::api::accounts as api;
use pinpace_engine::pacing::{AccountLimits, LimitSpec};
use pinpace_engine::store::boards::CachedBoard;
use pinpace_engine::AccountId;
use pinpace_engine::EngineError;
use tauri::Runtime;

use super::Arg;
use crate::events::AppEvent;
use crate::state::AppState;

#[tauri::command]
pub fn list_accounts(state: tauri::State<'_, AppState>) -> Result<Vec<AccountView>, EngineError> {
    api::list(&state.desktop()?.engine)
}

#[tauri::command]
pub fn account_boards(
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
) -> Result<Vec<CachedBoard>, EngineError> {
    api::boards(&state.desktop()?.engine, account_id.0)
}

/// Fetches the account's boards and sections again; returns how many boards it has.
#[tauri::command]
pub async fn refresh_boards<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
) -> Result<u32, EngineError> {
    let Arg(account_id) = account_id;
    let desktop = state.desktop()?;
    let n = api::refresh_boards(&desktop.engine, desktop.secrets.as_ref(), account_id).await?;
    AppEvent::AccountsChanged.emit(&app, account_id);
    Ok(n)
}

/// An account's access tier or its own limits; answers the limits now in force.
#[tauri::command]
pub fn set_account_limits(
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
    limits: Arg<AccountLimits>,
) -> Result<Vec<LimitSpec>, EngineError> {
    api::set_limits(&state.desktop()?.engine, account_id.0, &limits)
}

/// Deletes PinPace's tokens for the account and keeps or cancels its queued pins.
#[tauri::command]
pub fn disconnect_account<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
    queued: Arg<QueuedJobs>,
) -> Result<Disconnected, EngineError> {
    let (Arg(account_id), Arg(queued)) = (account_id, queued);
    let desktop = state.desktop()?;
    let vault = desktop.secrets.vault_of(account_id)?;
    let done = api::disconnect(&desktop.engine, &vault, account_id, queued)?;
    AppEvent::AccountsChanged.emit(&app, account_id);
    Ok(done)
}
