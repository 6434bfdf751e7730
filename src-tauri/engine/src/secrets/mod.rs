//! Where secrets live: the client secret of the user's Pinterest app and each account's access
//! and refresh tokens. Never in SQLite, never in logs or events (DESIGN invariant 8).
//!
//! A `SecretVault` is a small key -> JSON map with three homes: the OS keychain (`keychain`,
//! the default), a file the user chose explicitly for machines without a keychain service
//! (`file`), and memory (tests, the simulator demo). `VaultTokens` puts the scheduler's
//! `TokenStore` on top of any of them.

mod app_secrets;
mod backend;
mod file;
mod keychain;
mod memory;
pub mod token_store;
mod tokens;

pub use app_secrets::{no_vault, AppSecrets};
pub use backend::SecretsBackend;
pub use file::FileVault;
pub use keychain::KeychainVault;
pub use memory::MemoryVault;
pub use tokens::VaultTokens;

use serde_json::Value;

use crate::error::EngineError;

/// A place that keeps small secret JSON values under string keys. Every method either does the
/// whole thing or returns an error having changed nothing.
pub trait SecretVault: Send + Sync + 'static {
    fn get(&self, key: &str) -> Result<Option<Value>, EngineError>;
    fn set(&self, key: &str, value: &Value) -> Result<(), EngineError>;
    /// Removes `key`; removing a key that is not there is not an error.
    fn delete(&self, key: &str) -> Result<(), EngineError>;
}

#[cfg(test)]
mod proptests;
