//! The simulator's configuration, as one serde type so that the same shape is read from a JSON
//! file (`pinpace-sim --config`), sent to the admin API, and built in tests. Every field has a
//! default, so `{}` is a valid config: standard-access limits, auto-approved OAuth, no faults.
//! A file is outside input: `SimConfig::from_json` parses and then checks the numbers that
//! become times (`validate`), so any text gives a config or a sentence, never a panic later.

use serde::{Deserialize, Serialize};

use super::faults::FaultRule;
use super::quirks::{AccountQuirks, Quirks};

/// Whose quota a limit counts: each account's token separately, or the whole app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    User,
    App,
}

/// Which requests a limit counts: all of them (the universal limit) or one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitCategory {
    All,
    OrgRead,
    OrgWrite,
}

/// One rolling-window policy: at most `limit` requests in any interval of `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LimitSpec {
    pub scope: Scope,
    pub category: LimitCategory,
    pub limit: u32,
    pub window_secs: u64,
}

impl LimitSpec {
    pub const fn new(scope: Scope, category: LimitCategory, limit: u32, window_secs: u64) -> Self {
        LimitSpec {
            scope,
            category,
            limit,
            window_secs,
        }
    }
}

/// Pinterest's published access tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Per app, per day: 1000 requests in all, org_write 300, org_read 1000.
    Trial,
    /// Per user: 100 requests/second in all, org_write 100/minute, org_read 1000/minute.
    Standard,
    /// No limits at all (only the custom `limits`).
    None,
}

impl Preset {
    pub fn limits(self) -> Vec<LimitSpec> {
        use LimitCategory::*;
        const DAY: u64 = 86_400;
        match self {
            Preset::Trial => vec![
                LimitSpec::new(Scope::App, All, 1000, DAY),
                LimitSpec::new(Scope::App, OrgWrite, 300, DAY),
                LimitSpec::new(Scope::App, OrgRead, 1000, DAY),
            ],
            Preset::Standard => vec![
                LimitSpec::new(Scope::User, All, 100, 1),
                LimitSpec::new(Scope::User, OrgWrite, 100, 60),
                LimitSpec::new(Scope::User, OrgRead, 1000, 60),
            ],
            Preset::None => vec![],
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        match s {
            "trial" => Some(Preset::Trial),
            "standard" => Some(Preset::Standard),
            "none" => Some(Preset::None),
            _ => None,
        }
    }
}

/// An account to create at start, with its boards (and their sections).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountSeed {
    pub username: String,
    pub boards: Vec<BoardSeed>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BoardSeed {
    pub name: String,
    pub sections: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    /// 0 = any free port.
    pub port: u16,
    pub client_id: String,
    pub client_secret: String,
    /// `true`: `/oauth/` redirects at once with a code; `false`: shows an Allow/Deny page.
    pub auto_approve: bool,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    pub auth_code_ttl_secs: i64,
    /// The tier whose limits apply; `limits` are added to it.
    pub preset: Preset,
    pub limits: Vec<LimitSpec>,
    /// A trial app calling production: pin creation answers 403 with code 29.
    pub trial_production: bool,
    /// `GET /media/{id}` answers `processing` this many times before `succeeded`.
    pub media_processing_polls: u32,
    /// Seed of the fault and token RNGs: the same seed gives the same run.
    pub seed: u64,
    pub faults: Vec<FaultRule>,
    /// How the server misbehaves for every account without an override (default: not at all).
    pub quirks: Quirks,
    /// Per-account replacements of `quirks`, by account id or username; the last match wins.
    pub account_quirks: Vec<AccountQuirks>,
    pub accounts: Vec<AccountSeed>,
    /// The key `/_sim` requests must carry in `X-Sim-Key`; none: a random one at each start
    /// (`SimHandle::admin_key`). For scripts that start `pinpace-sim` and want to know it.
    pub admin_key: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            client_id: "pinpace-sim-client".into(),
            client_secret: "pinpace-sim-secret".into(),
            auto_approve: true,
            access_token_ttl_secs: 30 * 86_400,
            refresh_token_ttl_secs: 60 * 86_400,
            auth_code_ttl_secs: 600,
            preset: Preset::Standard,
            limits: vec![],
            trial_production: false,
            media_processing_polls: 2,
            seed: 1,
            faults: vec![],
            quirks: Quirks::default(),
            account_quirks: vec![],
            accounts: vec![],
            admin_key: None,
        }
    }
}

/// The longest span a config may name (a token lifetime, a limit's window): ten years.
pub const LONGEST_SPAN_SECS: i64 = 10 * 365 * 86_400;

impl SimConfig {
    /// Reads a config file's text (JSON) and checks it (`validate`).
    pub fn from_json(text: &str) -> Result<SimConfig, String> {
        let config: SimConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        Ok(config)
    }

    /// Refuses numbers that cannot be times: a token lifetime outside 0..=10 years, a limit's
    /// window longer than 10 years (either would overflow a time when a token is issued or a
    /// request counted; the limiter saturates too, for limits sent to the admin API).
    pub fn validate(&self) -> Result<(), String> {
        for (name, ttl) in [
            ("access_token_ttl_secs", self.access_token_ttl_secs),
            ("refresh_token_ttl_secs", self.refresh_token_ttl_secs),
            ("auth_code_ttl_secs", self.auth_code_ttl_secs),
        ] {
            if !(0..=LONGEST_SPAN_SECS).contains(&ttl) {
                return Err(format!(
                    "{name} is {ttl}; it must be from 0 to {LONGEST_SPAN_SECS} (ten years)"
                ));
            }
        }
        for l in &self.limits {
            if l.window_secs > LONGEST_SPAN_SECS as u64 {
                return Err(format!(
                    "a limit's window_secs is {}; it must be at most {LONGEST_SPAN_SECS} (ten years)",
                    l.window_secs
                ));
            }
        }
        Ok(())
    }

    /// The policies in force for every account without an override.
    pub fn effective_limits(&self) -> Vec<LimitSpec> {
        let mut all = self.preset.limits();
        all.extend(self.limits.iter().copied());
        all
    }

    /// Two demo accounts with a few boards and sections, for `--demo` and first runs.
    pub fn demo_accounts() -> Vec<AccountSeed> {
        let board = |name: &str, sections: &[&str]| BoardSeed {
            name: name.into(),
            sections: sections.iter().map(|s| s.to_string()).collect(),
        };
        vec![
            AccountSeed {
                username: "demo_kitchen".into(),
                boards: vec![
                    board("Weeknight dinners", &["Pasta", "Soups"]),
                    board("Baking", &["Bread", "Cakes"]),
                    board("Kitchen tips", &[]),
                ],
            },
            AccountSeed {
                username: "demo_travel".into(),
                boards: vec![
                    board("City breaks", &["Europe", "Asia"]),
                    board("Hiking", &[]),
                ],
            },
        ]
    }
}

/// The config file is outside input (issue 16 item 10): any text gives a config or a sentence,
/// and a config that is accepted runs (tokens issued, requests counted) without a panic.
#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::fuzz::{damage, edits, json_value, near};
    use crate::pinterest::types::Category;
    use crate::sim::limits::Limiter;
    use crate::sim::state::SimState;

    fn valid() -> serde_json::Value {
        json!({
            "port": 0, "client_id": "c", "client_secret": "s", "auto_approve": true,
            "access_token_ttl_secs": 3600, "refresh_token_ttl_secs": 86400,
            "auth_code_ttl_secs": 600, "preset": "trial",
            "limits": [{"scope": "user", "category": "org_write", "limit": 5, "window_secs": 60}],
            "trial_production": false, "media_processing_polls": 2, "seed": 7,
            "faults": [{"kind": "server_error", "probability": 0.5}],
            "quirks": {"clock_offset_secs": -90},
            "account_quirks": [{"account": "alice", "listing_delay_ms": 100}],
            "accounts": [{"username": "alice", "boards": [{"name": "B", "sections": ["S"]}]}]
        })
    }

    fn check(text: &str) {
        let Ok(config) = SimConfig::from_json(text) else {
            return;
        };
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let limits = config.effective_limits();
        let mut state = SimState::new(config);
        let id = state.add_account("fuzz");
        let _ = state.issue_tokens(&id, "boards:read", "authorization_code", now);
        let mut limiter = Limiter::default();
        for step in [0, 1, 61, 86_401] {
            let at = now + TimeDelta::seconds(step);
            let _ = limiter.check(at, &id, Category::OrgWrite, &limits);
            let _ = limiter.check(at, &id, Category::OrgRead, &limits);
        }
    }

    #[test]
    fn the_valid_sample_is_valid() {
        SimConfig::from_json(&valid().to_string()).unwrap();
        SimConfig::from_json("{}").unwrap();
        check(&valid().to_string());
    }

    /// Before: these parsed, and the simulator panicked on the first token it issued or the
    /// first request it counted (`TimeDelta::seconds` out of range).
    #[test]
    fn times_that_cannot_be_times_are_refused_at_load() {
        for bad in [
            json!({"access_token_ttl_secs": i64::MAX}),
            json!({"refresh_token_ttl_secs": i64::MIN}),
            json!({"auth_code_ttl_secs": -1}),
            json!({"limits": [{"scope": "app", "category": "all", "limit": 1, "window_secs": u64::MAX}]}),
        ] {
            let err = SimConfig::from_json(&bad.to_string()).unwrap_err();
            assert!(err.contains("ten years"), "{err}");
        }
    }

    /// The admin API sets limits without `validate`: the limiter itself saturates. Before, a
    /// window of `u64::MAX` seconds panicked in `TimeDelta::seconds`.
    #[test]
    fn the_limiter_takes_any_window() {
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let mut limiter = Limiter::default();
        for window in [u64::MAX, i64::MAX as u64, 0] {
            let policies = [LimitSpec::new(Scope::User, LimitCategory::All, 1, window)];
            let _ = limiter.check(now, "1", Category::OrgRead, &policies);
            let _ = limiter.check(now, "1", Category::OrgRead, &policies);
            let _ = limiter.used(now, Some("1"), LimitCategory::All, window);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_text_is_a_config_or_an_error(text in ".{0,200}") {
            check(&text);
        }

        #[test]
        fn any_json_is_a_config_or_an_error(value in json_value()) {
            check(&value.to_string());
        }

        #[test]
        fn a_near_valid_config_is_a_config_or_an_error(value in near(valid())) {
            check(&value.to_string());
        }

        #[test]
        fn a_damaged_config_is_a_config_or_an_error(edits in edits()) {
            let bytes = damage(valid().to_string().as_bytes(), &edits);
            check(&String::from_utf8_lossy(&bytes));
        }
    }
}
