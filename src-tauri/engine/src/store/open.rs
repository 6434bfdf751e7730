//! Opening a database file: WAL, a busy timeout, foreign keys on, and SQLite's failures turned
//! into stable error codes (locked by another instance, not a database, anything else).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode as SqliteCode};

use crate::error::{EngineError, ErrorCode};

pub(super) fn connect(path: &Path) -> Result<Connection, EngineError> {
    let conn = Connection::open(path).map_err(classify)?;
    conn.busy_timeout(Duration::from_secs(2))
        .map_err(classify)?;
    // journal_mode returns a row; reading it is what surfaces "file is not a database".
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(classify)?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        .map_err(classify)?;
    Ok(conn)
}

pub(super) fn classify(err: rusqlite::Error) -> EngineError {
    match err.sqlite_error_code() {
        Some(SqliteCode::DatabaseBusy) | Some(SqliteCode::DatabaseLocked) => EngineError::new(
            ErrorCode::DatabaseLocked,
            "the database is in use by another running PinPace; close it and try again",
        ),
        Some(SqliteCode::NotADatabase) | Some(SqliteCode::DatabaseCorrupt) => EngineError::new(
            ErrorCode::DatabaseCorrupt,
            "the database file is damaged or is not a PinPace database",
        ),
        _ => EngineError::new(ErrorCode::Storage, format!("database error: {err}")),
    }
}
