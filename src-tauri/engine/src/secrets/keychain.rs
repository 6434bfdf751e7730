//! Secrets in the OS keychain through the keyring crate: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows. One keychain item per key, under the service name
//! `app.pinpace.desktop`, holding the value's JSON. When no keychain service answers (a headless
//! server, CI) every call fails with `keychain_unavailable` and the user picks the file fallback
//! explicitly; nothing falls back silently.

use serde_json::Value;

use super::SecretVault;
use crate::error::{EngineError, ErrorCode};

/// The service name every PinPace keychain item is filed under.
pub const SERVICE: &str = "app.pinpace.desktop";

#[derive(Debug, Clone)]
pub struct KeychainVault {
    service: String,
}

impl Default for KeychainVault {
    fn default() -> Self {
        KeychainVault {
            service: SERVICE.to_string(),
        }
    }
}

impl KeychainVault {
    /// A vault under another service name (tests keep their items apart from the app's).
    pub fn with_service(service: &str) -> Self {
        KeychainVault {
            service: service.to_string(),
        }
    }

    /// Checks that a keychain service answers, by writing and removing a probe item.
    pub fn probe(&self) -> Result<(), EngineError> {
        self.set("probe", &Value::Bool(true))?;
        self.delete("probe")
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, EngineError> {
        keyring::Entry::new(&self.service, key).map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> EngineError {
    // keyring's errors describe the platform's failure, never the secret.
    EngineError::new(
        ErrorCode::KeychainUnavailable,
        format!(
            "the system keychain cannot be used ({e}); on a machine without one, choose the \
             secrets file in settings"
        ),
    )
}

impl SecretVault for KeychainVault {
    fn get(&self, key: &str) -> Result<Option<Value>, EngineError> {
        match self.entry(key)?.get_password() {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|_| {
                EngineError::new(
                    ErrorCode::KeychainUnavailable,
                    format!(
                        "the keychain item {key} of {} is not PinPace's",
                        self.service
                    ),
                )
            }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }
    fn set(&self, key: &str, value: &Value) -> Result<(), EngineError> {
        self.entry(key)?
            .set_password(&value.to_string())
            .map_err(unavailable)
    }
    fn delete(&self, key: &str) -> Result<(), EngineError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Runs against the real Secret Service: `make test` starts a private D-Bus session with an
    /// unlocked gnome-keyring for it (scripts/keychain-test.sh).
    #[test]
    #[ignore = "needs a keychain service: run by scripts/keychain-test.sh"]
    fn a_value_round_trips_through_the_real_keychain() {
        let vault = KeychainVault::with_service("app.pinpace.desktop.test");
        vault.probe().unwrap();
        vault
            .set("account:1", &json!({"access": "pina_x"}))
            .unwrap();
        assert_eq!(
            vault.get("account:1").unwrap(),
            Some(json!({"access": "pina_x"}))
        );
        vault.delete("account:1").unwrap();
        assert_eq!(vault.get("account:1").unwrap(), None);
        vault.delete("account:1").unwrap();
    }
}
