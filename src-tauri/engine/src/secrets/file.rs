//! Secrets in a file the user chose: the explicit fallback for machines with no keychain service
//! (a headless server, CI). One JSON object of key -> value, readable by its owner only (0600 on
//! Unix). Every change rewrites the whole file atomically (a temporary file in the same
//! directory, fsync, rename), because a refresh token that rotated and was not saved is gone for
//! good: Pinterest revokes the old one. Never the default, never inside the database. Errors name
//! the file, never its content.

use parking_lot::Mutex;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::SecretVault;
use crate::error::{EngineError, ErrorCode};

pub struct FileVault {
    path: PathBuf,
    /// The file's content as last read or written; one writer at a time.
    values: Mutex<Map<String, Value>>,
}

impl FileVault {
    /// Opens `path`; a missing file is an empty vault (created on the first write).
    pub fn open(path: &Path) -> Result<FileVault, EngineError> {
        let values = match std::fs::read_to_string(path) {
            Ok(text) => match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    return Err(bad(format!(
                        "the secrets file {} must hold one JSON object",
                        path.display()
                    )))
                }
                Err(e) => {
                    return Err(bad(format!(
                        "the secrets file {} is malformed at line {} column {}",
                        path.display(),
                        e.line(),
                        e.column()
                    )))
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => {
                return Err(EngineError::new(
                    ErrorCode::Storage,
                    format!("cannot read the secrets file {}: {e}", path.display()),
                ))
            }
        };
        Ok(FileVault {
            path: path.to_path_buf(),
            values: Mutex::new(values),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The keys present, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, Map<String, Value>> {
        self.values.lock()
    }

    fn write(&self, values: &Map<String, Value>) -> Result<(), EngineError> {
        let storage = |what: &str, e: std::io::Error| {
            EngineError::new(
                ErrorCode::Storage,
                format!(
                    "cannot {what} the secrets file {}: {e}",
                    self.path.display()
                ),
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
        let json = serde_json::to_vec_pretty(values).expect("JSON values serialize");
        tmp.write_all(&json).map_err(|e| storage("write", e))?;
        tmp.as_file().sync_all().map_err(|e| storage("sync", e))?;
        tmp.persist(&self.path)
            .map_err(|e| storage("replace", e.error))?;
        Ok(())
    }

    /// Applies `change` to a copy, writes the copy, and only then keeps it.
    fn update(&self, change: impl FnOnce(&mut Map<String, Value>)) -> Result<(), EngineError> {
        let mut values = self.lock();
        let mut next = values.clone();
        change(&mut next);
        self.write(&next)?;
        *values = next;
        Ok(())
    }
}

fn bad(message: String) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, message)
}

impl SecretVault for FileVault {
    fn get(&self, key: &str) -> Result<Option<Value>, EngineError> {
        Ok(self.lock().get(key).cloned())
    }
    fn set(&self, key: &str, value: &Value) -> Result<(), EngineError> {
        self.update(|m| {
            m.insert(key.to_string(), value.clone());
        })
    }
    fn delete(&self, key: &str) -> Result<(), EngineError> {
        if !self.lock().contains_key(key) {
            return Ok(());
        }
        self.update(|m| {
            m.remove(key);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_survive_a_reopen_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let vault = FileVault::open(&path).unwrap();
        assert_eq!(vault.get("1").unwrap(), None);
        vault.set("1", &json!({"access": "a1"})).unwrap();
        vault.set("2", &json!({"access": "a2"})).unwrap();
        vault.set("1", &json!({"access": "a1b"})).unwrap();
        vault.delete("2").unwrap();
        vault.delete("never there").unwrap();
        let again = FileVault::open(&path).unwrap();
        assert_eq!(again.get("1").unwrap(), Some(json!({"access": "a1b"})));
        assert_eq!(again.keys(), vec!["1"]);
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
        let path = dir.path().join("secrets.json");
        for text in ["{\"1\": {\"access\": \"pina_secret\"", "[\"pina_secret\"]"] {
            std::fs::write(&path, text).unwrap();
            let err = FileVault::open(&path).err().unwrap();
            assert_eq!(err.code, ErrorCode::InvalidInput);
            assert!(!err.message.contains("pina_secret"), "{}", err.message);
        }
    }

    #[test]
    fn a_write_that_fails_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone").join("secrets.json");
        let vault = FileVault::open(&path).unwrap();
        assert!(vault.set("1", &json!("x")).is_err());
        assert_eq!(vault.get("1").unwrap(), None);
    }
}
