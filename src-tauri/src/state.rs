//! The shell's managed state: the engine's store, or the error that kept it from opening.
//! A failed open (locked by another instance, damaged file) is shown in the window rather than
//! crashing the app, so the state keeps the error for the commands to return.

use std::path::PathBuf;
use std::sync::Mutex;

use pinpace_engine::{EngineError, ErrorCode, Store};

pub struct AppState {
    store: Result<Mutex<Store>, EngineError>,
}

impl AppState {
    pub fn open(data_dir: Option<PathBuf>) -> Self {
        let store = match data_dir {
            Some(dir) => Store::open_in_dir(&dir).map(Mutex::new),
            None => Err(EngineError::new(
                ErrorCode::DataDirUnavailable,
                "this platform reported no app-data directory; set PINPACE_DATA_DIR",
            )),
        };
        AppState { store }
    }

    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> T) -> Result<T, EngineError> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        let guard = store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&guard))
    }
}
