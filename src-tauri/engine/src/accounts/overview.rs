//! The accounts list as the settings screen shows it: each account with its environment, status,
//! cached boards and how many pins wait on it. One read, no network.

use crate::AccountId;
use serde::Serialize;
use ts_rs::TS;

use crate::error::EngineError;
use crate::pacing::{AccountLimits, LimitSpec};
use crate::pinterest::Environment;
use crate::store::accounts::AccountStatus;
use crate::store::job_state::JobState;
use crate::Store;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct AccountView {
    #[ts(type = "number")]
    pub id: AccountId,
    pub name: String,
    pub username: Option<String>,
    pub environment: Environment,
    /// "Production", "Sandbox", "Simulator" or the custom base URL.
    pub environment_label: String,
    pub status: AccountStatus,
    pub boards: u32,
    /// RFC 3339; `None` before the first sync.
    pub boards_synced_at: Option<String>,
    /// Drafts excluded: scheduled, due, in flight or waiting to retry.
    pub queued: u32,
    /// Jobs held until the account is connected again.
    pub waiting_for_reconnect: u32,
    /// The access tier's limits (a preset) or the user's own list that the pacer follows.
    pub limits: AccountLimits,
    /// What the pacer follows for this account: the custom list, or the tier's documented limits.
    pub limits_in_force: Vec<LimitSpec>,
}

const QUEUED: [JobState; 4] = [
    JobState::Scheduled,
    JobState::Due,
    JobState::InFlight,
    JobState::WaitingRetry,
];

pub fn environment_label(env: &Environment) -> String {
    match env {
        Environment::Production => "Production".into(),
        Environment::Sandbox => "Sandbox".into(),
        Environment::Simulator { .. } => "Simulator".into(),
        Environment::Custom { base_url } => base_url.clone(),
    }
}

pub fn overview(store: &Store) -> Result<Vec<AccountView>, EngineError> {
    let mut out = Vec::new();
    for a in store.accounts()? {
        let queued = store.job_count(Some(a.id), &QUEUED)?;
        let waiting = store.job_count(Some(a.id), &[JobState::NeedsReconnect])?;
        out.push(AccountView {
            boards: store.boards(a.id)?.len() as u32,
            boards_synced_at: store.boards_synced_at(a.id)?.map(|t| t.to_rfc3339()),
            environment_label: environment_label(&a.environment),
            id: a.id,
            name: a.name,
            username: a.username,
            environment: a.environment,
            status: a.status,
            queued,
            waiting_for_reconnect: waiting,
            limits_in_force: a.limits.specs(),
            limits: a.limits,
        });
    }
    Ok(out)
}
