//! Errors that cross the engine's boundary: a stable machine code plus a human sentence.
//!
//! The UI and the CLI match on `code`, never on `message` (the GitButler pattern). Messages
//! must never contain secrets; constructors take only what is safe to show.

use serde::Serialize;
use ts_rs::TS;

/// Stable codes; renaming one is a breaking change for the UI and scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// The data directory could not be created or read.
    DataDirUnavailable,
    /// The database is held by another running PinPace.
    DatabaseLocked,
    /// The file is not a PinPace database, or it is damaged.
    DatabaseCorrupt,
    /// The database was written by a newer PinPace than this one.
    DatabaseTooNew,
    /// Any other storage failure.
    Storage,
    /// The thing named does not exist.
    NotFound,
    /// A job was not in a state that allows the requested change (it moved meanwhile).
    InvalidTransition,
    /// Input that failed validation; nothing was written.
    InvalidInput,
    /// Pinterest (or the network to it) did not give the answer needed; nothing was changed.
    PinterestUnavailable,
    /// The OS keychain did not answer; nothing was stored.
    KeychainUnavailable,
    /// Connecting: the redirect port is taken by another program.
    PortInUse,
    /// Connecting: the user (or Pinterest) refused access on the consent page.
    ConsentDenied,
    /// Connecting: the answer's `state` is not the one this app sent (a forged or stale redirect).
    StateMismatch,
    /// Connecting: no answer came back from the browser in time.
    ConnectTimedOut,
    /// Connecting: Pinterest refused the authorization code or the app's credentials.
    CodeRejected,
    /// Reconnecting: the browser signed in to a different Pinterest account.
    WrongAccount,
    /// Writing a file: one is already there; ask the user, then call again to replace it.
    FileExists,
    /// Pinterest's answer was larger than PinPace reads (a broken or hostile server).
    ResponseTooLarge,
    /// A listing went past PinPace's cap on pages or items, or its bookmarks looped.
    ListingTooLong,
    /// Pinterest (or PinPace's own pacing) asks for a wait longer than an action the user is
    /// watching should take; the message says when to try again.
    RateLimited,
    /// Connecting to a custom server that has no app credentials of its own saved (it is never
    /// sent the Pinterest app's); nothing was sent.
    CustomServerAppMissing,
}

#[derive(Debug, Clone, Serialize, TS, thiserror::Error)]
#[error("{message} ({code:?})")]
#[ts(export)]
pub struct EngineError {
    pub code: ErrorCode,
    pub message: String,
}

impl EngineError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        EngineError {
            code,
            message: message.into(),
        }
    }
}
