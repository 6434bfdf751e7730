//! Connecting and reconnecting accounts from the window. Real environments open Pinterest's
//! consent page in the system browser and wait for the loopback callback; the built-in
//! simulator's consent page approves at once, so the app follows it itself (choosing which demo
//! user signs in). The address is also sent to the window (`connect-url`), in case no browser
//! opened. Only one connect waits at a time; `cancel_connect` ends it and frees the port.

use std::time::Duration;

use pinpace_engine::accounts::{connect_account as run_flow, ConnectRequest, ConnectSummary};
use pinpace_engine::demo::{sim_app, sim_environment};
use pinpace_engine::pinterest::Environment;
use pinpace_engine::{EngineError, ErrorCode};
use serde::Deserialize;
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;
use url::Url;

use crate::events::AppEvent;
use crate::secrets::no_vault;
use crate::state::{AppState, Desktop};

/// How long the browser has to come back from Pinterest's consent page.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);
/// The built-in simulator answers at once; anything slower is a fault worth reporting.
const SIM_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectTarget {
    /// The simulator inside the app, signed in as one of its users.
    BuiltinSimulator {
        user: String,
    },
    Production,
    Sandbox,
    Custom {
        base_url: String,
    },
}

enum Consent {
    /// Open the system browser.
    Browser,
    /// The built-in simulator: follow its redirect as this user.
    Follow(String),
}

struct Plan {
    env: Environment,
    app: pinpace_engine::pinterest::AppCredentials,
    vault: std::sync::Arc<pinpace_engine::secrets::VaultTokens>,
    port: u16,
    consent: Consent,
    timeout: Duration,
}

fn plan_real(desktop: &Desktop, env: Environment) -> Result<Plan, EngineError> {
    let vault = desktop.secrets.real().map_err(|e| no_vault(&e))?;
    let (client_id, port) = super::settings::app_settings(desktop);
    let missing = || {
        EngineError::new(
            ErrorCode::InvalidInput,
            "enter your Pinterest app's client id and secret in Settings first",
        )
    };
    let client_id = client_id.ok_or_else(missing)?;
    let app = vault.app(&client_id)?.ok_or_else(missing)?;
    Ok(Plan {
        env,
        app,
        vault,
        port,
        consent: Consent::Browser,
        timeout: BROWSER_TIMEOUT,
    })
}

fn plan_sim(desktop: &Desktop, user: String) -> Result<Plan, EngineError> {
    let users = crate::commands::settings::simulator_users();
    if !users.contains(&user) {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!(
                "the built-in simulator has no user {user:?}; its users are {}",
                users.join(", ")
            ),
        ));
    }
    Ok(Plan {
        env: sim_environment(&desktop.sim),
        app: sim_app(&desktop.sim),
        vault: desktop.secrets.sim().clone(),
        port: 0,
        consent: Consent::Follow(user),
        timeout: SIM_TIMEOUT,
    })
}

fn plan_for(desktop: &Desktop, target: ConnectTarget) -> Result<Plan, EngineError> {
    match target {
        ConnectTarget::BuiltinSimulator { user } => plan_sim(desktop, user),
        ConnectTarget::Production => plan_real(desktop, Environment::Production),
        ConnectTarget::Sandbox => plan_real(desktop, Environment::Sandbox),
        ConnectTarget::Custom { base_url } => {
            let parsed = Url::parse(base_url.trim()).map_err(|e| {
                EngineError::new(
                    ErrorCode::InvalidInput,
                    format!("the base URL is not a URL ({e}); e.g. http://127.0.0.1:8787/v5"),
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(EngineError::new(
                    ErrorCode::InvalidInput,
                    "the base URL must start with http:// or https://",
                ));
            }
            plan_real(
                desktop,
                Environment::Custom {
                    base_url: base_url.trim().to_string(),
                },
            )
        }
    }
}

/// Connects a new account.
#[tauri::command]
pub async fn connect_account(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    target: ConnectTarget,
) -> Result<ConnectSummary, EngineError> {
    let desktop = state.desktop()?;
    let plan = plan_for(desktop, target)?;
    run(&app, desktop, plan, None).await
}

/// Connects an account again (after a refused refresh, or a disconnect), keeping its queue.
#[tauri::command]
pub async fn reconnect_account(
    app: tauri::AppHandle,
    state: tauri::State<'_, AppState>,
    account_id: i64,
) -> Result<ConnectSummary, EngineError> {
    let desktop = state.desktop()?;
    let account = desktop.store().account(account_id)?;
    let plan = if account.environment == sim_environment(&desktop.sim) {
        plan_sim(desktop, account.username.clone().unwrap_or_default())?
    } else {
        plan_real(desktop, account.environment.clone())?
    };
    run(&app, desktop, plan, Some(account_id)).await
}

#[tauri::command]
pub fn cancel_connect(state: tauri::State<'_, AppState>) -> Result<(), EngineError> {
    state.desktop()?.cancel_connect.notify_waiters();
    Ok(())
}

async fn run(
    app: &tauri::AppHandle,
    desktop: &Desktop,
    plan: Plan,
    reconnect: Option<i64>,
) -> Result<ConnectSummary, EngineError> {
    let _one = desktop.connecting.try_lock().map_err(|_| {
        EngineError::new(
            ErrorCode::InvalidInput,
            "a connect is already waiting for the browser: finish it or cancel it first",
        )
    })?;
    let is_sim = matches!(plan.consent, Consent::Follow(_));
    let store = desktop.engine.shared_store();
    let request = ConnectRequest {
        env: &plan.env,
        app: &plan.app,
        port: plan.port,
        reconnect,
        timeout: plan.timeout,
    };
    let open = |url: &Url| open_consent(app, url, &plan.consent);
    let summary = tokio::select! {
        done = run_flow(&store, &plan.vault, request, open) => done?,
        _ = desktop.cancel_connect.notified() => {
            return Err(EngineError::new(
                ErrorCode::ConnectTimedOut,
                "the connect was cancelled; nothing was changed",
            ))
        }
    };
    if is_sim {
        desktop.secrets.mark_sim(summary.account_id);
    }
    desktop.engine.resume(summary.account_id);
    desktop.engine.wake();
    AppEvent::AccountsChanged.emit(app, summary.account_id);
    Ok(summary)
}

fn open_consent(app: &tauri::AppHandle, url: &Url, consent: &Consent) -> Result<(), EngineError> {
    match consent {
        Consent::Browser => {
            AppEvent::ConnectUrl.emit(app, url.as_str());
            // A browser that does not open is not fatal: the window shows the address.
            if let Err(e) = app.opener().open_url(url.as_str(), None::<&str>) {
                tracing::warn!(
                    "the system browser did not open ({e}); the window shows the address"
                );
            }
            Ok(())
        }
        Consent::Follow(user) => {
            let mut url = url.clone();
            url.query_pairs_mut().append_pair("account", user);
            let client = reqwest::Client::builder()
                .no_proxy()
                .build()
                .map_err(|e| EngineError::new(ErrorCode::PinterestUnavailable, e.to_string()))?;
            tauri::async_runtime::spawn(async move {
                // The consent URL carries the connect's `state`: only the failure's kind is logged.
                if let Err(e) = client.get(url).send().await {
                    tracing::warn!(
                        timeout = e.is_timeout(),
                        connect = e.is_connect(),
                        "the built-in simulator's consent page did not answer"
                    );
                }
            });
            Ok(())
        }
    }
}
