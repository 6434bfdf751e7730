//! What the importer remembers of the rows it created (`import_fingerprints`, UNIQUE on the
//! fingerprint): the import run (batch) and source row that first recorded a row's fingerprint,
//! so importing the same file twice creates nothing the second time. The fingerprint itself is
//! computed by `crate::import::fingerprint`; this is only its storage.

use crate::PinId;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::time::to_db;
use super::{open::classify, Store};
use crate::error::EngineError;

impl Store {
    /// The import run (batch) and row that first recorded `fingerprint`, if any.
    pub(crate) fn import_fingerprint_seen(
        &self,
        fingerprint: &str,
    ) -> Result<Option<(String, u64)>, EngineError> {
        self.conn
            .prepare_cached(
                "SELECT batch, source_row FROM import_fingerprints WHERE fingerprint = ?1",
            )
            .map_err(classify)?
            .query_row([fingerprint], |r| {
                Ok((r.get("batch")?, r.get::<_, i64>("source_row")? as u64))
            })
            .optional()
            .map_err(classify)
    }

    /// Records that row `row` of import run `batch` had `fingerprint` (and made `pin_id`).
    pub(crate) fn record_import_fingerprint(
        &self,
        fingerprint: &str,
        batch: &str,
        row: u64,
        pin_id: Option<PinId>,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.conn
            .prepare_cached(
                "INSERT INTO import_fingerprints (fingerprint, batch, source_row, pin_id, \
                 created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(classify)?
            .execute(params![fingerprint, batch, row as i64, pin_id, to_db(now)])
            .map_err(classify)?;
        Ok(())
    }
}
