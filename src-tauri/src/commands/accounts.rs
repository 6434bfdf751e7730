//! The accounts list, board lists, board sync and disconnect.

use pinpace_engine::accounts::disconnect::{disconnect, Disconnected, QueuedJobs};
use pinpace_engine::accounts::{client_for, overview, sync_boards, AccountView};
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::store::boards::CachedBoard;
use pinpace_engine::{EngineError, ErrorCode};
use tauri::Emitter;

use super::ACCOUNTS_CHANGED;
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
    let env = desktop.store().account(account_id)?.environment;
    let token = desktop
        .secrets
        .tokens(account_id)
        .ok_or_else(|| {
            EngineError::new(
                ErrorCode::InvalidInput,
                "this account has no stored token: reconnect it first",
            )
        })?
        .access;
    let store = desktop.engine.shared_store();
    let n = sync_boards(&store, &client_for(&env)?, account_id, &token).await?;
    let _ = app.emit(ACCOUNTS_CHANGED, account_id);
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
    let is_sim = desktop.secrets.is_sim(account_id);
    let vault = if is_sim {
        desktop.secrets.sim().clone()
    } else {
        desktop.secrets.real()?
    };
    let done = disconnect(
        &mut desktop.store(),
        &vault,
        account_id,
        queued,
        chrono::Utc::now(),
    )?;
    desktop.engine.wake();
    let _ = app.emit(ACCOUNTS_CHANGED, account_id);
    Ok(done)
}
