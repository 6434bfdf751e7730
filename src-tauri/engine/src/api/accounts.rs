//! The accounts list, an account's cached boards, board sync, limits and disconnect. Connecting
//! needs a browser and lives with each front (`accounts::connect_account` is the shared flow).

use super::Workspace;
use crate::accounts::disconnect::{disconnect as forget, Disconnected, QueuedJobs};
use crate::accounts::read_pacing::Reads;
use crate::accounts::{overview, refresh_account_boards, AccountView};
use crate::error::EngineError;
use crate::pacing::{AccountLimits, LimitSpec};
use crate::scheduler::tokens::TokenStore;
use crate::secrets::VaultTokens;
use crate::store::boards::CachedBoard;
use crate::AccountId;

pub fn list(ws: &impl Workspace) -> Result<Vec<AccountView>, EngineError> {
    overview(&ws.store())
}

/// The account's boards and sections as last synced (an unknown account is `not_found`).
pub fn boards(ws: &impl Workspace, account_id: AccountId) -> Result<Vec<CachedBoard>, EngineError> {
    let store = ws.store();
    store.account(account_id)?;
    store.boards(account_id)
}

/// Fetches the account's boards and sections again; returns how many boards it has.
pub async fn refresh_boards(
    ws: &impl Workspace,
    tokens: &dyn TokenStore,
    account_id: AccountId,
) -> Result<u32, EngineError> {
    let reads = ws
        .scheduler()
        .map_or(Reads::Local, |engine| Reads::Engine(engine.board_reads()));
    let n = refresh_account_boards(&ws.shared_store(), tokens, account_id, reads).await?;
    Ok(n as u32)
}

/// Sets an account's access tier or its own list of limits; a running pacer takes them on at
/// once, keeping what each window already counted. Answers the limits now in force.
pub fn set_limits(
    ws: &impl Workspace,
    account_id: AccountId,
    limits: &AccountLimits,
) -> Result<Vec<LimitSpec>, EngineError> {
    ws.store().set_account_limits(account_id, limits)?;
    if let Some(engine) = ws.scheduler() {
        engine.limits_changed(account_id);
    }
    Ok(limits.specs())
}

/// Deletes PinPace's tokens for the account (nothing is revoked on Pinterest) and keeps or
/// cancels its queued pins, as the user chose.
pub fn disconnect(
    ws: &impl Workspace,
    vault: &VaultTokens,
    account_id: AccountId,
    queued: QueuedJobs,
) -> Result<Disconnected, EngineError> {
    let done = forget(&mut ws.store(), vault, account_id, queued, ws.now())?;
    ws.queue_changed();
    Ok(done)
}
