//! Running `pinpace-cli` as a real process, for the tests that kill it (crash, soak).

use std::process::Command;

pub const CLI: &str = env!("CARGO_BIN_EXE_pinpace-cli");

/// Runs one CLI command on the data directory `dir`; panics unless it succeeds; its JSON output.
pub fn cli(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = Command::new(CLI)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
