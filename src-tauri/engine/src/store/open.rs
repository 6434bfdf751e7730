//! Opening a database file: WAL with `synchronous = NORMAL` (commits that a power loss may undo
//! are recovered: see `Store::durably`, used for the one write that must survive it), a busy
//! timeout, foreign keys on, a statement cache for the statements reused per row, and SQLite's failures turned
//! into stable error codes (locked by another instance, not a database, anything else).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode as SqliteCode};

use crate::error::{EngineError, ErrorCode};

/// Statements kept prepared: the scheduler's, the screens' and an import's together.
pub(super) const STATEMENT_CACHE: usize = 64;

pub(super) fn connect(path: &Path) -> Result<Connection, EngineError> {
    let conn = Connection::open(path).map_err(classify)?;
    conn.busy_timeout(Duration::from_secs(2))
        .map_err(classify)?;
    // journal_mode returns a row; reading it is what surfaces "file is not a database".
    let _: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .map_err(classify)?;
    // A savepoint's journal (every compose and job insert nests one) kept in memory rather
    // than in a temporary file, and a page cache big enough that a 100,000-job transaction
    // does not spill into the WAL before it commits: together they halved the time to enqueue
    // 100,000 jobs (`pinpace-bench --only 5`).
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; \
         PRAGMA cache_size = -16384;",
    )
    .map_err(classify)?;
    // Room for every statement the store prepares once and reuses (rusqlite keeps 16).
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Takes the exclusive instance lock beside the database; released when the file is dropped
/// (or the process dies, so a crash never leaves a stale lock).
pub(super) fn lock_instance(db: &Path) -> Result<std::fs::File, EngineError> {
    let lock_path = db.with_extension("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            EngineError::new(
                ErrorCode::DataDirUnavailable,
                format!("cannot create {}: {e}", lock_path.display()),
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(EngineError::new(
            ErrorCode::DatabaseLocked,
            "another PinPace (the app or pinpace-cli) is using this data; close it and try again",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(EngineError::new(
            ErrorCode::Storage,
            format!("cannot lock {}: {e}", lock_path.display()),
        )),
    }
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
