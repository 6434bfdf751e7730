//! The pacer as the database says it should be: every account's limits, pauses and the server's
//! floors, and every window refilled with the requests really sent in the last day (so a restart
//! neither spends a quota twice nor bursts into a window already used). Any read that fails is
//! an error, never an empty default: a pacer refilled from nothing would burst (the scheduler
//! fails closed on it, see `scheduler::health`).

use chrono::{DateTime, TimeDelta, Utc};

use super::{LimitScope, LimitSpec, Pacer, PauseReason};
use crate::error::EngineError;
use crate::store::accounts::{Account, AccountStatus};
use crate::store::Store;

const DAY: TimeDelta = TimeDelta::days(1);

/// A pause that lasts until the user acts (reconnects, clears a spam block).
pub const UNTIL_THE_USER_ACTS: TimeDelta = TimeDelta::days(3650);

/// App-wide limits: the configured ones plus those of each account's preset or list (trial
/// access is per app), each once.
pub fn app_specs(accounts: &[Account], app_limits: &[LimitSpec]) -> Vec<LimitSpec> {
    let mut app: Vec<LimitSpec> = app_limits.to_vec();
    for spec in accounts.iter().flat_map(|a| a.limits.specs()) {
        if spec.scope == LimitScope::App && !app.contains(&spec) {
            app.push(spec);
        }
    }
    app
}

/// The pacer as the database says it should be at `now`: every account's limits and pauses, and
/// every window refilled with the requests really sent in the last day (so a restart neither
/// spends a quota twice nor bursts into a window already used).
pub fn rebuild_pacer(
    store: &Store,
    app_limits: &[LimitSpec],
    now: DateTime<Utc>,
) -> Result<Pacer, EngineError> {
    let accounts = store.accounts()?;
    let mut pacer = Pacer::new(&app_specs(&accounts, app_limits));
    for a in accounts {
        if let Some(until) = a.held_until.filter(|t| *t > now) {
            pacer.hold_until(a.id, until);
        }
        pacer.set_account_limits(a.id, &a.limits.specs());
        match a.status {
            AccountStatus::NeedsReconnect | AccountStatus::Disconnected => {
                pacer.pause(a.id, now + UNTIL_THE_USER_ACTS, PauseReason::NeedsReconnect)
            }
            AccountStatus::SpamBlocked => {
                pacer.pause(a.id, now + UNTIL_THE_USER_ACTS, PauseReason::SpamBlock)
            }
            _ => {}
        }
    }
    for r in store.recent_requests(now - DAY)? {
        pacer.record_send(r.account_id, r.category, r.sent_at);
    }
    Ok(pacer)
}
