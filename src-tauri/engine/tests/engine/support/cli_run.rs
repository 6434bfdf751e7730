//! Running `pinpace-cli` as a real process: for the tests that kill it (crash, soak), and for
//! the ones that read what it answers, success or not (`run`).

use std::process::Command;

use serde_json::Value;

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

/// What one CLI run answered.
pub struct Answer {
    pub ok: bool,
    /// Standard output as JSON (`Null` when it is not JSON).
    pub output: Value,
    /// The error JSON: the last line of standard error (log lines may come before it).
    pub error: Value,
    pub stdout: Vec<u8>,
}

/// Runs one CLI command on the data directory `dir`, with `PINPACE_TOKENS` if given, and
/// returns what it answered, whether it succeeded or not.
pub fn run(dir: &std::path::Path, args: &[&str], tokens: Option<&str>) -> Answer {
    let mut cmd = Command::new(CLI);
    cmd.arg("--data-dir").arg(dir).args(args);
    if let Some(t) = tokens {
        cmd.env("PINPACE_TOKENS", t);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    Answer {
        ok: out.status.success(),
        output: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        error: last
            .and_then(|l| serde_json::from_str(l).ok())
            .unwrap_or(Value::Null),
        stdout: out.stdout,
    }
}
