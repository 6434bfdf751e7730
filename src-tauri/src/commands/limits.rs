//! An account's access tier (Pinterest's trial or standard limits) or the user's own list of
//! limits, from the Accounts screen. Checked and stored by the engine's store, then applied to
//! the running pacer at once, keeping what each window already counted.

use pinpace_engine::pacing::AccountLimits;
use pinpace_engine::EngineError;

use crate::state::AppState;

#[tauri::command]
pub fn set_account_limits(
    state: tauri::State<'_, AppState>,
    account_id: i64,
    limits: AccountLimits,
) -> Result<Vec<pinpace_engine::pacing::LimitSpec>, EngineError> {
    let desktop = state.desktop()?;
    desktop.store().set_account_limits(account_id, &limits)?;
    desktop.engine.limits_changed(account_id);
    Ok(limits.specs())
}
