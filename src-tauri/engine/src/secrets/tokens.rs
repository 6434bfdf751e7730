//! The scheduler's `TokenStore` on top of any `SecretVault`. Layout, one JSON value per key:
//! `"<account id>"` -> `{"access", "refresh", "expires_at", "client_id", "server"}`,
//! `"app:<client id>"` -> `{"client_secret"}` for the Pinterest app, and
//! `"server-app:<origin> <client id>"` -> `{"client_secret"}` for a custom server's own app
//! (issue 16 item 5): a separate name, so that a custom server's app never replaces, or is
//! taken for, the Pinterest app, even under the same client id. An account connected to a custom
//! server names that server (`server`, its origin), and its refreshes use that server's app. A
//! tokens file written by hand for the CLI, `{"1": {"access": "...", "refresh": "..."}}`, is a
//! valid vault too.

use crate::AccountId;
use parking_lot::Mutex;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::SecretVault;
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::{AppCredentials, Secret};
use crate::secrets::token_store::{TokenSet, TokenStore};

#[serde_with::skip_serializing_none]
#[derive(Serialize, Deserialize)]
struct TokenEntry {
    access: String,
    #[serde(default)]
    refresh: Option<String>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
    /// The Pinterest app the account was connected through (not a secret).
    #[serde(default)]
    client_id: Option<String>,
    /// The custom server (its origin) whose app that is; none for the Pinterest app.
    #[serde(default)]
    server: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct AppEntry {
    client_secret: String,
}

pub struct VaultTokens {
    vault: Arc<dyn SecretVault>,
    /// App credentials given for this run (the CLI's environment), used for every account.
    default_app: Mutex<Option<AppCredentials>>,
    /// One token write at a time, so that a read-modify-write keeps `client_id`.
    write: Mutex<()>,
}

impl VaultTokens {
    pub fn new(vault: Arc<dyn SecretVault>) -> Self {
        VaultTokens {
            vault,
            default_app: Mutex::new(None),
            write: Mutex::new(()),
        }
    }

    pub fn vault(&self) -> &Arc<dyn SecretVault> {
        &self.vault
    }

    /// App credentials to use for every account, ahead of what the vault holds.
    pub fn set_default_app(&self, app: AppCredentials) {
        *self.default_app.lock() = Some(app);
    }

    fn entry(&self, account: AccountId) -> Result<Option<TokenEntry>, EngineError> {
        let Some(value) = self.vault.get(&account.to_string())? else {
            return Ok(None);
        };
        serde_json::from_value(value).map(Some).map_err(|_| {
            EngineError::new(
                ErrorCode::InvalidInput,
                format!("the stored tokens of account {account} are not in PinPace's format"),
            )
        })
    }

    /// Stores a Pinterest app's secret (the client id is not secret and names the item).
    pub fn save_app(&self, app: &AppCredentials) -> Result<(), EngineError> {
        self.save_app_for(None, app)
    }

    /// The app whose secret the vault holds under `client_id`.
    pub fn app(&self, client_id: &str) -> Result<Option<AppCredentials>, EngineError> {
        self.app_for(None, client_id)
    }

    /// Stores the secret of the app for `server` (a custom server's origin), or of the
    /// Pinterest app when `server` is `None`.
    pub fn save_app_for(
        &self,
        server: Option<&str>,
        app: &AppCredentials,
    ) -> Result<(), EngineError> {
        let value = serde_json::to_value(AppEntry {
            client_secret: app.client_secret.expose().to_string(),
        })
        .expect("serializes");
        self.vault.set(&app_key(server, &app.client_id), &value)
    }

    /// The app for `server` (or the Pinterest app) whose secret the vault holds under
    /// `client_id`.
    pub fn app_for(
        &self,
        server: Option<&str>,
        client_id: &str,
    ) -> Result<Option<AppCredentials>, EngineError> {
        let Some(value) = self.vault.get(&app_key(server, client_id))? else {
            return Ok(None);
        };
        let entry: AppEntry = serde_json::from_value(value).map_err(|_| {
            EngineError::new(
                ErrorCode::InvalidInput,
                "the stored app secret is not in PinPace's format",
            )
        })?;
        Ok(Some(AppCredentials {
            client_id: client_id.to_string(),
            client_secret: Secret::new(entry.client_secret),
        }))
    }

    /// Stores an account's tokens along with the app they were issued to: the Pinterest app,
    /// or, with `server`, that custom server's own.
    pub fn connect(
        &self,
        account: AccountId,
        tokens: TokenSet,
        client_id: &str,
        server: Option<&str>,
    ) -> Result<(), EngineError> {
        let app = (client_id.to_string(), server.map(str::to_string));
        self.put(account, tokens, Some(app))
    }

    /// Removes an account's tokens (disconnect). The app's secret stays for other accounts.
    pub fn forget(&self, account: AccountId) -> Result<(), EngineError> {
        self.vault.delete(&account.to_string())
    }

    fn put(
        &self,
        account: AccountId,
        tokens: TokenSet,
        app: Option<(String, Option<String>)>,
    ) -> Result<(), EngineError> {
        let _one = self.write.lock();
        let (client_id, server) = match app {
            Some((c, s)) => (Some(c), s),
            None => self
                .entry(account)?
                .map(|e| (e.client_id, e.server))
                .unwrap_or_default(),
        };
        let entry = TokenEntry {
            access: tokens.access.expose().to_string(),
            refresh: tokens.refresh.map(|r| r.expose().to_string()),
            expires_at: tokens.expires_at,
            client_id,
            server,
        };
        self.vault.set(
            &account.to_string(),
            &serde_json::to_value(entry).expect("serializes"),
        )
    }
}

impl TokenStore for VaultTokens {
    fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError> {
        Ok(self.entry(account)?.map(|e| TokenSet {
            access: Secret::new(e.access),
            refresh: e.refresh.map(Secret::new),
            expires_at: e.expires_at,
        }))
    }
    fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError> {
        self.put(account, tokens, None)
    }
    fn read_app_credentials(
        &self,
        account: AccountId,
    ) -> Result<Option<AppCredentials>, EngineError> {
        if let Some(app) = self.default_app.lock().clone() {
            return Ok(Some(app));
        }
        match self.entry(account)? {
            Some(TokenEntry {
                client_id: Some(client_id),
                server,
                ..
            }) => self.app_for(server.as_deref(), &client_id),
            _ => Ok(None),
        }
    }
}

/// The vault's name for an app's secret: the Pinterest app's, or a custom server's own.
fn app_key(server: Option<&str>, client_id: &str) -> String {
    match server {
        None => format!("app:{client_id}"),
        Some(origin) => format!("server-app:{origin} {client_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{FileVault, MemoryVault};

    fn set(access: &str, refresh: &str) -> TokenSet {
        TokenSet {
            access: Secret::new(access),
            refresh: Some(Secret::new(refresh)),
            expires_at: Some("2026-11-23T10:00:00Z".parse().unwrap()),
        }
    }

    #[test]
    fn a_rotation_keeps_the_app_and_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let tokens = VaultTokens::new(Arc::new(FileVault::open(&path).unwrap()));
        let app = AppCredentials {
            client_id: "1484".into(),
            client_secret: Secret::new("shh"),
        };
        tokens.save_app(&app).unwrap();
        tokens
            .connect(AccountId(7), set("a1", "r1"), "1484", None)
            .unwrap();
        tokens.store_tokens(AccountId(7), set("a2", "r2")).unwrap();
        let again = VaultTokens::new(Arc::new(FileVault::open(&path).unwrap()));
        let t = again.tokens(AccountId(7)).unwrap();
        assert_eq!(
            (t.access.expose(), t.refresh.unwrap().expose()),
            ("a2", "r2")
        );
        assert_eq!(t.expires_at, set("", "").expires_at);
        let found = again.app_credentials(AccountId(7)).unwrap();
        assert_eq!(found.client_id, "1484");
        assert_eq!(found.client_secret.expose(), "shh");
        again.forget(AccountId(7)).unwrap();
        assert!(again.tokens(AccountId(7)).is_none());
        assert!(again.app("1484").unwrap().is_some(), "the app stays");
    }

    #[test]
    fn a_custom_servers_app_is_kept_apart_from_the_pinterest_app_under_the_same_client_id() {
        let tokens = VaultTokens::new(Arc::new(MemoryVault::default()));
        let app = |secret: &str| AppCredentials {
            client_id: "1484".into(),
            client_secret: Secret::new(secret),
        };
        let server = Some("https://pins.example.com");
        tokens.save_app(&app("production-secret")).unwrap();
        tokens.save_app_for(server, &app("custom-secret")).unwrap();
        let secret_of = |s: Option<&str>| {
            tokens
                .app_for(s, "1484")
                .unwrap()
                .unwrap()
                .client_secret
                .expose()
                .to_string()
        };
        assert_eq!(secret_of(None), "production-secret");
        assert_eq!(secret_of(server), "custom-secret");
        assert!(tokens
            .app_for(Some("https://other.example.com"), "1484")
            .unwrap()
            .is_none());
        // An account connected to the custom server refreshes with that server's app, also
        // after a rotation that does not name the app.
        tokens
            .connect(AccountId(2), set("a1", "r1"), "1484", server)
            .unwrap();
        tokens.store_tokens(AccountId(2), set("a2", "r2")).unwrap();
        let found = tokens.app_credentials(AccountId(2)).unwrap();
        assert_eq!(found.client_secret.expose(), "custom-secret");
        tokens
            .connect(AccountId(3), set("a1", "r1"), "1484", None)
            .unwrap();
        let found = tokens.app_credentials(AccountId(3)).unwrap();
        assert_eq!(found.client_secret.expose(), "production-secret");
    }

    #[test]
    fn a_hand_written_cli_tokens_file_is_read() {
        let vault = MemoryVault::default();
        vault
            .set(
                "3",
                &serde_json::json!({"access": "pina_a", "refresh": "pinr_b"}),
            )
            .unwrap();
        let tokens = VaultTokens::new(Arc::new(vault));
        assert_eq!(
            tokens.tokens(AccountId(3)).unwrap().access.expose(),
            "pina_a"
        );
        assert!(tokens.app_credentials(AccountId(3)).is_none());
        tokens.set_default_app(AppCredentials {
            client_id: "c".into(),
            client_secret: Secret::new("s"),
        });
        assert_eq!(tokens.app_credentials(AccountId(3)).unwrap().client_id, "c");
    }
}
