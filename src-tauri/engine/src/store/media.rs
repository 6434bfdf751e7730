//! Images copied into the app's data directory under their SHA-256, so a draft survives the
//! original file being moved or deleted and the same image imported twice is stored once.
//! Only PNG and JPEG are accepted: those are what Pinterest takes as uploaded (base64) media.
//! The copy is written to a temporary file and renamed, so a crash never leaves half an image.
//! A path is only ever made from a checked hash (`stored_path` refuses anything but 64
//! lowercase hex digits): a hash read back from the database or a pin row is data, and
//! `../../x` must never name a file outside the media directory.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::time::to_db;
use super::Store;
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::types::ImageContentType;

/// The largest image PinPace stores (Pinterest's own upload limit for images is 20 MB).
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMedia {
    pub sha256: String,
    pub content_type: ImageContentType,
    pub bytes: usize,
    pub path: PathBuf,
}

/// Recognises PNG and JPEG by their first bytes.
pub fn sniff_image(bytes: &[u8]) -> Option<ImageContentType> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageContentType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageContentType::Jpeg)
    } else {
        None
    }
}

fn invalid(message: String) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, message)
}

impl Store {
    /// The directory holding copied media: `media/` beside the database.
    pub fn media_dir(&self) -> Result<PathBuf, EngineError> {
        match self.path().parent() {
            Some(dir) if self.path() != Path::new(":memory:") => Ok(dir.join("media")),
            _ => Err(EngineError::new(
                ErrorCode::DataDirUnavailable,
                "an in-memory store keeps no media",
            )),
        }
    }

    /// Copies the image at `source` into the media directory and records it.
    pub fn import_image(
        &mut self,
        source: &Path,
        now: DateTime<Utc>,
    ) -> Result<StoredMedia, EngineError> {
        let bytes = read_image_file(source)?;
        self.import_image_bytes(&bytes, now)
    }

    pub fn import_image_bytes(
        &mut self,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<StoredMedia, EngineError> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(invalid(format!(
                "the image is {} bytes; the limit is {MAX_IMAGE_BYTES}",
                bytes.len()
            )));
        }
        let content_type = sniff_image(bytes)
            .ok_or_else(|| invalid("the file is not a PNG or JPEG image".into()))?;
        let sha256 = format!("{:x}", Sha256::digest(bytes));
        let path = stored_path(&self.media_dir()?, &sha256, content_type)?;
        if !path.exists() {
            // `stored_path` is `<media dir>/<two digits>/<file>`: it always has a folder.
            let dir = path.parent().unwrap_or(&path);
            write_atomically(dir, &path, bytes)?;
        }
        self.conn
            .execute(
                "INSERT OR IGNORE INTO media (sha256, content_type, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
                // `bytes.len()` is at most MAX_IMAGE_BYTES (checked above): it fits an i64.
                params![sha256, content_type.mime(), bytes.len() as i64, to_db(now)],
            )
            .map_err(super::open::classify)?;
        Ok(StoredMedia {
            sha256,
            content_type,
            bytes: bytes.len(),
            path,
        })
    }
}

impl Store {
    /// The stored file of the image with this SHA-256, with its content type, for thumbnails.
    /// `None` for anything that is not a stored image (a malformed hash included), so a caller
    /// serving files can never be led outside the media directory.
    pub fn media_file(
        &self,
        sha256: &str,
    ) -> Result<Option<(PathBuf, ImageContentType)>, EngineError> {
        if !is_sha256_hex(sha256) {
            return Ok(None);
        }
        let ct: Option<String> = self
            .conn
            .query_row(
                "SELECT content_type FROM media WHERE sha256 = ?1",
                params![sha256],
                |r| r.get(0),
            )
            .optional()
            .map_err(super::open::classify)?;
        let Some(content_type) = ct.and_then(|c| {
            serde_json::from_value::<ImageContentType>(serde_json::Value::String(c)).ok()
        }) else {
            return Ok(None);
        };
        let path = stored_path(&self.media_dir()?, sha256, content_type)?;
        Ok(Some((path, content_type)))
    }
}

/// Reads an image file a user (or an imported file) named: a regular file only, and never more
/// than the size limit plus one byte. A FIFO would block the open, and `/dev/zero` or a `/proc`
/// file reports 0 bytes and never ends, so neither the size in the metadata nor a whole-file
/// read can be trusted. Errors are `invalid_input` and name the file.
pub fn read_image_file(path: &Path) -> Result<Vec<u8>, EngineError> {
    let cannot = |e: std::io::Error| invalid(format!("{} cannot be read: {e}", path.display()));
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(invalid(format!("{} is not a regular file", path.display())));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_IMAGE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(invalid(format!(
            "{} is larger than {} MB",
            path.display(),
            MAX_IMAGE_BYTES / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// A SHA-256 as PinPace writes it: 64 lowercase hex digits, nothing else.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A hash read back from the database: a SHA-256, or `database_corrupt` (the hash itself is
/// not repeated in the message: it may be anything, of any length).
pub fn check_stored_sha256(sha256: &str) -> Result<(), EngineError> {
    if is_sha256_hex(sha256) {
        return Ok(());
    }
    Err(EngineError::new(
        ErrorCode::DatabaseCorrupt,
        format!(
            "a stored image hash is not a SHA-256 ({} characters, expected 64 hex digits)",
            sha256.chars().count()
        ),
    ))
}

/// Where an image is kept in the media directory: `<first two hex digits>/<sha256>.<ext>`.
/// The hash comes from the database (a pin's `media_sha256`), so it is checked first: anything
/// but a SHA-256 is `database_corrupt`, and never becomes a path.
pub fn stored_path(
    media_dir: &Path,
    sha256: &str,
    content_type: ImageContentType,
) -> Result<PathBuf, EngineError> {
    check_stored_sha256(sha256)?;
    // Safe: 64 ASCII bytes were just checked, so `..2` is in bounds and on a char boundary.
    Ok(media_dir
        .join(&sha256[..2])
        .join(format!("{sha256}.{}", content_type.extension())))
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    let fail = |e: std::io::Error| {
        EngineError::new(ErrorCode::Storage, format!("cannot store the image: {e}"))
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn an_image_survives_its_source_moving_and_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_dir(&dir.path().join("data")).unwrap();
        let src = dir.path().join("photo.png");
        std::fs::write(&src, PNG).unwrap();
        let a = store.import_image(&src, DateTime::UNIX_EPOCH).unwrap();
        std::fs::remove_file(&src).unwrap();
        assert_eq!(std::fs::read(&a.path).unwrap(), PNG);
        let b = store.import_image_bytes(PNG, DateTime::UNIX_EPOCH).unwrap();
        assert_eq!(a, b);
        let rows: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM media", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        let (path, ct) = store.media_file(&a.sha256).unwrap().unwrap();
        assert_eq!((path, ct), (a.path, ImageContentType::Png));
    }

    #[test]
    fn only_stored_hashes_name_a_media_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in_dir(&dir.path().join("data")).unwrap();
        let unknown = "ab".repeat(32);
        assert_eq!(store.media_file(&unknown).unwrap(), None);
        for bad in [
            "../../etc/passwd",
            "AB",
            &"AB".repeat(32),
            &format!("{unknown}/x"),
        ] {
            assert_eq!(store.media_file(bad).unwrap(), None, "{bad}");
        }
    }

    #[test]
    fn non_images_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_dir(dir.path()).unwrap();
        let err = store
            .import_image_bytes(b"GIF89a....", DateTime::UNIX_EPOCH)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(!dir.path().join("media").exists());
        let missing = store
            .import_image(&dir.path().join("nope.png"), DateTime::UNIX_EPOCH)
            .unwrap_err();
        assert_eq!(missing.code, ErrorCode::InvalidInput);
    }

    /// Issue 16 item 2: a compose or import naming a device, a FIFO or a huge file must get an
    /// error at once (before the fix, `/dev/zero` was read until memory ran out and a FIFO
    /// blocked the engine), and the store keeps nothing of it.
    #[test]
    fn files_that_never_end_or_block_or_are_huge_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_dir(&dir.path().join("data")).unwrap();
        let fifo = dir.path().join("pipe.png");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for path in [Path::new("/dev/zero"), fifo.as_path(), dir.path()] {
            let err = store.import_image(path, DateTime::UNIX_EPOCH).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{}", path.display());
            assert!(
                err.message.contains("not a regular file"),
                "{}",
                err.message
            );
        }
        // A sparse file far over the limit: refused after reading the limit plus one byte.
        let huge = dir.path().join("huge.png");
        let file = std::fs::File::create(&huge).unwrap();
        file.set_len(50 * MAX_IMAGE_BYTES as u64).unwrap();
        let err = store.import_image(&huge, DateTime::UNIX_EPOCH).unwrap_err();
        assert!(err.message.contains("larger than 20 MB"), "{}", err.message);
        let rows: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM media", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }
}
