//! A second, plain SQLite connection to a test's database file, for what the engine's API
//! deliberately cannot do: count rows across every job, and break or mend a table to prove the
//! engine fails closed. The store's own connection is private to `pinpace_engine::store`.
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

/// Opens the database in `data_dir` (the engine may have it open too: WAL lets both read, and
/// a writer waits up to 5 s for the other's transaction).
pub fn open(data_dir: &Path) -> Connection {
    let conn = Connection::open(data_dir.join(pinpace_engine::DATABASE_FILE)).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn
}

/// The one number `sql` selects.
pub fn count(data_dir: &Path, sql: &str) -> i64 {
    open(data_dir).query_row(sql, [], |r| r.get(0)).unwrap()
}
