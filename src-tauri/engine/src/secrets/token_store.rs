//! Where the scheduler gets each account's tokens. Secrets live outside SQLite (DESIGN invariant
//! 8): the desktop app backs this trait with the OS keychain, tests with memory, the CLI with memory or a secrets file
//! the user chose (see `crate::secrets`). A
//! rotated refresh token is stored the moment it arrives, because the old one stops working.

use crate::AccountId;
use parking_lot::Mutex;
use std::collections::HashMap;

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
    /// The account's tokens: `Ok(None)` when none are stored (the account must be connected
    /// again), `Err` when the place they live cannot be read now (a locked keychain, a keychain
    /// service not running yet), which is no reason to think the account is disconnected.
    fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError>;
    fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError>;
    /// The Pinterest app an account was connected through (needed to refresh its token).
    fn read_app_credentials(
        &self,
        account: AccountId,
    ) -> Result<Option<AppCredentials>, EngineError>;

    /// The tokens, or `None` whether they are missing or unreadable (for callers that only
    /// need to know whether they can go on).
    fn tokens(&self, account: AccountId) -> Option<TokenSet> {
        self.read_tokens(account).ok().flatten()
    }
    fn app_credentials(&self, account: AccountId) -> Option<AppCredentials> {
        self.read_app_credentials(account).ok().flatten()
    }
}

/// In-memory tokens: for tests, the simulator demo, and the CLI (which reads a token from
/// standard input or the environment at start).
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<AccountId, TokenSet>>,
    apps: Mutex<HashMap<AccountId, AppCredentials>>,
}

impl MemoryTokenStore {
    pub fn set_app(&self, account: AccountId, app: AppCredentials) {
        self.apps.lock().insert(account, app);
    }
}

impl TokenStore for MemoryTokenStore {
    fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError> {
        Ok(self.tokens.lock().get(&account).cloned())
    }
    fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError> {
        self.tokens.lock().insert(account, tokens);
        Ok(())
    }
    fn read_app_credentials(
        &self,
        account: AccountId,
    ) -> Result<Option<AppCredentials>, EngineError> {
        Ok(self.apps.lock().get(&account).cloned())
    }
}

/// The engine's own view of a token store. A rotated token that could not be saved (the
/// keychain locked between the refresh and the save) is kept here in memory and saved again at
/// every read until it lands, so the refresh token Pinterest has just replaced is never the only
/// copy: without it, the next refresh would send a dead token and the account would look
/// disconnected. Lost only if PinPace quits before the keychain comes back.
pub struct KeptTokens {
    inner: std::sync::Arc<dyn TokenStore>,
    unsaved: Mutex<HashMap<AccountId, TokenSet>>,
}

impl KeptTokens {
    pub fn new(inner: std::sync::Arc<dyn TokenStore>) -> Self {
        KeptTokens {
            inner,
            unsaved: Mutex::new(HashMap::new()),
        }
    }

    fn unsaved(&self) -> parking_lot::MutexGuard<'_, HashMap<AccountId, TokenSet>> {
        self.unsaved.lock()
    }
}

impl TokenStore for KeptTokens {
    fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError> {
        let kept = self.unsaved().get(&account).cloned();
        let Some(kept) = kept else {
            return self.inner.read_tokens(account);
        };
        match self.inner.store_tokens(account, kept.clone()) {
            Ok(()) => {
                tracing::info!(%account, "a rotated token kept in memory is saved now");
                self.unsaved().remove(&account);
            }
            Err(e) => tracing::warn!(
                %account,
                "a rotated token is still kept in memory only: {}",
                e.message
            ),
        }
        Ok(Some(kept))
    }

    fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError> {
        match self.inner.store_tokens(account, tokens.clone()) {
            Ok(()) => {
                self.unsaved().remove(&account);
                Ok(())
            }
            Err(e) => {
                tracing::warn!(
                    %account,
                    code = ?e.code,
                    "a rotated token could not be saved; it is kept in memory and saved again \
                     at the next use: {}",
                    e.message
                );
                self.unsaved().insert(account, tokens);
                Ok(())
            }
        }
    }

    fn read_app_credentials(
        &self,
        account: AccountId,
    ) -> Result<Option<AppCredentials>, EngineError> {
        self.inner.read_app_credentials(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::pinterest::Secret;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// Memory tokens behind a keychain that can be locked.
    #[derive(Default)]
    struct Lockable {
        locked: AtomicBool,
        inner: MemoryTokenStore,
    }

    impl Lockable {
        fn check(&self) -> Result<(), EngineError> {
            if self.locked.load(Ordering::SeqCst) {
                Err(EngineError::new(ErrorCode::KeychainUnavailable, "locked"))
            } else {
                Ok(())
            }
        }
    }

    impl TokenStore for Lockable {
        fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError> {
            self.check()?;
            self.inner.read_tokens(account)
        }
        fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError> {
            self.check()?;
            self.inner.store_tokens(account, tokens)
        }
        fn read_app_credentials(
            &self,
            a: AccountId,
        ) -> Result<Option<AppCredentials>, EngineError> {
            self.check()?;
            self.inner.read_app_credentials(a)
        }
    }

    fn set(access: &str) -> TokenSet {
        TokenSet {
            access: Secret::new(access),
            refresh: Some(Secret::new(format!("r-{access}"))),
            expires_at: None,
        }
    }

    #[test]
    fn a_rotation_that_cannot_be_saved_is_kept_and_saved_once_the_keychain_opens() {
        let vault = Arc::new(Lockable::default());
        vault.inner.store_tokens(AccountId(1), set("old")).unwrap();
        let kept = KeptTokens::new(vault.clone());
        vault.locked.store(true, Ordering::SeqCst);
        kept.store_tokens(AccountId(1), set("new")).unwrap();
        // While locked the engine still uses the new token, never the replaced one.
        let seen = kept.read_tokens(AccountId(1)).unwrap().unwrap();
        assert_eq!(seen.access.expose(), "new");
        assert_eq!(
            vault.inner.tokens(AccountId(1)).unwrap().access.expose(),
            "old"
        );
        vault.locked.store(false, Ordering::SeqCst);
        assert_eq!(
            kept.read_tokens(AccountId(1))
                .unwrap()
                .unwrap()
                .access
                .expose(),
            "new"
        );
        assert_eq!(
            vault.inner.tokens(AccountId(1)).unwrap().access.expose(),
            "new",
            "saved at last"
        );
        assert!(kept.unsaved().is_empty());
    }

    #[test]
    fn a_locked_keychain_is_an_error_not_a_missing_token() {
        let vault = Arc::new(Lockable::default());
        vault.inner.store_tokens(AccountId(1), set("a")).unwrap();
        let kept = KeptTokens::new(vault.clone());
        vault.locked.store(true, Ordering::SeqCst);
        assert!(kept.read_tokens(AccountId(1)).is_err());
        assert!(kept.read_tokens(AccountId(2)).is_err());
        vault.locked.store(false, Ordering::SeqCst);
        assert!(kept.read_tokens(AccountId(2)).unwrap().is_none());
    }
}
