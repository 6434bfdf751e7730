//! The events the shell sends to the window, by name, with their payloads; both are exported to
//! TypeScript (ts-rs), so the UI listens by a checked name and reads a checked payload. The names
//! live in one enum, not in string constants beside each `emit`, so a renamed event breaks the
//! UI's type check instead of silently never arriving.

use pinpace_engine::scheduler::events::EngineEvent;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum AppEvent {
    /// `EngineEventBatch`: the engine's events, at most every 250 ms.
    EngineEvents,
    /// The account's id: the accounts list changed (connect, disconnect, boards, reconnect).
    AccountsChanged,
    /// The consent page's address, when a connect opens the browser.
    ConnectUrl,
}

impl AppEvent {
    pub fn name(self) -> &'static str {
        match self {
            AppEvent::EngineEvents => "engine-events",
            AppEvent::AccountsChanged => "accounts-changed",
            AppEvent::ConnectUrl => "connect-url",
        }
    }

    /// Sends the event to the window; a closed window is not an error worth reporting.
    pub fn emit<R: Runtime>(self, app: &AppHandle<R>, payload: impl Serialize + Clone) {
        let _ = app.emit(self.name(), payload);
    }
}

/// The payload of `engine-events`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EngineEventBatch {
    pub events: Vec<EngineEvent>,
    /// Events were dropped: re-read the state instead of patching it.
    pub lagged: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_what_typescript_sees() {
        for e in [
            AppEvent::EngineEvents,
            AppEvent::AccountsChanged,
            AppEvent::ConnectUrl,
        ] {
            assert_eq!(serde_json::to_value(e).unwrap(), e.name());
        }
    }
}
