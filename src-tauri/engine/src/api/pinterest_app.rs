//! Settings for connecting real accounts: the user's Pinterest app (client id in the store,
//! secret in the vault), the redirect port, and where secrets live. The view carries the guide's
//! facts (redirect URI, scopes and why) so the screen and the README say the same thing. Every
//! value is checked before anything is written.
//!
//! A custom server has an app of its own (issue 16 item 5): it is sent that app's secret and
//! never the Pinterest app's. Its client id is kept in the store by the server's origin, its
//! secret in the same vault as the Pinterest app's under a name of its own
//! (`VaultTokens::save_app_for`), so the two can share a client id and still not mix.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::Workspace;
use crate::accounts::DEFAULT_REDIRECT_PORT;
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::oauth::SCOPE_REASONS;
use crate::pinterest::{AppCredentials, Environment, Secret};
use crate::secrets::{no_vault, AppSecrets, SecretsBackend};
use crate::sim::SimConfig;
use crate::store::settings::keys;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ScopeReason {
    pub scope: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SecretsView {
    pub backend: SecretsBackend,
    /// Whether that vault answers now.
    pub available: bool,
    /// Why it does not (keychain service missing, file unreadable).
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PinterestAppView {
    pub client_id: Option<String>,
    /// The secret itself never leaves the vault; the screen only learns that one is stored.
    pub has_secret: bool,
    pub redirect_port: u16,
    pub redirect_uri: String,
    pub scopes: Vec<ScopeReason>,
    pub secrets: SecretsView,
    /// The built-in simulator's Pinterest users (the demo needs no Pinterest app).
    pub simulator_users: Vec<String>,
}

/// The saved client id (if any) and redirect port (or the default).
pub fn app_settings(ws: &impl Workspace) -> (Option<String>, u16) {
    let store = ws.store();
    (
        store.setting::<String>(keys::PINTEREST_CLIENT_ID),
        store
            .setting::<u16>(keys::REDIRECT_PORT)
            .unwrap_or(DEFAULT_REDIRECT_PORT),
    )
}

/// The built-in simulator's users: the demo accounts it is seeded with.
pub fn simulator_users() -> Vec<String> {
    SimConfig::demo_accounts()
        .into_iter()
        .map(|a| a.username)
        .collect()
}

pub fn view(ws: &impl Workspace, secrets: &AppSecrets) -> PinterestAppView {
    let (client_id, port) = app_settings(ws);
    let real = secrets.real();
    let has_secret = match (&real, &client_id) {
        (Ok(vault), Some(id)) => matches!(vault.app(id), Ok(Some(_))),
        _ => false,
    };
    PinterestAppView {
        client_id,
        has_secret,
        redirect_port: port,
        redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        scopes: SCOPE_REASONS
            .iter()
            .map(|(scope, why)| ScopeReason {
                scope: scope.to_string(),
                why: why.to_string(),
            })
            .collect(),
        secrets: SecretsView {
            backend: secrets.backend(),
            available: real.is_ok(),
            problem: real.err().map(|e| e.message),
        },
        simulator_users: simulator_users(),
    }
}

fn check_client_id(client_id: &str, what: &str) -> Result<(), EngineError> {
    if client_id.is_empty() || client_id.len() > 200 || client_id.chars().any(char::is_whitespace) {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!("the client id is {what} (no spaces)"),
        ));
    }
    Ok(())
}

fn check(client_id: &str, redirect_port: u16) -> Result<(), EngineError> {
    let bad = |m: &str| Err(EngineError::new(ErrorCode::InvalidInput, m));
    check_client_id(
        client_id,
        "the app id shown in Pinterest's developer portal",
    )?;
    if redirect_port < 1024 {
        return bad(
            "choose a redirect port from 1024 to 65535, the one in the redirect URI you registered",
        );
    }
    Ok(())
}

/// Saves the app's client id and redirect port, and its secret when one is given (an empty
/// secret keeps the stored one). Checked first; nothing is written on an error.
pub fn save(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    client_id: &str,
    client_secret: Option<&str>,
    redirect_port: u16,
) -> Result<PinterestAppView, EngineError> {
    let client_id = client_id.trim().to_string();
    check(&client_id, redirect_port)?;
    let secret = client_secret.map(str::trim).filter(|s| !s.is_empty());
    if let Some(secret) = secret {
        let vault = secrets.real().map_err(|e| no_vault(&e))?;
        vault.save_app(&AppCredentials {
            client_id: client_id.clone(),
            client_secret: Secret::new(secret.to_string()),
        })?;
    }
    {
        let store = ws.store();
        store.set_setting(keys::PINTEREST_CLIENT_ID, &client_id)?;
        store.set_setting(keys::REDIRECT_PORT, &redirect_port)?;
    }
    tracing::info!(redirect_port, "the Pinterest app's settings were saved");
    Ok(view(ws, secrets))
}

/// Chooses where real accounts' secrets live. The vault is opened first: a keychain that does
/// not answer, or a file that cannot be written, is refused and the old choice stays.
pub fn choose_secrets_backend(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    backend: &SecretsBackend,
) -> Result<PinterestAppView, EngineError> {
    if let SecretsBackend::File { path } = backend {
        if !std::path::Path::new(path).is_absolute() {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "give the secrets file as a full path",
            ));
        }
    }
    secrets.choose(backend.clone())?;
    ws.store().set_setting(keys::SECRETS_BACKEND, backend)?;
    Ok(view(ws, secrets))
}

/// A custom server's own app, as the connect screen shows it: where its secret and the
/// account's tokens go, and whether they are saved. The secret itself never leaves the vault.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CustomServerAppView {
    /// The server's origin (`https://host[:port]`): where the secret and the tokens are sent.
    pub origin: String,
    pub client_id: Option<String>,
    pub has_secret: bool,
}

fn custom_origin(base_url: &str) -> Result<String, EngineError> {
    let env = Environment::custom(base_url)?;
    Ok(env
        .app_origin()
        .expect("a checked custom base URL has an origin"))
}

/// The client id saved for the custom server at `origin`, if any.
pub fn custom_server_client_id(ws: &impl Workspace, origin: &str) -> Option<String> {
    ws.store()
        .setting::<BTreeMap<String, String>>(keys::CUSTOM_SERVER_APPS)
        .and_then(|apps| apps.get(origin).cloned())
}

/// The app saved for the custom server at `origin`, from the real vault; `None` when its client
/// id or its secret is missing.
pub fn custom_server_credentials(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    origin: &str,
) -> Result<Option<AppCredentials>, EngineError> {
    let Some(client_id) = custom_server_client_id(ws, origin) else {
        return Ok(None);
    };
    let vault = secrets.real().map_err(|e| no_vault(&e))?;
    vault.app_for(Some(origin), &client_id)
}

/// What is saved for the custom server at `base_url` (checked like every custom base URL).
pub fn custom_server_app(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    base_url: &str,
) -> Result<CustomServerAppView, EngineError> {
    let origin = custom_origin(base_url)?;
    let client_id = custom_server_client_id(ws, &origin);
    let has_secret = match (&client_id, secrets.real()) {
        (Some(id), Ok(vault)) => matches!(vault.app_for(Some(&origin), id), Ok(Some(_))),
        _ => false,
    };
    Ok(CustomServerAppView {
        origin,
        client_id,
        has_secret,
    })
}

/// Saves the custom server's own app: its client id by the server's origin, and its secret
/// (when one is given; an empty one keeps the stored one) in the vault under that origin. The
/// base URL and the client id are checked first, and a new client id needs its secret: nothing
/// is written on an error.
pub fn save_custom_server_app(
    ws: &impl Workspace,
    secrets: &AppSecrets,
    base_url: &str,
    client_id: &str,
    client_secret: Option<&str>,
) -> Result<CustomServerAppView, EngineError> {
    let origin = custom_origin(base_url)?;
    let client_id = client_id.trim().to_string();
    check_client_id(&client_id, "the one the custom server gave you for PinPace")?;
    let secret = client_secret.map(str::trim).filter(|s| !s.is_empty());
    let vault = secrets.real().map_err(|e| no_vault(&e))?;
    match secret {
        Some(secret) => vault.save_app_for(
            Some(&origin),
            &AppCredentials {
                client_id: client_id.clone(),
                client_secret: Secret::new(secret.to_string()),
            },
        )?,
        None if vault.app_for(Some(&origin), &client_id)?.is_none() => {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "enter the custom server's client secret too: none is saved for this client id",
            ))
        }
        None => {}
    }
    {
        let store = ws.store();
        let mut apps = store
            .setting::<BTreeMap<String, String>>(keys::CUSTOM_SERVER_APPS)
            .unwrap_or_default();
        apps.insert(origin.clone(), client_id);
        store.set_setting(keys::CUSTOM_SERVER_APPS, &apps)?;
    }
    // The origin is logged by kind only: a custom URL is never logged (accounts/mod.rs).
    tracing::info!(
        secret_changed = secret.is_some(),
        "a custom server's own app was saved"
    );
    custom_server_app(ws, secrets, base_url)
}
