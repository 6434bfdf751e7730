//! Which vault the user chose for real accounts' secrets: the OS keychain (the default), or a
//! file they named themselves for a machine without a keychain service. Stored in settings (the
//! choice, never a secret), and never switched silently: if the keychain does not answer, the
//! app says so and asks, it does not fall back on its own.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{FileVault, KeychainVault, SecretVault};
use crate::error::EngineError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SecretsBackend {
    #[default]
    Keychain,
    /// Plaintext JSON, owner-only permissions, at this path.
    File { path: String },
}

impl SecretsBackend {
    /// Opens the vault and probes it with a write, so that "no keychain service" or "cannot
    /// write that file" is known now, not at the first token write.
    pub fn open(&self) -> Result<Arc<dyn SecretVault>, EngineError> {
        match self {
            SecretsBackend::Keychain => {
                let vault = KeychainVault::default();
                vault.probe()?;
                Ok(Arc::new(vault))
            }
            SecretsBackend::File { path } => {
                let vault = FileVault::open(&PathBuf::from(path))?;
                vault.set("probe", &serde_json::Value::Bool(true))?;
                vault.delete("probe")?;
                Ok(Arc::new(vault))
            }
        }
    }
}
