//! The simulator's configuration, as one serde type so that the same shape is read from a JSON
//! file (`pinpace-sim --config`), sent to the admin API, and built in tests. Every field has a
//! default, so `{}` is a valid config: standard-access limits, auto-approved OAuth, no faults.

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

impl SimConfig {
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
