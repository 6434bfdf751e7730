//! Everything the simulator knows, in one plain struct behind one mutex: accounts, boards,
//! sections, pins, media, tokens, limits, faults, records and stats. One lock keeps each request
//! atomic (check limit, create pin, record it) without lock-ordering puzzles; handlers never
//! hold it across an await. Ids are decimal strings from one counter, so they are digits only
//! like Pinterest's and increase with creation, which the list bookmarks rely on.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::config::{LimitCategory, LimitSpec, Scope, SimConfig};
use super::faults::FaultRule;
use super::limits::Limiter;
use super::quirks::QuirkTable;
use crate::pin_text::PinText;
use crate::pinterest::types::{Board, BoardSection, MediaStatus, TokenResponse};

#[derive(Debug, Clone)]
pub struct AccountRec {
    pub id: String,
    pub username: String,
    pub spam_blocked: bool,
    /// The latest Retry-After given to this account ends here.
    pub retry_after_until: Option<DateTime<Utc>>,
    /// When the first 429 of that wait was answered.
    pub retry_after_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct BoardRec {
    pub board: Board,
    pub account: String,
    pub sections: Vec<BoardSection>,
}

/// A pin as created, kept forever (deleted ones too) for exactly-once checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreatedPin {
    /// Creation order across the whole simulator, from 1.
    pub seq: u64,
    pub id: String,
    pub account_id: String,
    pub board_id: String,
    pub board_section_id: Option<String>,
    #[serde(flatten)]
    pub text: PinText,
    /// `image`, `multiple_images` or `video`.
    pub media_type: String,
    /// What the media was, e.g. `png:<fnv64 of the bytes>`, `url:<fnv64 of the url>`.
    pub media_fingerprint: String,
    /// The true instant of creation (the simulator's clock, whatever the account's quirks).
    pub created_at: DateTime<Utc>,
    /// The same instant as the server wrote it in `created_at` (its clock offset applied).
    pub server_created_at: DateTime<Utc>,
    /// The true instant from which its board's listing shows it (listing delay applied).
    pub listed_at: DateTime<Utc>,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct MediaRec {
    pub account: String,
    pub key: String,
    pub signature: String,
    /// `None` until the file is posted; the number of bytes after.
    pub uploaded_bytes: Option<usize>,
    pub polls: u32,
    pub status: MediaStatus,
}

#[derive(Debug, Clone)]
pub struct AccessRec {
    pub account: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct RefreshRec {
    pub account: String,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(Debug, Clone)]
pub struct CodeRec {
    pub account: String,
    pub redirect_uri: String,
    pub scope: String,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

/// Counts of what clients sent. Status 0 stands for a connection closed with no answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RequestStats {
    pub total: u64,
    pub by_endpoint: BTreeMap<String, BTreeMap<u16, u64>>,
    pub rate_limited: u64,
    pub rate_limited_by_account: BTreeMap<String, u64>,
    /// Requests an account sent while a Retry-After it was given had not yet run out (those
    /// arriving within `EARLY_RETRY_GRACE` of the 429 left before the client could read it).
    pub early_retries_by_account: BTreeMap<String, u64>,
}

impl RequestStats {
    pub fn count(&self, endpoint: &str, status: u16) -> u64 {
        self.by_endpoint
            .get(endpoint)
            .and_then(|m| m.get(&status))
            .copied()
            .unwrap_or(0)
    }
}

#[derive(Debug)]
pub struct SimState {
    pub config: SimConfig,
    pub limiter: Limiter,
    pub limits: Vec<LimitSpec>,
    /// Per-account replacement of the user-scope policies.
    pub account_limits: HashMap<String, Vec<LimitSpec>>,
    pub faults: Vec<FaultRule>,
    pub quirks: QuirkTable,
    pub fault_rng: StdRng,
    token_rng: StdRng,
    next_id: u64,
    pub accounts: BTreeMap<String, AccountRec>,
    pub boards: BTreeMap<u64, BoardRec>,
    pub pins: BTreeMap<u64, CreatedPin>,
    pub media: HashMap<String, MediaRec>,
    pub access: HashMap<String, AccessRec>,
    pub refresh: HashMap<String, RefreshRec>,
    pub codes: HashMap<String, CodeRec>,
    pub stats: RequestStats,
    /// The client credentials each `POST /oauth/token` presented (id, secret), right or wrong,
    /// so tests can say which app's secret a server was sent.
    pub token_clients: Vec<(String, String)>,
}

impl SimState {
    pub fn new(config: SimConfig) -> Self {
        SimState {
            limiter: Limiter::default(),
            limits: config.effective_limits(),
            account_limits: HashMap::new(),
            faults: config.faults.clone(),
            quirks: QuirkTable {
                default: config.quirks,
                accounts: config.account_quirks.clone(),
            },
            fault_rng: StdRng::seed_from_u64(config.seed),
            token_rng: StdRng::seed_from_u64(config.seed ^ 0x5eed_70ce),
            next_id: 1_000_000_000_000,
            accounts: BTreeMap::new(),
            boards: BTreeMap::new(),
            pins: BTreeMap::new(),
            media: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            codes: HashMap::new(),
            stats: RequestStats::default(),
            token_clients: Vec::new(),
            config,
        }
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn secret(&mut self, prefix: &str) -> String {
        let body: String = (0..40)
            .map(|_| {
                let c = self.token_rng.random_range(0..62u8);
                (match c {
                    0..=9 => b'0' + c,
                    10..=35 => b'a' + c - 10,
                    _ => b'A' + c - 36,
                }) as char
            })
            .collect();
        format!("{prefix}{body}")
    }

    pub fn add_account(&mut self, username: &str) -> String {
        let id = self.next_id().to_string();
        self.accounts.insert(
            id.clone(),
            AccountRec {
                id: id.clone(),
                username: username.to_string(),
                spam_blocked: false,
                retry_after_until: None,
                retry_after_from: None,
            },
        );
        id
    }

    /// An account by id or username.
    pub fn find_account(&self, key: &str) -> Option<&AccountRec> {
        self.accounts
            .get(key)
            .or_else(|| self.accounts.values().find(|a| a.username == key))
    }

    pub fn account_mut(&mut self, key: &str) -> Option<&mut AccountRec> {
        let id = self.find_account(key)?.id.clone();
        self.accounts.get_mut(&id)
    }

    pub fn add_board(&mut self, account: &str, name: &str) -> Option<Board> {
        let account = self.find_account(account)?.id.clone();
        let id = self.next_id();
        let board = Board {
            id: id.to_string(),
            name: name.to_string(),
            description: None,
            privacy: Some("PUBLIC".into()),
        };
        self.boards.insert(
            id,
            BoardRec {
                board: board.clone(),
                account,
                sections: vec![],
            },
        );
        Some(board)
    }

    pub fn add_section(&mut self, board_id: &str, name: &str) -> Option<BoardSection> {
        let key: u64 = board_id.parse().ok()?;
        self.boards.get(&key)?;
        let section = BoardSection {
            id: self.next_id().to_string(),
            name: name.to_string(),
        };
        self.boards.get_mut(&key)?.sections.push(section.clone());
        Some(section)
    }

    /// A fresh access + refresh token pair for `account` (by id or username).
    pub fn issue_tokens(
        &mut self,
        account: &str,
        scope: &str,
        response_type: &str,
        now: DateTime<Utc>,
    ) -> Option<TokenResponse> {
        let account = self.find_account(account)?.id.clone();
        let access = self.secret("pina_");
        let refresh = self.secret("pinr_");
        let access_ttl = self.config.access_token_ttl_secs;
        let refresh_ttl = self.config.refresh_token_ttl_secs;
        self.access.insert(
            access.clone(),
            AccessRec {
                account: account.clone(),
                expires_at: now + TimeDelta::seconds(access_ttl),
            },
        );
        let refresh_expires = now + TimeDelta::seconds(refresh_ttl);
        self.refresh.insert(
            refresh.clone(),
            RefreshRec {
                account,
                expires_at: refresh_expires,
                revoked: false,
            },
        );
        Some(TokenResponse {
            access_token: access,
            token_type: "bearer".into(),
            expires_in: access_ttl,
            scope: scope.to_string(),
            response_type: Some(response_type.to_string()),
            refresh_token: Some(refresh),
            refresh_token_expires_in: Some(refresh_ttl),
            refresh_token_expires_at: Some(refresh_expires.timestamp()),
        })
    }

    /// The account id a bearer token belongs to, if it is known and not expired.
    pub fn authenticate(&self, token: &str, now: DateTime<Utc>) -> Option<String> {
        let rec = self.access.get(token)?;
        (rec.expires_at > now).then(|| rec.account.clone())
    }

    pub fn expire_access_tokens(&mut self, account: &str, now: DateTime<Utc>) {
        for rec in self.access.values_mut().filter(|r| r.account == account) {
            rec.expires_at = rec.expires_at.min(now);
        }
    }

    pub fn revoke_refresh_tokens(&mut self, account: &str) {
        for rec in self.refresh.values_mut().filter(|r| r.account == account) {
            rec.revoked = true;
        }
    }

    /// The policies that apply to `account`'s requests: its user-scope ones (overridden or
    /// not) and the app's.
    pub fn policies_for(&self, account: &str) -> Vec<LimitSpec> {
        match self.account_limits.get(account) {
            None => self.limits.clone(),
            Some(user) => {
                let mut all: Vec<LimitSpec> = user.clone();
                all.extend(self.limits.iter().filter(|p| p.scope == Scope::App));
                all
            }
        }
    }

    /// Changes (or adds) one of `account`'s user-scope policies, without telling anyone.
    pub fn lower_limit(
        &mut self,
        account: &str,
        category: LimitCategory,
        window_secs: u64,
        limit: u32,
    ) {
        let mut user: Vec<LimitSpec> = self
            .policies_for(account)
            .into_iter()
            .filter(|p| p.scope == Scope::User)
            .collect();
        match user
            .iter_mut()
            .find(|p| p.category == category && p.window_secs == window_secs)
        {
            Some(p) => p.limit = limit,
            None => user.push(LimitSpec::new(Scope::User, category, limit, window_secs)),
        }
        self.account_limits.insert(account.to_string(), user);
    }

    pub fn record_status(&mut self, endpoint: &str, status: u16) {
        self.stats.total += 1;
        *self
            .stats
            .by_endpoint
            .entry(endpoint.to_string())
            .or_default()
            .entry(status)
            .or_default() += 1;
    }
}
