//! Pins: the content (its text, a `PinText`, and its media). A pin exists before any account or
//! board is chosen, so drafts need neither network nor a connected account.

use crate::PinId;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::time::to_db;
use super::Store;
use crate::error::{EngineError, ErrorCode};
use crate::pin_text::PinText;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinContent {
    pub text: PinText,
    pub media_sha256: Option<String>,
    pub media_url: Option<String>,
}

impl Store {
    pub fn insert_pin(
        &mut self,
        pin: &PinContent,
        now: DateTime<Utc>,
    ) -> Result<PinId, EngineError> {
        self.conn
            .prepare_cached(
                "INSERT INTO pins (title, description, link, alt_text, media_sha256, media_url, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            )
            .and_then(|mut insert| {
                insert.execute(params![pin.text.title, pin.text.description, pin.text.link, pin.text.alt_text, pin.media_sha256, pin.media_url, to_db(now)])
            })
            .map_err(super::open::classify)?;
        Ok(PinId(self.conn.last_insert_rowid()))
    }

    /// Rewrites a pin's content. Its jobs that have gone out keep pointing at it, so callers
    /// give such a job's siblings their own copy instead (see `queue::edit_and_requeue`).
    pub fn update_pin(
        &mut self,
        id: PinId,
        pin: &PinContent,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        let n = self
            .conn
            .execute(
                "UPDATE pins SET title = ?2, description = ?3, link = ?4, alt_text = ?5, \
                 media_sha256 = ?6, media_url = ?7, updated_at = ?8 WHERE id = ?1",
                params![
                    id,
                    pin.text.title,
                    pin.text.description,
                    pin.text.link,
                    pin.text.alt_text,
                    pin.media_sha256,
                    pin.media_url,
                    to_db(now)
                ],
            )
            .map_err(super::open::classify)?;
        if n == 0 {
            return Err(EngineError::new(
                ErrorCode::NotFound,
                format!("no pin {id}"),
            ));
        }
        Ok(())
    }

    pub fn pin(&self, id: PinId) -> Result<PinContent, EngineError> {
        self.conn
            .prepare_cached(
                "SELECT title, description, link, alt_text, media_sha256, media_url FROM pins WHERE id = ?1",
            )
            .and_then(|mut read| {
                read.query_row([id], |r| {
                    Ok(PinContent {
                        text: PinText::from_row(r)?,
                        media_sha256: r.get("media_sha256")?,
                        media_url: r.get("media_url")?,
                    })
                })
            })
            .optional()
            .map_err(super::open::classify)?
            .ok_or_else(|| EngineError::new(ErrorCode::NotFound, format!("no pin {id}")))
    }
}
