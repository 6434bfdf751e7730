//! Tokens in a file the user chose: the explicit fallback for machines with no keychain service
//! (a headless server, CI). Plain JSON, `{"<account id>": {"access", "refresh", "expires_at"}}`,
//! readable by its owner only (0600 on Unix). Every change rewrites the whole file atomically
//! (a temporary file in the same directory, fsync, rename), because a refresh token that rotated
//! and was not saved is gone for good: Pinterest revokes the old one.
//!
//! Never the default and never inside the database (DESIGN invariant 8). Errors name the file,
//! never its content.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::tokens::{MemoryTokenStore, TokenSet, TokenStore};
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::{AppCredentials, Secret};

#[derive(Serialize, Deserialize)]
struct Entry {
    access: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
}

/// A token store kept in one JSON file, written through on every change.
pub struct FileTokenStore {
    path: PathBuf,
    memory: MemoryTokenStore,
    /// Serializes rewrites of the file (two lanes refreshing at once).
    write: Mutex<()>,
}

impl FileTokenStore {
    /// Opens `path`; a missing file is an empty store (created on the first write).
    pub fn open(path: &Path) -> Result<FileTokenStore, EngineError> {
        let memory = MemoryTokenStore::default();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let entries: BTreeMap<String, Entry> =
                    serde_json::from_str(&text).map_err(|e| {
                        bad(format!(
                            "the tokens file {} is malformed at line {} column {}",
                            path.display(),
                            e.line(),
                            e.column()
                        ))
                    })?;
                for (key, e) in entries {
                    let id: i64 = key.parse().map_err(|_| {
                        bad(format!(
                            "the tokens file {} has a key that is not an account id",
                            path.display()
                        ))
                    })?;
                    memory.store_tokens(
                        id,
                        TokenSet {
                            access: Secret::new(e.access),
                            refresh: e.refresh.map(Secret::new),
                            expires_at: e.expires_at,
                        },
                    )?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(EngineError::new(
                    ErrorCode::Storage,
                    format!("cannot read the tokens file {}: {e}", path.display()),
                ))
            }
        }
        Ok(FileTokenStore {
            path: path.to_path_buf(),
            memory,
            write: Mutex::new(()),
        })
    }

    /// Accounts whose tokens the file holds.
    pub fn accounts(&self) -> Vec<i64> {
        self.memory.accounts()
    }

    /// The app every account refreshes through (from the environment, never from the file).
    pub fn set_app(&self, account: i64, app: AppCredentials) {
        self.memory.set_app(account, app);
    }

    fn save(&self) -> Result<(), EngineError> {
        let entries: BTreeMap<String, Entry> = self
            .memory
            .accounts()
            .into_iter()
            .filter_map(|id| {
                let t = self.memory.tokens(id)?;
                Some((
                    id.to_string(),
                    Entry {
                        access: t.access.expose().to_string(),
                        refresh: t.refresh.map(|r| r.expose().to_string()),
                        expires_at: t.expires_at,
                    },
                ))
            })
            .collect();
        let storage = |what: &str, e: std::io::Error| {
            EngineError::new(
                ErrorCode::Storage,
                format!("cannot {what} the tokens file {}: {e}", self.path.display()),
            )
        };
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| storage("write", e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| storage("protect", e))?;
        }
        let json = serde_json::to_vec_pretty(&entries).expect("tokens serialize");
        tmp.write_all(&json).map_err(|e| storage("write", e))?;
        tmp.as_file().sync_all().map_err(|e| storage("sync", e))?;
        tmp.persist(&self.path)
            .map_err(|e| storage("replace", e.error))?;
        Ok(())
    }
}

fn bad(message: String) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, message)
}

impl TokenStore for FileTokenStore {
    fn tokens(&self, account: i64) -> Option<TokenSet> {
        self.memory.tokens(account)
    }
    fn store_tokens(&self, account: i64, tokens: TokenSet) -> Result<(), EngineError> {
        let _one_writer = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let before = self.memory.tokens(account);
        self.memory.store_tokens(account, tokens)?;
        let saved = self.save();
        if saved.is_err() {
            // Keep memory and file in agreement: the caller learns the new tokens were not kept.
            match before {
                Some(b) => self.memory.store_tokens(account, b)?,
                None => self.memory.remove(account),
            }
        }
        saved
    }
    fn app_credentials(&self, account: i64) -> Option<AppCredentials> {
        self.memory.app_credentials(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(access: &str, refresh: &str) -> TokenSet {
        TokenSet {
            access: Secret::new(access),
            refresh: Some(Secret::new(refresh)),
            expires_at: Some("2026-11-23T10:00:00Z".parse().unwrap()),
        }
    }

    #[test]
    fn rotated_tokens_survive_a_reopen_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let store = FileTokenStore::open(&path).unwrap();
        assert!(store.tokens(1).is_none());
        store.store_tokens(1, set("a1", "r1")).unwrap();
        store.store_tokens(2, set("a2", "r2")).unwrap();
        store.store_tokens(1, set("a1b", "r1b")).unwrap();
        let again = FileTokenStore::open(&path).unwrap();
        let one = again.tokens(1).unwrap();
        assert_eq!(one.access.expose(), "a1b");
        assert_eq!(one.refresh.unwrap().expose(), "r1b");
        assert_eq!(one.expires_at, set("", "").expires_at);
        assert_eq!(again.accounts(), vec![1, 2]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_malformed_file_is_refused_without_quoting_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, "{\"1\": {\"access\": \"pina_secret\"").unwrap();
        let err = FileTokenStore::open(&path).err().unwrap();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(!err.message.contains("pina_secret"), "{}", err.message);
        std::fs::write(&path, "{\"x\": {\"access\": \"pina_secret\"}}").unwrap();
        let err = FileTokenStore::open(&path).err().unwrap();
        assert!(!err.message.contains("pina_secret"), "{}", err.message);
    }

    #[test]
    fn a_write_that_fails_leaves_the_old_tokens_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone").join("tokens.json");
        let store = FileTokenStore::open(&path).unwrap();
        assert!(store.store_tokens(1, set("a", "r")).is_err());
        assert!(store.tokens(1).is_none());
    }
}
