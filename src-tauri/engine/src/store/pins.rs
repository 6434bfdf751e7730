//! Pins: the content (title, description, link, alt text, media). A pin exists before any
//! account or board is chosen, so drafts need neither network nor a connected account.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::time::to_db;
use super::Store;
use crate::error::EngineError;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinContent {
    pub title: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    pub alt_text: Option<String>,
    pub media_sha256: Option<String>,
    pub media_url: Option<String>,
}

impl Store {
    pub fn insert_pin(&mut self, pin: &PinContent, now: DateTime<Utc>) -> Result<i64, EngineError> {
        self.conn
            .execute(
                "INSERT INTO pins (title, description, link, alt_text, media_sha256, media_url, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![pin.title, pin.description, pin.link, pin.alt_text, pin.media_sha256, pin.media_url, to_db(now)],
            )
            .map_err(super::open::classify)?;
        Ok(self.conn.last_insert_rowid())
    }
}
