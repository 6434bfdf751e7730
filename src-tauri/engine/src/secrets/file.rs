//! Secrets in a file the user chose: the explicit fallback for machines with no keychain service
//! (a headless server, CI). One JSON object of key -> value. Never the default, never inside the
//! database. Errors name the file, never its content.
//!
//! Every change rewrites the whole file (`replace_durably`): a temporary file in the same
//! directory, fsync, rename over the old one, then (Unix) fsync of the directory, because the
//! rename is an entry in the directory, and until that is on disk a power cut can bring the old
//! file back: with it a refresh token that has since rotated, which Pinterest has revoked, so the
//! account would need reconnecting. The directory sync is a separate step (`sync_parent`) so a
//! test can see that it ran, and ran after the rename; should it fail, the write still stands
//! (the new file is what every later read sees, and memory agrees with it) and a `warn` says that
//! its durability is not confirmed.
//!
//! Who can read it. Unix: the file is 0600 from its creation (the temporary file is made 0600
//! before anything is written, and the rename keeps that). The directory is the user's choice and
//! is left as it is (it may be their home): its mode decides who can list or replace names in it,
//! not who can read the file. Windows: nothing here sets an ACL. The temporary file is created
//! with default security, so it takes the inheritable entries of its directory's ACL, and the
//! rename (MoveFileExW, same directory) keeps them: under the user's profile (%APPDATA%, the home
//! folder) that is the user, SYSTEM and Administrators only; a directory elsewhere gives whatever
//! it grants. Not done on Windows: an explicit owner-only DACL, and flushing the rename
//! (MoveFileExW without MOVEFILE_WRITE_THROUGH; std cannot open a directory to flush it). Both
//! need windows-sys calls that could not be compiled here (no Windows cross C toolchain for ring
//! and SQLite), and uncompiled code is not shipped.

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
        let json = serde_json::to_vec_pretty(values).expect("JSON values serialize");
        replace_durably(&self.path, &json).map_err(|(what, e)| {
            EngineError::new(
                ErrorCode::Storage,
                format!(
                    "cannot {what} the secrets file {}: {e}",
                    self.path.display()
                ),
            )
        })
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

/// The directory `path` is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Replaces `path` with `bytes`, so that a crash leaves the old file or the new one, and once this
/// returns, the new one even across a power cut. An error says which step failed.
fn replace_durably(path: &Path, bytes: &[u8]) -> Result<(), (&'static str, std::io::Error)> {
    let mut tmp = tempfile::NamedTempFile::new_in(parent_of(path)).map_err(|e| ("write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| ("protect", e))?;
    }
    tmp.write_all(bytes).map_err(|e| ("write", e))?;
    tmp.as_file().sync_all().map_err(|e| ("sync", e))?;
    tmp.persist(path).map_err(|e| ("replace", e.error))?;
    if let Err(e) = sync_parent(path) {
        tracing::warn!(
            file = %path.display(),
            "the secrets file was replaced, but its directory could not be synced ({e}): \
             a power cut now could bring back its previous content"
        );
    }
    Ok(())
}

/// Makes the rename of `path` durable: fsync of its directory (Unix; elsewhere see the header).
#[cfg(unix)]
fn sync_parent(path: &Path) -> std::io::Result<()> {
    let dir = parent_of(path);
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(test)]
    dir_syncs::record(dir, path);
    Ok(())
}

#[cfg(not(unix))]
fn sync_parent(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// What each directory sync of this thread saw: the directory, and the file's content at that
/// moment (so a test can tell the sync came after the rename, not before).
#[cfg(all(test, unix))]
mod dir_syncs {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    thread_local! {
        static SEEN: RefCell<Vec<(PathBuf, Option<Vec<u8>>)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn record(dir: &Path, file: &Path) {
        let content = std::fs::read(file).ok();
        SEEN.with(|s| s.borrow_mut().push((dir.to_path_buf(), content)));
    }

    pub fn take() -> Vec<(PathBuf, Option<Vec<u8>>)> {
        SEEN.with(|s| std::mem::take(&mut *s.borrow_mut()))
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

    /// Without the directory sync a power cut after the rename can bring the old file back.
    #[cfg(unix)]
    #[test]
    fn each_write_syncs_the_directory_after_the_rename() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let vault = FileVault::open(&path).unwrap();
        let _ = dir_syncs::take();
        vault.set("1", &json!({"refresh": "r1"})).unwrap();
        vault.set("1", &json!({"refresh": "r2"})).unwrap();
        vault.delete("1").unwrap();
        let seen = dir_syncs::take();
        assert_eq!(seen.len(), 3, "one directory sync per write");
        let after: Vec<Value> = seen
            .iter()
            .map(|(d, content)| {
                assert_eq!(d, dir.path());
                serde_json::from_slice(content.as_deref().expect("the file exists")).unwrap()
            })
            .collect();
        // Each sync saw the file that write had just renamed into place.
        assert_eq!(
            after,
            vec![
                json!({"1": {"refresh": "r1"}}),
                json!({"1": {"refresh": "r2"}}),
                json!({})
            ]
        );
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
