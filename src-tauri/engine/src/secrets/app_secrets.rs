//! The desktop's token store (here, not in the shell, so that the engine's API can serve its
//! settings screen and connect flow): one `TokenStore` for the engine over two vaults. Accounts on the
//! built-in simulator keep their (throwaway) tokens in memory, because that simulator forgets
//! them when the app quits anyway; every other account's secrets go to the vault the user chose
//! (the OS keychain by default, or the secrets file they named). If the keychain does not
//! answer, real accounts simply have no tokens until the user decides: no silent fallback.

use crate::AccountId;
use parking_lot::RwLock;
use std::collections::HashSet;
use std::sync::Arc;

use super::token_store::{TokenSet, TokenStore};
use super::{MemoryVault, SecretsBackend, VaultTokens};
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::AppCredentials;

pub struct AppSecrets {
    sim: Arc<VaultTokens>,
    real: RwLock<Result<Arc<VaultTokens>, EngineError>>,
    backend: RwLock<SecretsBackend>,
    sim_accounts: RwLock<HashSet<AccountId>>,
}

impl AppSecrets {
    pub fn open(backend: SecretsBackend) -> AppSecrets {
        let real = backend.open().map(|v| Arc::new(VaultTokens::new(v)));
        AppSecrets {
            sim: Arc::new(VaultTokens::new(Arc::new(MemoryVault::default()))),
            real: RwLock::new(real),
            backend: RwLock::new(backend),
            sim_accounts: RwLock::new(HashSet::new()),
        }
    }

    /// Switches the vault for real accounts (the user chose it in settings). Tokens are not
    /// copied between vaults: accounts connected before reconnect once.
    pub fn choose(&self, backend: SecretsBackend) -> Result<(), EngineError> {
        let vault = backend.open()?;
        *self.real.write() = Ok(Arc::new(VaultTokens::new(vault)));
        *self.backend.write() = backend;
        Ok(())
    }

    pub fn backend(&self) -> SecretsBackend {
        self.backend.read().clone()
    }

    /// The real accounts' vault, or why it cannot be used.
    pub fn real(&self) -> Result<Arc<VaultTokens>, EngineError> {
        self.real.read().clone()
    }

    pub fn sim(&self) -> &Arc<VaultTokens> {
        &self.sim
    }

    /// Marks an account as living on the built-in simulator.
    pub fn mark_sim(&self, account: AccountId) {
        self.sim_accounts.write().insert(account);
    }

    pub fn is_sim(&self, account: AccountId) -> bool {
        self.sim_accounts.read().contains(&account)
    }

    /// The vault holding `account`'s tokens: memory for the built-in simulator, else the chosen one.
    pub fn vault_of(&self, account: AccountId) -> Result<Arc<VaultTokens>, EngineError> {
        if self.is_sim(account) {
            Ok(self.sim.clone())
        } else {
            self.real()
        }
    }
}

impl TokenStore for AppSecrets {
    fn read_tokens(&self, account: AccountId) -> Result<Option<TokenSet>, EngineError> {
        self.vault_of(account)?.read_tokens(account)
    }
    fn store_tokens(&self, account: AccountId, tokens: TokenSet) -> Result<(), EngineError> {
        self.vault_of(account)?.store_tokens(account, tokens)
    }
    fn read_app_credentials(
        &self,
        account: AccountId,
    ) -> Result<Option<AppCredentials>, EngineError> {
        self.vault_of(account)?.read_app_credentials(account)
    }
}

/// The error for a connect that needs the real vault while it is unusable.
pub fn no_vault(e: &EngineError) -> EngineError {
    EngineError::new(
        ErrorCode::KeychainUnavailable,
        format!(
            "{}. Nothing was connected. In Settings, choose a secrets file, or start a keychain \
             service, then connect again.",
            e.message.trim_end_matches('.')
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pinterest::Secret;

    fn set(access: &str) -> TokenSet {
        TokenSet {
            access: Secret::new(access.to_string()),
            refresh: None,
            expires_at: None,
        }
    }

    #[test]
    fn simulator_accounts_stay_in_memory_and_real_ones_go_to_the_chosen_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let secrets = AppSecrets::open(SecretsBackend::File {
            path: path.to_string_lossy().into_owned(),
        });
        secrets.mark_sim(AccountId(1));
        secrets
            .store_tokens(AccountId(1), set("sim-token"))
            .unwrap();
        secrets
            .store_tokens(AccountId(2), set("real-token"))
            .unwrap();
        let file = std::fs::read_to_string(&path).unwrap();
        assert!(file.contains("real-token"));
        assert!(
            !file.contains("sim-token"),
            "simulator tokens never reach the file"
        );
        assert_eq!(
            secrets.tokens(AccountId(1)).unwrap().access.expose(),
            "sim-token"
        );
        assert_eq!(
            secrets.tokens(AccountId(2)).unwrap().access.expose(),
            "real-token"
        );
    }

    #[test]
    fn an_unusable_vault_is_reported_not_replaced() {
        let secrets = AppSecrets::open(SecretsBackend::File {
            path: "/proc/pinpace-cannot-write-here/secrets.json".into(),
        });
        let err = secrets.store_tokens(AccountId(2), set("t")).unwrap_err();
        assert!(secrets.tokens(AccountId(2)).is_none());
        assert_eq!(no_vault(&err).code, ErrorCode::KeychainUnavailable);
        // Choosing another unusable vault keeps the old choice.
        let before = secrets.backend();
        assert!(secrets
            .choose(SecretsBackend::File {
                path: "/proc/nope/s.json".into()
            })
            .is_err());
        assert_eq!(secrets.backend(), before);
        // Simulator accounts work whatever the real vault's state.
        secrets.mark_sim(AccountId(7));
        secrets.store_tokens(AccountId(7), set("s")).unwrap();
        assert!(secrets.tokens(AccountId(7)).is_some());
    }
}
