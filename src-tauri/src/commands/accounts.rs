//! The accounts list, board lists, board sync and disconnect.

use pinpace_engine::accounts::disconnect::{disconnect, Disconnected, QueuedJobs};
use pinpace_engine::accounts::{overview, refresh_account_boards, AccountView};
use pinpace_engine::store::boards::CachedBoard;
use pinpace_engine::EngineError;

use crate::events::AppEvent;
use crate::state::AppState;

#[tauri::command]
pub fn list_accounts(state: tauri::State<'_, AppState>) -> Result<Vec<AccountView>, EngineError> {
    state.with_store(overview)?
}

#[tauri::command]
pub fn account_boards(
    state: tauri::State<'_, AppState>,
    account_id: i64,
) -> Result<Vec<CachedBoard>, EngineError> {
    state.with_store(|s| {
        s.account(account_id)?;
        s.boards(account_id)
    })?
}

/// Fetches the account's boards and sections again; returns how many boards it has.
#[tauri::command]
pub async fn refresh_boards(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    account_id: i64,
) -> Result<u32, EngineError> {
    let desktop = state.desktop()?;
    let store = desktop.engine.shared_store();
    let n = refresh_account_boards(&store, desktop.secrets.as_ref(), account_id).await?;
    AppEvent::AccountsChanged.emit(&app, account_id);
    Ok(n as u32)
}

/// Deletes PinPace's tokens for the account (nothing is revoked on Pinterest) and keeps or
/// cancels its queued pins, as the user chose.
#[tauri::command]
pub fn disconnect_account(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    account_id: i64,
    queued: QueuedJobs,
) -> Result<Disconnected, EngineError> {
    let desktop = state.desktop()?;
    let vault = desktop.secrets.vault_of(account_id)?;
    let done = disconnect(
        &mut desktop.store(),
        &vault,
        account_id,
        queued,
        chrono::Utc::now(),
    )?;
    desktop.engine.wake();
    AppEvent::AccountsChanged.emit(&app, account_id);
    Ok(done)
}
