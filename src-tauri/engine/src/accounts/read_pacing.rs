//! Board sync's reads go through the pacer and the request log like every other request: each
//! page asks for an `org_read` slot first (the same windows and server floor the scheduler's
//! sends use, so a sync of hundreds of boards neither bursts past Pinterest's read limit nor
//! starves the pins' board checks), is written to the request log when it leaves (so a restart
//! counts it), and its answer's rate-limit headers and 429s teach the pacer as any answer does.
//! With the engine running, its own pacer answers over its command channel
//! (`scheduler::EngineReads`); with none (the CLI, connect before the engine starts, demo set-up)
//! a pacer rebuilt from the store stands in and the floor it learns is stored on the account.
//!
//! Assumption about Pinterest: boards and sections are `org_read` requests (the spec's
//! `x-ratelimit-category` for both operations), and a `Retry-After` is a floor (invariant 6).
//! Broken in tests by the simulator's `retry_after` fault on `GET /boards`.
//!
//! Waiting: a person who pressed "Refresh boards" (or just connected) waits for a slot or a
//! Retry-After of up to `LONGEST_INTERACTIVE_WAIT` (two minutes), like a slow page; anything
//! longer gives up that sync at once with `rate_limited` and "try again after <time>": the old
//! list stays, nothing is retried early, and the desktop stays responsive. A background refresh
//! (the engine's, after a pin's board vanished) has nobody watching: it waits as long as the
//! server says, then goes on.

use parking_lot::Mutex;
use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::{EngineError, ErrorCode};
use crate::pacing::{rebuild_pacer, Pacer};
use crate::pinterest::ratelimit::RateLimitSignals;
use crate::pinterest::types::Category;
use crate::pinterest::{Outcome, PinterestClient, Reply};
use crate::scheduler::EngineReads;
use crate::store::Store;
use crate::AccountId;

/// The longest wait a sync the user is watching accepts, for a slot or a Retry-After.
pub const LONGEST_INTERACTIVE_WAIT: Duration = Duration::from_secs(120);
/// How many 429s in a row one page accepts before the sync gives up.
const RATE_LIMITED_TRIES: u32 = 5;

/// Who waits for the sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// A person: waits up to `LONGEST_INTERACTIVE_WAIT`, else "try again after".
    Interactive,
    /// Nobody: waits as long as the server or the pacer says.
    Background,
}

/// Whose pacer counts the sync's reads.
#[derive(Debug, Clone)]
pub enum Reads {
    /// The running engine's.
    Engine(EngineReads),
    /// No engine runs: one rebuilt from the store for this sync.
    Local,
}

/// Why a read may not leave now.
#[derive(Debug)]
pub enum SlotRefused {
    /// Not before this much time has passed.
    Wait(Duration),
    /// The pacer's state could not be read or written: nothing is sent (fail closed).
    Failed(EngineError),
}

/// Takes an `org_read` slot for `account` at `now` if one is free: the send is written to the
/// request log first (a write that fails sends nothing), then counted in the pacer.
pub fn take_read(
    pacer: &mut Pacer,
    store: &Store,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<(), SlotRefused> {
    let at = pacer.next_slot_unpaused(account, Category::OrgRead, now);
    if at > now {
        let wait = (at - now).to_std().unwrap_or_default();
        tracing::debug!(%account, wait_ms = wait.as_millis() as u64, "read slot: not yet, the windows or the server's floor say wait");
        return Err(SlotRefused::Wait(wait));
    }
    store
        .log_request(account, Category::OrgRead, now)
        .map_err(|e| {
            tracing::warn!(%account, "read slot refused: the request log cannot be written: {}", e.message);
            SlotRefused::Failed(e)
        })?;
    pacer.record_send(account, Category::OrgRead, now);
    Ok(())
}

/// A read's answer: its headers correct the pacer, a 429 holds the lane until the server's
/// time, and the floor is stored on the account (so the engine, now or after a restart, keeps it).
pub fn read_answered(
    pacer: &mut Pacer,
    store: &Store,
    account: AccountId,
    signals: &RateLimitSignals,
    rate_limited: bool,
    now: DateTime<Utc>,
) {
    if rate_limited {
        pacer.observe_429(account, Category::OrgRead, signals, now);
    } else {
        pacer.observe(account, Category::OrgRead, signals, now);
    }
    if let Some(floor) = pacer.server_floor(account, now) {
        if let Err(e) = store.set_account_hold(account, Some(floor)) {
            tracing::warn!(%account, "the server's floor was not stored: {}", e.message);
        }
    }
}

/// One sync's way to the pacer.
pub struct ReadGate<'a> {
    account: AccountId,
    patience: Patience,
    via: Via<'a>,
}

enum Via<'a> {
    Engine(EngineReads),
    Local {
        store: &'a Mutex<Store>,
        pacer: Mutex<Pacer>,
    },
}

impl<'a> ReadGate<'a> {
    /// Fails when the store cannot say what was sent lately (fail closed: no guessed pacer).
    pub fn new(
        store: &'a Mutex<Store>,
        reads: Reads,
        account: AccountId,
        patience: Patience,
        now: DateTime<Utc>,
    ) -> Result<Self, EngineError> {
        let via = match reads {
            Reads::Engine(e) => Via::Engine(e),
            Reads::Local => {
                let pacer = rebuild_pacer(&store.lock(), &[], now)?;
                Via::Local {
                    store,
                    pacer: Mutex::new(pacer),
                }
            }
        };
        Ok(ReadGate {
            account,
            patience,
            via,
        })
    }

    async fn take(&self, now: DateTime<Utc>) -> Result<(), SlotRefused> {
        match &self.via {
            Via::Engine(e) => e.take_read(self.account).await,
            Via::Local { store, pacer } => {
                take_read(&mut pacer.lock(), &store.lock(), self.account, now)
            }
        }
    }

    fn answered(&self, signals: &RateLimitSignals, rate_limited: bool, now: DateTime<Utc>) {
        match &self.via {
            Via::Engine(e) => e.read_answered(self.account, signals.clone(), rate_limited),
            Via::Local { store, pacer } => read_answered(
                &mut pacer.lock(),
                &store.lock(),
                self.account,
                signals,
                rate_limited,
                now,
            ),
        }
    }

    /// Sends `call` once the pacer gives a slot; after a 429 (which holds the lane until the
    /// server's time), asks for a slot again, up to `RATE_LIMITED_TRIES` times.
    pub async fn send<T, F, Fut>(
        &self,
        client: &PinterestClient,
        call: F,
    ) -> Result<Reply<T>, EngineError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Reply<T>>,
    {
        let mut refused = 0;
        loop {
            match self.take(client.now()).await {
                Ok(()) => {}
                Err(SlotRefused::Failed(e)) => return Err(e),
                Err(SlotRefused::Wait(wait)) => {
                    self.wait(client, wait).await?;
                    continue;
                }
            }
            let reply = call().await;
            let rate_limited = matches!(reply.outcome, Outcome::RateLimited { .. });
            if reply.status.is_some() {
                self.answered(&reply.signals, rate_limited, client.now());
            }
            match &reply.outcome {
                Outcome::RateLimited {
                    spam_block: false, ..
                } if refused < RATE_LIMITED_TRIES => {
                    refused += 1;
                    tracing::info!(
                        account = %self.account,
                        try_number = refused,
                        "boards: Pinterest asked to slow down; the page is asked for again once the pacer allows"
                    );
                }
                _ => return Ok(reply),
            }
        }
    }

    async fn wait(&self, client: &PinterestClient, wait: Duration) -> Result<(), EngineError> {
        if self.patience == Patience::Interactive && wait > LONGEST_INTERACTIVE_WAIT {
            let at = client.now() + TimeDelta::from_std(wait).unwrap_or(TimeDelta::MAX);
            tracing::info!(
                account = %self.account,
                wait_s = wait.as_secs(),
                "boards: not refreshed, the wait is longer than a person should watch; try again after {at}"
            );
            return Err(try_again_after(at, wait));
        }
        tracing::info!(
            account = %self.account,
            wait_ms = wait.as_millis() as u64,
            patience = ?self.patience,
            "boards: waiting for a read slot (the pacer's windows or the server's Retry-After)"
        );
        client.clock().sleep(wait).await;
        Ok(())
    }
}

fn try_again_after(at: DateTime<Utc>, wait: Duration) -> EngineError {
    let minutes = wait.as_secs().div_ceil(60);
    EngineError::new(
        ErrorCode::RateLimited,
        format!(
            "Pinterest's limits for this account need a wait of about {minutes} min before more \
             boards can be read; the board list was not refreshed. Try again after {} UTC.",
            at.format("%Y-%m-%d %H:%M:%S")
        ),
    )
}
