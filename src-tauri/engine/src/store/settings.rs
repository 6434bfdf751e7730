//! Settings: typed values stored as JSON under a key. Unknown or unreadable values fall back to
//! the default rather than stopping the app; writing validates by serialising a typed value.

use rusqlite::{params, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Store;
use crate::error::EngineError;

pub mod keys {
    pub const RETRY_POLICY: &str = "retry_policy";
    pub const CATCH_UP_GRACE_SECS: &str = "catch_up_grace_secs";
    /// The user's Pinterest app: its client id (not secret; the secret is in the keychain).
    pub const PINTEREST_CLIENT_ID: &str = "pinterest_client_id";
    /// Each custom server's own app: its client id by the server's origin (a JSON object);
    /// the secrets are in the vault, named by origin too (issue 16 item 5).
    pub const CUSTOM_SERVER_APPS: &str = "custom_server_apps";
    /// The loopback port of the redirect URI registered with that app.
    pub const REDIRECT_PORT: &str = "redirect_port";
    /// Where secrets live: the OS keychain, or a file the user chose (`SecretsBackend`).
    pub const SECRETS_BACKEND: &str = "secrets_backend";
    /// The port the desktop's built-in simulator last listened on.
    pub const BUILTIN_SIM_PORT: &str = "builtin_sim_port";
    /// The user paused every account ("Pause all" in the tray): nothing is sent until resumed.
    pub const PAUSED_ALL: &str = "paused_all";
    /// The desktop's own preferences (notifications, tray, time zone), one JSON value.
    pub const DESKTOP_PREFS: &str = "desktop_prefs";
    /// The desktop told the user once that closing the window keeps PinPace in the tray.
    pub const CLOSE_TO_TRAY_TOLD: &str = "close_to_tray_told";
}

impl Store {
    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .ok()
            .flatten();
        text.and_then(|t| serde_json::from_str(&t).ok())
    }

    pub fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<(), EngineError> {
        let json = serde_json::to_string(value).expect("settings serialise");
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, json],
            )
            .map_err(super::open::classify)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::retry::RetryPolicy;

    #[test]
    fn settings_round_trip_and_fall_back() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.setting::<RetryPolicy>(keys::RETRY_POLICY), None);
        let p = RetryPolicy {
            max_attempts: 3,
            ..Default::default()
        };
        store.set_setting(keys::RETRY_POLICY, &p).unwrap();
        assert_eq!(store.setting::<RetryPolicy>(keys::RETRY_POLICY), Some(p));
        store
            .conn()
            .execute(
                "UPDATE settings SET value = 'garbage' WHERE key = 'retry_policy'",
                [],
            )
            .unwrap();
        assert_eq!(store.setting::<RetryPolicy>(keys::RETRY_POLICY), None);
    }
}
