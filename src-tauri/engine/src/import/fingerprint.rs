//! A row's identity for idempotent imports: SHA-256 over its normalized content (account, boards
//! and sections as resolved ids, title, description, link, alt text, media, publish time as UTC or
//! "now", spacing), each part length-prefixed so no two different rows can run together into the
//! same bytes. Board names are resolved before hashing, so renaming a board's case in the file
//! does not make a row new. Stored in `import_fingerprints` with a UNIQUE key.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::compose::ComposeRequest;
use crate::error::{EngineError, ErrorCode};
use crate::store::time::to_db;
use crate::store::Store;

pub(crate) fn of(req: &ComposeRequest, publish: Option<DateTime<Utc>>) -> String {
    let mut hash = Sha256::new();
    let mut put = |s: &str| {
        hash.update((s.len() as u64).to_le_bytes());
        hash.update(s.as_bytes());
    };
    put("pinpace-import-v1");
    put(&req.account_id.unwrap_or(0).to_string());
    put(&req.boards.len().to_string());
    for b in &req.boards {
        put(&b.board_id);
        put(b.section_id.as_deref().unwrap_or(""));
    }
    for text in [&req.title, &req.description, &req.link, &req.alt_text] {
        put(text.as_deref().unwrap_or(""));
    }
    match (&req.image_url, &req.image_path) {
        (Some(url), _) => put(url),
        (None, Some(path)) => put(&path.to_string_lossy()),
        (None, None) => put(""),
    }
    put(&publish.map_or_else(|| "now".to_string(), to_db));
    put(&req.interval_secs.to_string());
    format!("{:x}", hash.finalize())
}

fn storage(e: rusqlite::Error) -> EngineError {
    EngineError::new(ErrorCode::Storage, format!("database error: {e}"))
}

/// The import run (batch) and row that first recorded `fingerprint`, if any.
pub(crate) fn seen(store: &Store, fingerprint: &str) -> Result<Option<(String, u64)>, EngineError> {
    store
        .conn()
        .prepare_cached("SELECT batch, source_row FROM import_fingerprints WHERE fingerprint = ?1")
        .map_err(storage)?
        .query_row([fingerprint], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })
        .optional()
        .map_err(storage)
}

pub(crate) fn record(
    store: &Store,
    fingerprint: &str,
    batch: &str,
    row: u64,
    pin_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    store
        .conn()
        .prepare_cached(
            "INSERT INTO import_fingerprints (fingerprint, batch, source_row, pin_id, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(storage)?
        .execute(params![fingerprint, batch, row as i64, pin_id, to_db(now)])
        .map_err(storage)?;
    Ok(())
}
