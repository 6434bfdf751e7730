//! Secrets in memory only: tests, and the simulator demo whose tokens mean nothing.

use parking_lot::Mutex;
use std::collections::HashMap;

use serde_json::Value;

use super::SecretVault;
use crate::error::EngineError;

#[derive(Debug, Default)]
pub struct MemoryVault {
    values: Mutex<HashMap<String, Value>>,
}

impl MemoryVault {
    fn map(&self) -> parking_lot::MutexGuard<'_, HashMap<String, Value>> {
        self.values.lock()
    }

    /// Every value, for tests that look for a secret where it must not be.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.map().keys().cloned().collect();
        keys.sort();
        keys
    }
}

impl SecretVault for MemoryVault {
    fn get(&self, key: &str) -> Result<Option<Value>, EngineError> {
        Ok(self.map().get(key).cloned())
    }
    fn set(&self, key: &str, value: &Value) -> Result<(), EngineError> {
        self.map().insert(key.to_string(), value.clone());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), EngineError> {
        self.map().remove(key);
        Ok(())
    }
}
