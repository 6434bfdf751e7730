//! The SQLite store: the single source of truth (DESIGN invariant 2).
//!
//! Migrations are plain SQL files embedded at compile time and applied by `rusqlite_migration`,
//! each in its own transaction, tracked with `PRAGMA user_version`; a database written by a newer
//! PinPace is refused rather than guessed at. Tables get one file each under `store/` as they
//! arrive, with typed queries next to them, and so do the joined reads of the screens
//! (`queue_view`), the exports (`export_rows`) and the importer (`import_fingerprints`): no SQL
//! lives outside this folder, and the connection is private to it. Every SQLite error goes
//! through `open::classify`, so a busy database says `database_locked` wherever it is met.

pub mod accounts;
pub mod boards;
pub mod export_rows;
mod import_fingerprints;
pub mod job_error;
pub mod job_state;
pub mod jobs;
pub mod lookalikes;
pub mod media;
mod open;
pub mod pins;
pub mod priority;
pub mod queue;
pub mod queue_view;
pub mod settings;
pub mod time;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::{EngineError, ErrorCode};

const MIGRATIONS_SQL: &[&str] = &[
    include_str!("migrations/0001_settings.sql"),
    include_str!("migrations/0002_scheduler.sql"),
    include_str!("migrations/0003_import_fingerprints.sql"),
    include_str!("migrations/0004_jobs_by_time.sql"),
    include_str!("migrations/0005_lookalikes.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The newest schema version this build knows.
pub fn latest_schema_version() -> u32 {
    MIGRATIONS_SQL.len() as u32
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// An exclusive lock on `<database>.lock`, held while this store is open, so that a second
    /// PinPace on the same data refuses to start instead of sending the same pins twice.
    _instance_lock: Option<std::fs::File>,
    /// Who goes first when this store is shared (`priority`).
    priority: std::sync::Arc<priority::StorePriority>,
    /// How long the latest durable commits took (`durable_commit_times`).
    durable_commits: std::collections::VecDeque<std::time::Duration>,
}

/// Durable commit times kept, newest last.
const DURABLE_COMMITS_KEPT: usize = 4096;

impl Store {
    /// Opens (creating if needed) the database at `path`, applying pending migrations.
    pub fn open(path: &Path) -> Result<Store, EngineError> {
        let lock = open::lock_instance(path)?;
        let conn = open::connect(path)?;
        let mut store = Self::migrate(conn, path.to_path_buf())?;
        store._instance_lock = Some(lock);
        Ok(store)
    }

    /// Opens `pinpace.sqlite3` in `data_dir`, creating the directory if needed.
    pub fn open_in_dir(data_dir: &Path) -> Result<Store, EngineError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            EngineError::new(
                ErrorCode::DataDirUnavailable,
                format!(
                    "cannot create the data directory {}: {e}",
                    data_dir.display()
                ),
            )
        })?;
        Self::open(&data_dir.join(crate::DATABASE_FILE))
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store, EngineError> {
        let conn = Connection::open_in_memory().map_err(open::classify)?;
        conn.set_prepared_statement_cache_capacity(open::STATEMENT_CACHE);
        Self::migrate(conn, PathBuf::from(":memory:"))
    }

    fn migrate(mut conn: Connection, path: PathBuf) -> Result<Store, EngineError> {
        migrations().to_latest(&mut conn).map_err(|e| match e {
            rusqlite_migration::Error::MigrationDefinition(
                rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
            ) => EngineError::new(
                ErrorCode::DatabaseTooNew,
                format!(
                    "{} was written by a newer PinPace (this one knows schema {}); update PinPace",
                    path.display(),
                    latest_schema_version()
                ),
            ),
            rusqlite_migration::Error::RusqliteError { err, .. } => open::classify(err),
            other => EngineError::new(ErrorCode::Storage, format!("migration failed: {other}")),
        })?;
        Ok(Store {
            conn,
            path,
            _instance_lock: None,
            priority: Default::default(),
            durable_commits: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The turn-taking hint of this store's users (see `priority`).
    pub fn priority(&self) -> std::sync::Arc<priority::StorePriority> {
        self.priority.clone()
    }

    pub fn schema_version(&self) -> u32 {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap_or(0)
    }

    /// Runs `f` so that either everything it writes lands or nothing does. Store methods use
    /// savepoints, which nest inside this one.
    pub fn all_or_nothing<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        self.conn
            .execute_batch("SAVEPOINT all_or_nothing")
            .map_err(open::classify)?;
        match f(self) {
            Ok(v) => self.release("all_or_nothing").map(|()| v),
            Err(e) => {
                let _ = self
                    .conn
                    .execute_batch("ROLLBACK TO all_or_nothing; RELEASE all_or_nothing");
                Err(e)
            }
        }
    }

    /// Opens a savepoint `name` (a batch of writes that lands together).
    pub fn savepoint(&self, name: &str) -> Result<(), EngineError> {
        self.conn
            .execute_batch(&format!("SAVEPOINT {name}"))
            .map_err(open::classify)
    }

    /// Undoes every write since savepoint `name` and closes it.
    pub fn roll_back(&self, name: &str) -> Result<(), EngineError> {
        self.conn
            .execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))
            .map_err(open::classify)
    }

    /// Releases savepoint `name`. If that fails, everything since the savepoint is rolled back
    /// and the savepoint closed, so no write is left in a transaction nobody will commit (a
    /// later in-flight mark would otherwise sit in it, uncommitted, while its request leaves).
    pub fn release(&self, name: &str) -> Result<(), EngineError> {
        let released = self
            .conn
            .execute_batch(&format!("RELEASE {name}"))
            .map_err(open::classify);
        if released.is_err() {
            let _ = self
                .conn
                .execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"));
        }
        released
    }

    /// True while a transaction is open on the connection (between a begin and its end).
    pub fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }

    /// Rolls back whatever transaction is open (none: nothing happens).
    pub fn roll_back_open(&self) {
        if self.in_transaction() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// Runs `f` all or nothing, and makes its commit durable before returning (fsync of the
    /// WAL, `synchronous = FULL` for this commit only). Used for marking a job in flight: after a
    /// power loss that mark must still be there, or the pin could be sent twice. Every other
    /// write may be lost to a power cut and is recovered (the board check at start finds pins
    /// whose "published" was lost).
    pub fn durably<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        if !self.conn.is_autocommit() {
            // Inside a durable batch: its owner commits everything with one fsync.
            return self.all_or_nothing(f);
        }
        self.conn
            .execute_batch("PRAGMA synchronous = FULL")
            .map_err(open::classify)?;
        let result = self.all_or_nothing(f);
        let restored = self
            .conn
            .execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(open::classify);
        let value = result?;
        restored?;
        Ok(value)
    }

    /// Opens a durable batch: every write until `end_durable_batch` is one transaction, whose
    /// commit is fsynced once (group commit: a burst of in-flight marks costs one disk flush).
    pub fn begin_durable_batch(&mut self) -> Result<(), EngineError> {
        self.conn
            .execute_batch("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
            .map_err(open::classify)
    }

    /// How long the latest durable batch commits took (the fsync made before each round of
    /// sends), newest last, at most 4,096: what the scheduler's lateness owes to the disk.
    pub fn durable_commit_times(&self) -> &std::collections::VecDeque<std::time::Duration> {
        &self.durable_commits
    }

    /// Commits the durable batch; on failure nothing of it stays.
    pub fn end_durable_batch(&mut self) -> Result<(), EngineError> {
        let started = std::time::Instant::now();
        let committed = self.conn.execute_batch("COMMIT").map_err(open::classify);
        if self.durable_commits.len() == DURABLE_COMMITS_KEPT {
            self.durable_commits.pop_front();
        }
        self.durable_commits.push_back(started.elapsed());
        if committed.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let restored = self
            .conn
            .execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(open::classify);
        committed.and(restored)
    }

    /// The connection, for the crate's own unit tests only: everything else reads and writes
    /// through the typed methods of the files under `store/`.
    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod jobs_tests;
#[cfg(test)]
mod stored_data_tests;
#[cfg(test)]
mod tests;
