//! Disconnecting an account: its tokens leave the keychain (nothing is revoked on Pinterest's
//! side: the user can do that in Pinterest's settings, and PinPace says so), and its queued
//! jobs either wait for a reconnect or are cancelled, as the user chose. Refused while one of
//! its pins is being sent, so that no answer arrives for an account that is gone.

use crate::AccountId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{EngineError, ErrorCode};
use crate::secrets::token_store::TokenStore;
use crate::secrets::VaultTokens;
use crate::store::accounts::AccountStatus;
use crate::store::job_state::JobState;
use crate::store::jobs::JobPatch;
use crate::Store;

/// What happens to the account's jobs that have not gone out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum QueuedJobs {
    /// They wait, as "needs reconnect", and go out once the account is connected again.
    Keep,
    /// They are cancelled (their pins stay, as drafts can be made of them again).
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Disconnected {
    pub kept: usize,
    pub cancelled: usize,
}

pub fn disconnect(
    store: &mut Store,
    tokens: &VaultTokens,
    account: AccountId,
    queued: QueuedJobs,
    now: DateTime<Utc>,
) -> Result<Disconnected, EngineError> {
    store.account(account)?;
    let mine = |s: &Store, state: JobState| -> Result<Vec<_>, EngineError> {
        Ok(s.jobs_in_state(state)?
            .into_iter()
            .filter(|j| j.account_id == Some(account))
            .collect())
    };
    if !mine(store, JobState::InFlight)?.is_empty() {
        tracing::warn!(%account, "disconnect refused: one of its pins is being sent");
        return Err(EngineError::new(
            ErrorCode::InvalidTransition,
            "a pin of this account is being sent right now; try again in a moment",
        ));
    }
    let previous = tokens.tokens(account);
    let mut summary = Disconnected {
        kept: 0,
        cancelled: 0,
    };
    let result = store.all_or_nothing(|s| {
        s.set_account_status(account, AccountStatus::Disconnected)?;
        // All of them first: a job moved below must not be met again in its new state.
        let mut queued_jobs = Vec::new();
        for state in [
            JobState::Scheduled,
            JobState::Due,
            JobState::WaitingRetry,
            JobState::NeedsReconnect,
        ] {
            queued_jobs.extend(mine(s, state)?.into_iter().map(|j| (state, j)));
        }
        {
            for (state, job) in queued_jobs {
                let (to, reason) = match (queued, state) {
                    (QueuedJobs::Cancel, _) => {
                        summary.cancelled += 1;
                        (JobState::Cancelled, "the account was disconnected")
                    }
                    (QueuedJobs::Keep, JobState::Scheduled | JobState::NeedsReconnect) => {
                        summary.kept += 1;
                        continue; // a scheduled job waits when it comes due
                    }
                    (QueuedJobs::Keep, _) => {
                        summary.kept += 1;
                        (
                            JobState::NeedsReconnect,
                            "the account was disconnected: waiting for a reconnect",
                        )
                    }
                };
                s.transition(job.id, to, reason, None, &JobPatch::default(), now)?;
            }
        }
        tokens.forget(account)
    });
    match &result {
        Ok(()) => tracing::info!(
            %account,
            kept = summary.kept,
            cancelled = summary.cancelled,
            "disconnect: tokens forgotten"
        ),
        Err(e) => tracing::warn!(
            %account,
            code = ?e.code,
            "disconnect failed, nothing was changed: {}",
            e.message
        ),
    }
    if result.is_err() {
        if let Some(p) = previous {
            let _ = tokens.store_tokens(account, p);
        }
    }
    result.map(|()| summary)
}
