//! Connecting and reconnecting accounts from the window (`pinpace_engine::api::connect`). The
//! shell's part is the browser: the consent page's address is opened in the system browser and
//! also sent to the window (`connect-url`), in case no browser opened.

use pinpace_engine::accounts::ConnectSummary;
use pinpace_engine::api::connect::{self as api, ConnectPlan, ConnectTarget};
use pinpace_engine::AccountId;
use pinpace_engine::EngineError;
use tauri::Runtime;
use tauri_plugin_opener::OpenerExt;
use url::Url;

use super::Arg;
use crate::events::AppEvent;
use crate::state::{AppState, Desktop};

/// Connects a new account.
#[tauri::command]
pub async fn connect_account<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    target: Arg<ConnectTarget>,
) -> Result<ConnectSummary, EngineError> {
    let d = state.desktop()?;
    let plan = api::plan(&d.engine, &d.secrets, &d.sim, target.0)?;
    run(&app, d, plan, None).await
}

/// Connects an account again (after a refused refresh, or a disconnect), keeping its queue.
#[tauri::command]
pub async fn reconnect_account<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    account_id: Arg<AccountId>,
) -> Result<ConnectSummary, EngineError> {
    let Arg(account_id) = account_id;
    let d = state.desktop()?;
    let plan = api::plan_reconnect(&d.engine, &d.secrets, &d.sim, account_id)?;
    run(&app, d, plan, Some(account_id)).await
}

#[tauri::command]
pub fn cancel_connect(state: tauri::State<'_, AppState>) -> Result<(), EngineError> {
    state.desktop()?.connect.cancel();
    Ok(())
}

async fn run<R: Runtime>(
    app: &tauri::AppHandle<R>,
    d: &Desktop,
    plan: ConnectPlan,
    reconnect: Option<AccountId>,
) -> Result<ConnectSummary, EngineError> {
    let open = |url: &Url| {
        open_in_browser(app, url);
        Ok(())
    };
    let summary = api::run(&d.engine, &d.secrets, &d.connect, plan, reconnect, open).await?;
    AppEvent::AccountsChanged.emit(app, summary.account_id);
    Ok(summary)
}

fn open_in_browser<R: Runtime>(app: &tauri::AppHandle<R>, url: &Url) {
    AppEvent::ConnectUrl.emit(app, url.as_str());
    // A browser that does not open is not fatal: the window shows the address.
    if let Err(e) = app.opener().open_url(url.as_str(), None::<&str>) {
        tracing::warn!("the system browser did not open ({e}); the window shows the address");
    }
}
