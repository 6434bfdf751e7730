//! Settings: typed values stored as JSON under a key. Unknown or unreadable values fall back to
//! the default rather than stopping the app; writing validates by serialising a typed value.
//! A readable value can still be out of bounds (a hand-edited table): the reader that turns it
//! into times checks it (`EngineConfig::from_settings`), and the property test below holds every
//! key to "any stored text reads as a value or as the default, never a panic".

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

    /// Before: a stored policy of 500-year delays was taken as it was and overflowed a time
    /// when a retry was scheduled; now it reads as the default, like an unreadable one.
    #[test]
    fn an_out_of_bounds_policy_or_grace_reads_as_the_default() {
        use crate::scheduler::config::EngineConfig;
        let store = Store::open_in_memory().unwrap();
        let centuries = std::time::Duration::from_secs(500 * 365 * 86_400);
        let huge = RetryPolicy {
            max_delay: centuries,
            base_delay: centuries,
            ..Default::default()
        };
        store.set_setting(keys::RETRY_POLICY, &huge).unwrap();
        store
            .set_setting(keys::CATCH_UP_GRACE_SECS, &u64::MAX)
            .unwrap();
        let config = EngineConfig::from_settings(&store);
        let default = EngineConfig::default();
        assert_eq!(config.retry, default.retry);
        assert_eq!(config.catch_up_grace, default.catch_up_grace);
        let zero_attempts = RetryPolicy {
            max_attempts: 0,
            ..Default::default()
        };
        store
            .set_setting(keys::RETRY_POLICY, &zero_attempts)
            .unwrap();
        assert_eq!(EngineConfig::from_settings(&store).retry, default.retry);
    }

    fn stored_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            ".{0,40}",
            crate::fuzz::json_value().prop_map(|v| v.to_string()),
            crate::fuzz::near(serde_json::json!({
                "max_attempts": 6, "max_total_delay": {"secs": 21600, "nanos": 0},
                "base_delay": {"secs": 2, "nanos": 0}, "max_delay": {"secs": 900, "nanos": 0}
            }))
            .prop_map(|v| v.to_string()),
            crate::fuzz::near(serde_json::json!({
                "time_zone": "Europe/Paris", "times": ["09:00", "18:30"], "days": [1, 2, 3]
            }))
            .prop_map(|v| v.to_string()),
            crate::fuzz::near(serde_json::json!({"kind": "file", "path": "/tmp/s.json"}))
                .prop_map(|v| v.to_string()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

        /// Any text stored under any key reads as a value or as `None` (the caller's default),
        /// and what the engine builds from it runs: a retry decided from the stored policy
        /// gives a time, the next free slot is found or its absence explained.
        #[test]
        fn any_stored_text_reads_as_a_value_or_the_default(text in stored_text()) {
            use crate::scheduler::config::EngineConfig;
            use chrono::{DateTime, TimeDelta, Utc};
            use rand::SeedableRng;
            let mut store = Store::open_in_memory().unwrap();
            let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
            let a = store
                .insert_account("A", &crate::pinterest::Environment::Sandbox, now)
                .unwrap();
            let slots_key = format!("slots:{a}");
            let all = [
                keys::RETRY_POLICY, keys::CATCH_UP_GRACE_SECS, keys::PINTEREST_CLIENT_ID,
                keys::REDIRECT_PORT, keys::SECRETS_BACKEND, keys::BUILTIN_SIM_PORT,
                keys::PAUSED_ALL, keys::DESKTOP_PREFS, keys::CLOSE_TO_TRAY_TOLD, &slots_key,
            ];
            for key in all {
                store
                    .conn()
                    .execute(
                        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        params![key, text],
                    )
                    .unwrap();
            }
            let _ = store.setting::<String>(keys::PINTEREST_CLIENT_ID);
            let _ = store.setting::<u16>(keys::REDIRECT_PORT);
            let _ = store.setting::<u16>(keys::BUILTIN_SIM_PORT);
            let _ = store.setting::<bool>(keys::PAUSED_ALL);
            let _ = store.setting::<bool>(keys::CLOSE_TO_TRAY_TOLD);
            let _ = store.setting::<serde_json::Value>(keys::DESKTOP_PREFS);
            let _ = store.setting::<crate::secrets::SecretsBackend>(keys::SECRETS_BACKEND);
            let _ = crate::queue::slots::next_free_slot(&store, a, now);
            let config = EngineConfig::from_settings(&store);
            proptest::prop_assert!(config.retry.within_bounds());
            let grace = TimeDelta::from_std(config.catch_up_grace).unwrap();
            let _ = now + grace;
            let mut rng = rand::rngs::StdRng::seed_from_u64(1);
            for attempt in [1, 5, 40] {
                if let crate::scheduler::retry::RetryDecision::RetryAfter(w) =
                    config.retry.decide(attempt, std::time::Duration::ZERO, None, &mut rng)
                {
                    let _ = now + TimeDelta::from_std(w).unwrap();
                }
            }
        }
    }
}
