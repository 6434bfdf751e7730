//! Tauri commands: each adapts one engine call and returns engine types, whose TypeScript
//! twins live in ui/src/lib/bindings. Errors reach the UI as `{code, message}`. One file per
//! screen's concerns; the commands stay thin so the behaviour is tested in the engine. Every
//! argument the UI passes is an `Arg` (see arg.rs), so a malformed one is refused with
//! `invalid_input` too.

pub mod accounts;
mod arg;
pub mod bulk;
pub mod connect;
pub mod info;
pub mod logs;
pub mod media;
pub mod prefs;
pub mod queue;
pub mod queue_bulk;
pub mod scheduling;
pub mod settings;

pub use arg::Arg;

use pinpace_engine::{EngineError, ErrorCode};
use tauri::Manager;

use crate::state::{AppState, Desktop};

/// Runs `work` on a blocking thread of Tauri's runtime. Commands that read files or go through
/// many rows (import, export, image reads, compose with an image) use it: a synchronous
/// command runs on the window's main thread, which then cannot draw until it returns.
pub(crate) async fn off_main_thread<R: tauri::Runtime, T: Send + 'static>(
    app: tauri::AppHandle<R>,
    work: impl FnOnce(&Desktop) -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    tauri::async_runtime::spawn_blocking(move || work(app.state::<AppState>().desktop()?))
        .await
        .map_err(|e| {
            EngineError::new(
                ErrorCode::Storage,
                format!("the work stopped before it ended: {e}"),
            )
        })?
}
