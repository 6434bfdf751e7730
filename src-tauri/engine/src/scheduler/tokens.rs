//! Where the scheduler gets each account's tokens. Secrets live outside SQLite (DESIGN invariant
//! 8): the desktop app backs this trait with the OS keychain, tests with memory, the CLI with memory or a secrets file
//! the user chose (see `crate::secrets`). A
//! rotated refresh token is stored the moment it arrives, because the old one stops working.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::error::EngineError;
use crate::pinterest::{AppCredentials, Secret};

#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_at: Option<DateTime<Utc>>,
}

pub trait TokenStore: Send + Sync + 'static {
    fn tokens(&self, account: i64) -> Option<TokenSet>;
    fn store_tokens(&self, account: i64, tokens: TokenSet) -> Result<(), EngineError>;
    /// The Pinterest app an account was connected through (needed to refresh its token).
    fn app_credentials(&self, account: i64) -> Option<AppCredentials>;
}

/// In-memory tokens: for tests, the simulator demo, and the CLI (which reads a token from
/// standard input or the environment at start).
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<i64, TokenSet>>,
    apps: Mutex<HashMap<i64, AppCredentials>>,
}

impl MemoryTokenStore {
    pub fn set_app(&self, account: i64, app: AppCredentials) {
        self.apps
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account, app);
    }
}

impl TokenStore for MemoryTokenStore {
    fn tokens(&self, account: i64) -> Option<TokenSet> {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&account)
            .cloned()
    }
    fn store_tokens(&self, account: i64, tokens: TokenSet) -> Result<(), EngineError> {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account, tokens);
        Ok(())
    }
    fn app_credentials(&self, account: i64) -> Option<AppCredentials> {
        self.apps
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&account)
            .cloned()
    }
}
