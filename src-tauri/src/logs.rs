//! The desktop's log: `<data dir>/logs/pinpace.log.YYYY-MM-DD`, a new file each day (UTC) and
//! the last 7 kept, written by a background thread so that a slow disk never holds up the
//! scheduler. Debug builds also print the same lines to standard error. The level is `info`,
//! or `RUST_LOG` when it is set (see `pinpace_engine::logging`); no line carries a secret.
//!
//! The writer's guard lives in the app's managed state and is dropped when the app exits, which
//! flushes the lines still queued. Without a data directory there is no file (the window says
//! why the engine did not start) and, in a debug build, standard error only.

use parking_lot::Mutex;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use pinpace_engine::{EngineError, ErrorCode};
use tauri_plugin_opener::OpenerExt;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The log folder's name inside the data directory.
pub const LOG_DIR: &str = "logs";
/// Each file is this plus `.YYYY-MM-DD`.
pub const FILE_PREFIX: &str = "pinpace.log";
/// How many daily files are kept; older ones are deleted as a new day's file starts.
pub const KEEP_FILES: usize = 7;

/// Managed state: where the log files are, and the guard that flushes them at exit.
pub struct Logs {
    dir: Option<PathBuf>,
    guard: Mutex<Option<WorkerGuard>>,
}

impl Logs {
    /// Starts logging for the data directory `data_dir` (once per process: a second call logs
    /// nowhere new). The returned value must be kept for as long as the app runs.
    pub fn start(data_dir: Option<&Path>) -> Logs {
        let dir = data_dir.map(|d| d.join(LOG_DIR));
        let appender = dir.as_ref().and_then(|dir| {
            // Made first: the appender prunes old files before it would create the folder.
            let _ = std::fs::create_dir_all(dir);
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix(FILE_PREFIX)
                .max_log_files(KEEP_FILES)
                .build(dir)
                .map_err(|e| eprintln!("PinPace: no log file in {} ({e})", dir.display()))
                .ok()
        });
        let (file, guard) = match appender {
            Some(appender) => {
                let (writer, guard) = tracing_appender::non_blocking(appender);
                let layer = tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_ansi(false);
                (Some(layer), Some(guard))
            }
            None => (None, None),
        };
        let stderr = cfg!(debug_assertions).then(|| {
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
        });
        let _ = tracing_subscriber::registry()
            .with(pinpace_engine::logging::filter(None))
            .with(file)
            .with(stderr)
            .try_init();
        tracing::info!(
            version = pinpace_engine::VERSION,
            log_dir = %dir.as_ref().map_or("none".into(), |d| d.display().to_string()),
            "PinPace is starting"
        );
        Logs {
            dir,
            guard: Mutex::new(guard),
        }
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Writes out the lines still queued and stops the writer (at exit).
    pub fn flush(&self) {
        drop(self.guard.lock().take());
    }

    /// Opens the log folder in the system's file manager; returns its path, which the screen
    /// shows in case no file manager opened.
    pub fn open_folder<R: tauri::Runtime>(
        &self,
        app: &tauri::AppHandle<R>,
    ) -> Result<String, EngineError> {
        let dir = self.dir().ok_or_else(|| {
            EngineError::new(
                ErrorCode::DataDirUnavailable,
                "this platform reported no app-data directory, so there is no log folder; set PINPACE_DATA_DIR",
            )
        })?;
        let shown = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|e| {
            EngineError::new(
                ErrorCode::DataDirUnavailable,
                format!("the log folder {shown} cannot be created: {e}"),
            )
        })?;
        app.opener()
            .open_path(dir.to_string_lossy(), None::<&str>)
            .map_err(|e| {
                tracing::warn!("the log folder did not open in a file manager: {e}");
                EngineError::new(
                    ErrorCode::DataDirUnavailable,
                    format!("no file manager opened ({e}); the logs are in {shown}"),
                )
            })?;
        Ok(shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_go_to_a_dated_file_in_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let logs = Logs::start(Some(dir.path()));
        assert_eq!(logs.dir(), Some(dir.path().join("logs").as_path()));
        tracing::warn!("a line for the file");
        logs.flush();
        let files: Vec<String> = std::fs::read_dir(dir.path().join(LOG_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let date = files[0].strip_prefix("pinpace.log.").unwrap();
        assert!(
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
            "{date}"
        );
        let text = std::fs::read_to_string(dir.path().join(LOG_DIR).join(&files[0])).unwrap();
        assert!(text.contains("a line for the file"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes in the file");
    }
}
