//! The store, a chunk at a time. An import holds the store for at most `CHUNK_TIME` (or
//! `CHUNK_ROWS` rows) and then lets go, so the scheduler, which commits before every send, and
//! the window's reads never wait behind a 100,000-row file (bench scenario 4c measures it). A
//! chunk that writes is its own transaction, committed when the chunk ends: a write can never be
//! left inside a transaction that another user of the same connection would then commit or roll
//! back. A chunk is short (a few ms) because the scheduler takes the store several times
//! between a pin's due time and its send, and each time may wait for one chunk: with 15 ms
//! chunks the pins due during a 100,000-row import were 127 ms late at the median.
//!
//! The store comes through [`StoreAccess`]: the shared mutex of a running engine (locked per
//! chunk, unlocked fairly so a waiting scheduler goes first, and not taken at all while a
//! dispatch round holds its turn, `store::priority`), or a `&mut Store` that nothing
//! else uses (the CLI, tests), for which a chunk is only a commit point.

use std::cell::{RefCell, RefMut};
use std::ops::DerefMut;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

use crate::error::EngineError;
use crate::store::Store;

/// How long one chunk may hold the store; the scheduler's lateness target is 50 ms.
const CHUNK_TIME: Duration = Duration::from_millis(3);
/// At most this many rows per chunk (a commit point for fast rows).
const CHUNK_ROWS: u32 = 2000;
/// How long a chunk gives way to a scheduler's turn at most (`store::priority`).
const LONGEST_GIVE_WAY: Duration = Duration::from_secs(1);
const SAVEPOINT: &str = "import_chunk";

/// Where a pass gets the store, one chunk at a time.
pub(crate) trait StoreAccess {
    type Lease<'a>: DerefMut<Target = Store>
    where
        Self: 'a;
    fn lease(&self) -> Self::Lease<'_>;
    /// Ends a lease (a mutex hands the store to a waiting thread first).
    fn end(lease: Self::Lease<'_>) {
        drop(lease)
    }
}

impl StoreAccess for Mutex<Store> {
    type Lease<'a> = MutexGuard<'a, Store>;
    fn lease(&self) -> MutexGuard<'_, Store> {
        let store = self.lock();
        let priority = store.priority();
        if !priority.is_taken() {
            return store;
        }
        // A dispatch round is under way: let it have the store for all its steps.
        drop(store);
        priority.wait_turn(LONGEST_GIVE_WAY);
        self.lock()
    }
    fn end(lease: MutexGuard<'_, Store>) {
        MutexGuard::unlock_fair(lease);
        // Let a thread that is about to ask for the store (the scheduler's) run first.
        std::thread::yield_now();
    }
}

impl StoreAccess for RefCell<&mut Store> {
    type Lease<'a>
        = RefMut<'a, Store>
    where
        Self: 'a;
    fn lease(&self) -> RefMut<'_, Store> {
        RefMut::map(self.borrow_mut(), |s| &mut **s)
    }
}

/// The current chunk: the lease (if one is held), when it began and how many rows it had.
pub(crate) struct Chunks<'s, A: StoreAccess + 's> {
    access: &'s A,
    lease: Option<A::Lease<'s>>,
    started: Instant,
    rows: u32,
    writes: bool,
    /// How many chunks ended, for the log.
    pub ended: u64,
}

impl<'s, A: StoreAccess> Chunks<'s, A> {
    /// `writes`: each chunk is a transaction, committed at its end.
    pub(crate) fn new(access: &'s A, writes: bool) -> Self {
        Chunks {
            access,
            lease: None,
            started: Instant::now(),
            rows: 0,
            writes,
            ended: 0,
        }
    }

    /// The store, for the current chunk (beginning one if none is open).
    pub(crate) fn store(&mut self) -> Result<&mut Store, EngineError> {
        if self.lease.is_none() {
            let lease = self.access.lease();
            if self.writes {
                lease.savepoint(SAVEPOINT)?;
            }
            self.lease = Some(lease);
            self.started = Instant::now();
            self.rows = 0;
        }
        Ok(self.lease.as_deref_mut().expect("a lease was just taken"))
    }

    /// One row is done: ends the chunk (committing it) once it is long enough.
    pub(crate) fn row_done(&mut self) -> Result<(), EngineError> {
        self.rows += 1;
        if self.rows >= CHUNK_ROWS || self.started.elapsed() >= CHUNK_TIME {
            self.finish()?;
        }
        Ok(())
    }

    /// Commits the open chunk (if any) and lets the store go.
    pub(crate) fn finish(&mut self) -> Result<(), EngineError> {
        self.close(true)
    }

    /// Rolls the open chunk back (if any) and lets the store go.
    pub(crate) fn abandon(&mut self) {
        let _ = self.close(false);
    }

    fn close(&mut self, keep: bool) -> Result<(), EngineError> {
        let Some(lease) = self.lease.take() else {
            return Ok(());
        };
        let done = match (self.writes, keep) {
            (false, _) => Ok(()),
            (true, true) => lease.release(SAVEPOINT),
            (true, false) => lease.roll_back(SAVEPOINT),
        };
        A::end(lease);
        self.ended += 1;
        done
    }
}

impl<A: StoreAccess> Drop for Chunks<'_, A> {
    fn drop(&mut self) {
        // A pass that stops early (an error) never leaves its chunk's transaction open.
        self.abandon();
    }
}
