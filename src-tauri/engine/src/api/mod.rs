//! The one engine API that every front calls: the desktop's `#[tauri::command]`s, `pinpace-cli`,
//! and next the local REST API. Each operation takes a [`Workspace`] (the store, the engine's
//! clock, and the running scheduler if there is one) and typed arguments (times are
//! `DateTime<Utc>`, parsed by serde at the edge), and answers engine types or an `EngineError`
//! with a stable code. The rules of an operation (caps, checks, which states may change) live
//! here or in the module it calls, never in a front: a Tauri command is a one-line adapter and
//! the CLI calls the same function, so both refuse the same input with the same code.
//!
//! Shaped after Yaak's `yaak-commands` and GitButler's `but-api`: front-free functions, tested
//! on an in-memory store and a manual clock with no window (`api/tests.rs`).
//!
//! A front without a running scheduler (the CLI between `run`s, a test) uses [`Offline`]: a
//! change lands in the store, and a scheduler started later reads it there. With one running
//! ([`EngineHandle`]) the scheduler is also told at once.

pub mod accounts;
pub mod bulk;
pub mod connect;
pub mod media;
pub mod pinterest_app;
pub mod queue;
pub mod scheduling;
#[cfg(test)]
mod tests;
pub mod transfer;

use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::SharedClock;
use crate::scheduler::EngineHandle;
use crate::Store;

/// What an operation works on: the store, the engine's clock, and the scheduler (if running).
pub trait Workspace: Send + Sync {
    fn store(&self) -> MutexGuard<'_, Store>;
    /// The store's mutex itself, for flows that lock it only between network waits.
    fn shared_store(&self) -> Arc<Mutex<Store>>;
    /// Now, on the engine's clock (never `Utc::now()` in an operation: tests drive the clock).
    fn now(&self) -> DateTime<Utc>;
    /// The running scheduler, to tell it what changed; `None` when nothing runs.
    fn scheduler(&self) -> Option<&EngineHandle>;

    /// The queue changed: a running scheduler re-plans at once.
    fn queue_changed(&self) {
        if let Some(engine) = self.scheduler() {
            engine.wake();
        }
    }
}

impl Workspace for EngineHandle {
    fn store(&self) -> MutexGuard<'_, Store> {
        EngineHandle::store(self)
    }
    fn shared_store(&self) -> Arc<Mutex<Store>> {
        EngineHandle::shared_store(self)
    }
    fn now(&self) -> DateTime<Utc> {
        EngineHandle::now(self)
    }
    fn scheduler(&self) -> Option<&EngineHandle> {
        Some(self)
    }
}

/// A workspace with no scheduler running: the CLI's commands other than `run`, and tests.
pub struct Offline {
    store: Arc<Mutex<Store>>,
    clock: SharedClock,
}

impl Offline {
    pub fn new(store: Store, clock: SharedClock) -> Offline {
        Offline {
            store: Arc::new(Mutex::new(store)),
            clock,
        }
    }

    /// Gives the store back (to hand it to a scheduler, or to close it).
    pub fn into_store(self) -> Store {
        match Arc::try_unwrap(self.store) {
            Ok(m) => m.into_inner(),
            Err(_) => panic!("Offline::into_store while a flow still holds the store"),
        }
    }
}

impl Workspace for Offline {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }
    fn shared_store(&self) -> Arc<Mutex<Store>> {
        self.store.clone()
    }
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
    fn scheduler(&self) -> Option<&EngineHandle> {
        None
    }
}
