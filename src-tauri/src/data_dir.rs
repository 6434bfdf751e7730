//! Where the app keeps its data. The platform's app-data directory (on Linux
//! `$XDG_DATA_HOME/app.pinpace.desktop`), unless `PINPACE_DATA_DIR` points elsewhere: tests and
//! the demo always set it, so they never touch a user's real data (DESIGN invariant 9).

use std::path::PathBuf;

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "PINPACE_DATA_DIR";

pub fn resolve(platform_default: Option<PathBuf>) -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => platform_default,
    }
}
