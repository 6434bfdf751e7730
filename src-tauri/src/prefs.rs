//! The desktop's own preferences: which desktop notifications to show, whether closing the
//! window keeps PinPace running in the tray, and the time zone Compose and the slots editor
//! start from (the system's when unset). Kept as one JSON value in the settings table, read
//! where used (a notification, a window close), so a change applies with no restart.

use pinpace_engine::store::settings::keys;
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DesktopPrefs {
    /// A notification when pins fail (at most one a minute).
    pub notify_failures: bool,
    /// A notification when an account needs a reconnect.
    pub notify_reconnect: bool,
    /// Closing the window hides it and the scheduler keeps publishing; off: closing quits.
    pub keep_running_in_tray: bool,
    /// An IANA zone ("Europe/Lisbon") for times typed in Compose; `None`: the system's.
    pub time_zone: Option<String>,
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        DesktopPrefs {
            notify_failures: true,
            notify_reconnect: true,
            keep_running_in_tray: true,
            time_zone: None,
        }
    }
}

impl DesktopPrefs {
    pub fn load(store: &Store) -> Self {
        store.setting(keys::DESKTOP_PREFS).unwrap_or_default()
    }

    /// Checks (an unknown zone is refused with nothing saved) and stores.
    pub fn save(mut self, store: &Store) -> Result<Self, EngineError> {
        self.time_zone = self
            .time_zone
            .map(|z| z.trim().to_string())
            .filter(|z| !z.is_empty());
        if let Some(zone) = &self.time_zone {
            if zone.parse::<chrono_tz::Tz>().is_err() {
                return Err(EngineError::new(
                    ErrorCode::InvalidInput,
                    format!("\"{zone}\" is not a time zone name like Europe/Lisbon"),
                ));
            }
        }
        store.set_setting(keys::DESKTOP_PREFS, &self)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_saved_values_and_a_bad_zone_changes_nothing() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(DesktopPrefs::load(&store), DesktopPrefs::default());
        let quiet = DesktopPrefs {
            notify_failures: false,
            keep_running_in_tray: false,
            time_zone: Some(" Europe/Lisbon ".into()),
            ..DesktopPrefs::default()
        };
        let saved = quiet.save(&store).unwrap();
        assert_eq!(saved.time_zone.as_deref(), Some("Europe/Lisbon"));
        assert_eq!(DesktopPrefs::load(&store), saved);
        let bad = DesktopPrefs {
            time_zone: Some("Mars/Olympus".into()),
            ..DesktopPrefs::default()
        };
        assert_eq!(bad.save(&store).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(DesktopPrefs::load(&store), saved, "nothing changed");
    }
}
