//! When Pinterest says a pin's board does not exist (code 40: deleted, or moved out of reach),
//! the cached board list is stale: the engine fetches it again in the background so the pickers
//! and the next edit see the truth, and tells subscribers how it went. One refresh per account
//! at a time; the job itself has already failed with a sentence saying what happened.
//!
//! The refresh's reads go through the engine's own pacer and the request log
//! (`accounts::read_pacing`): `EngineReads` asks the loop for each `org_read` slot over the
//! command channel and hands it each answer's signals, so a sync never spends a window the
//! pins' board checks need without the pacer knowing. Nobody watches this refresh, so it waits
//! out a long Retry-After (`Patience::Background`) instead of giving up.

use tokio::sync::{mpsc, oneshot};

use super::engine::Engine;
use super::events::EngineEvent;
use super::handle::Command;
use crate::accounts::flow::sync_boards;
use crate::accounts::read_pacing::{read_answered, take_read, Patience, Reads, SlotRefused};
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::RateLimitSignals;
use crate::AccountId;

/// A way to the running engine's pacer for reads made outside its attempts (board sync). It
/// holds a weak sender: it never keeps a stopped engine alive.
#[derive(Debug, Clone)]
pub struct EngineReads(pub(super) mpsc::WeakUnboundedSender<Command>);

impl EngineReads {
    /// An `org_read` slot for `account` now, or how long to wait for one.
    pub async fn take_read(&self, account: AccountId) -> Result<(), SlotRefused> {
        let stopped = || {
            SlotRefused::Failed(EngineError::new(
                ErrorCode::PinterestUnavailable,
                "the scheduler stopped; nothing was read from Pinterest",
            ))
        };
        let tx = self.0.upgrade().ok_or_else(stopped)?;
        let (reply, answer) = oneshot::channel();
        tx.send(Command::TakeRead(account, reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// A read's answer, for the pacer to learn from.
    pub fn read_answered(&self, account: AccountId, signals: RateLimitSignals, rate_limited: bool) {
        if let Some(tx) = self.0.upgrade() {
            let _ = tx.send(Command::ReadAnswered(
                account,
                Box::new(signals),
                rate_limited,
            ));
        }
    }
}

impl Engine {
    pub(super) fn refresh_boards(&mut self, account: AccountId) {
        if !self.refreshing_boards.insert(account) {
            return;
        }
        let (Some(client), Some(tokens)) = (self.client_for(account), self.tokens.tokens(account))
        else {
            self.refreshing_boards.remove(&account);
            return;
        };
        let store = self.store.clone();
        let reads = EngineReads(self.commands_tx.clone());
        let events = self.events.clone();
        let done = self.commands_tx.clone();
        self.runtime.spawn(async move {
            let result = sync_boards(
                &store,
                &client,
                account,
                &tokens.access,
                Reads::Engine(reads),
                Patience::Background,
            )
            .await;
            events.emit(EngineEvent::BoardsSynced {
                account_id: account,
                boards: result.as_ref().ok().map(|n| *n as u32),
                error: result.err().map(|e| e.message),
            });
            if let Some(done) = done.upgrade() {
                let _ = done.send(super::handle::Command::BoardsRefreshed(account));
            }
        });
    }
}

impl Engine {
    /// `Command::TakeRead`: a read slot from the engine's pacer, logged in the request log.
    pub(super) fn take_read_slot(
        &mut self,
        account: AccountId,
        reply: oneshot::Sender<Result<(), SlotRefused>>,
    ) {
        let now = self.clock.now();
        let taken = take_read(&mut self.pacer, &self.store.lock(), account, now);
        let _ = reply.send(taken);
    }

    /// `Command::ReadAnswered`: the pacer learns from a board read's answer; a 429 is counted.
    pub(super) fn board_read_answered(
        &mut self,
        account: AccountId,
        signals: &RateLimitSignals,
        rate_limited: bool,
    ) {
        let now = self.clock.now();
        if rate_limited {
            self.counters.rate_limited += 1;
        }
        read_answered(
            &mut self.pacer,
            &self.store.lock(),
            account,
            signals,
            rate_limited,
            now,
        );
        self.emit_lane(account, now);
    }
}
