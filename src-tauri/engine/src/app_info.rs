//! What the engine says about itself: version, where its database lives, schema version.
//! The first screen of the app shows it, and the end-to-end test reads it back off the page.

use serde::Serialize;
use ts_rs::TS;

use crate::store::Store;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    /// The engine crate's version.
    pub engine_version: String,
    /// Absolute path of the SQLite database in use.
    pub database_path: String,
    /// `PRAGMA user_version` after migrations.
    pub schema_version: u32,
}

impl AppInfo {
    pub fn of(store: &Store) -> Self {
        AppInfo {
            engine_version: crate::VERSION.to_string(),
            database_path: store.path().display().to_string(),
            schema_version: store.schema_version(),
        }
    }
}
