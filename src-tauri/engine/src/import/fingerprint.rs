//! A row's identity for idempotent imports: SHA-256 over its normalized content (account, boards
//! and sections as resolved ids, title, description, link, alt text, media, publish time as UTC or
//! "now", spacing), each part length-prefixed so no two different rows can run together into the
//! same bytes. Board names are resolved before hashing, so renaming a board's case in the file
//! does not make a row new. Stored by `store::import_fingerprints` (UNIQUE key).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::compose::ComposeRequest;
use crate::store::time::to_db;

pub(crate) fn of(req: &ComposeRequest, publish: Option<DateTime<Utc>>) -> String {
    let mut hash = Sha256::new();
    let mut put = |s: &str| {
        hash.update((s.len() as u64).to_le_bytes());
        hash.update(s.as_bytes());
    };
    put("pinpace-import-v1");
    put(&req.account_id.map_or(0, |a| a.0).to_string());
    put(&req.boards.len().to_string());
    for b in &req.boards {
        put(&b.board_id);
        put(b.section_id.as_deref().unwrap_or(""));
    }
    // In `TextField::ALL`'s order: title, description, link, alt text. Stored fingerprints
    // depend on it, so a new field goes last.
    for (_, text) in req.text.fields() {
        put(text.unwrap_or(""));
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
