//! Scheduling settings (retry budget, catch-up grace) and "pause all". Checked first, so a bad
//! value changes nothing; saved in the store (the only keeper of each value: a scheduler
//! started later reads them there) and applied to a running scheduler at once.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Workspace;
use crate::error::{EngineError, ErrorCode};
use crate::scheduler::retry::RetryPolicy;
use crate::scheduler::EngineConfig;
use crate::store::settings::keys;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SchedulingSettings {
    /// Attempts per pin, the first included (1 to 20).
    pub max_attempts: u32,
    /// The longest a pin may spend backing off, in minutes (1 to 2880).
    pub max_backoff_minutes: u32,
    /// A pin found late by less than this (after a sleep or a crash) is still sent; later, it
    /// is marked missed. Minutes, 0 to 1440.
    pub catch_up_grace_minutes: u32,
    /// Every account is paused.
    pub paused_all: bool,
}

pub fn settings(ws: &impl Workspace) -> SchedulingSettings {
    let store = ws.store();
    let config = EngineConfig::from_settings(&store);
    SchedulingSettings {
        max_attempts: config.retry.max_attempts,
        max_backoff_minutes: (config.retry.max_total_delay.as_secs() / 60) as u32,
        catch_up_grace_minutes: (config.catch_up_grace.as_secs() / 60) as u32,
        paused_all: store.setting::<bool>(keys::PAUSED_ALL).unwrap_or(false),
    }
}

fn check(settings: &SchedulingSettings) -> Result<(), EngineError> {
    let bad = |m: &str| Err(EngineError::new(ErrorCode::InvalidInput, m));
    if !(1..=20).contains(&settings.max_attempts) {
        return bad("attempts per pin must be from 1 to 20");
    }
    if !(1..=2880).contains(&settings.max_backoff_minutes) {
        return bad("the longest backoff must be from 1 minute to 2 days");
    }
    if settings.catch_up_grace_minutes > 1440 {
        return bad("the catch-up grace must be at most a day (1440 minutes)");
    }
    Ok(())
}

/// Saves the retry budget and the catch-up grace. `paused_all` is not taken from `settings`:
/// the tray may have changed it since the screen read it; `set_paused_all` changes it.
pub fn save(
    ws: &impl Workspace,
    settings: &SchedulingSettings,
) -> Result<SchedulingSettings, EngineError> {
    check(settings)?;
    let grace = Duration::from_secs(u64::from(settings.catch_up_grace_minutes) * 60);
    let retry = {
        let store = ws.store();
        let retry = RetryPolicy {
            max_attempts: settings.max_attempts,
            max_total_delay: Duration::from_secs(u64::from(settings.max_backoff_minutes) * 60),
            ..EngineConfig::from_settings(&store).retry
        };
        store.set_setting(keys::RETRY_POLICY, &retry)?;
        store.set_setting(keys::CATCH_UP_GRACE_SECS, &grace.as_secs())?;
        retry
    };
    tracing::info!(
        max_attempts = retry.max_attempts,
        max_backoff_secs = retry.max_total_delay.as_secs(),
        catch_up_grace_secs = grace.as_secs(),
        "scheduling settings saved"
    );
    if let Some(engine) = ws.scheduler() {
        engine.configure(retry, grace);
    }
    Ok(self::settings(ws))
}

/// Whether every account is held.
pub fn paused_all(ws: &impl Workspace) -> bool {
    ws.store()
        .setting::<bool>(keys::PAUSED_ALL)
        .unwrap_or(false)
}

/// Holds (or releases) every account: nothing is sent while held, due pins wait.
pub fn set_paused_all(ws: &impl Workspace, paused: bool) -> Result<(), EngineError> {
    tracing::info!(paused, "pause all set by the user");
    match ws.scheduler() {
        Some(engine) => engine.set_paused_all(paused),
        None => ws.store().set_setting(keys::PAUSED_ALL, &paused),
    }
}
