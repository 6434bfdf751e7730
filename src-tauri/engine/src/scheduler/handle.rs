//! The engine's handle: what a front (the desktop shell, the CLI, a test) may ask of the
//! running engine, as commands over its channel. Dropping the handle stops the loop (on its own
//! thread, see `engine::EngineThread`).

use crate::AccountId;
use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::events::{Counters, EventBus, LaneSnapshot};
use super::retry::RetryPolicy;
use crate::clock::SharedClock;
use crate::store::settings::keys;
use crate::store::Store;

pub(super) enum Command {
    Wake,
    Stop(oneshot::Sender<()>),
    Lanes(oneshot::Sender<Vec<LaneSnapshot>>),
    Resume(AccountId),
    BoardsRefreshed(AccountId),
    PauseAll(bool),
    LimitsChanged(AccountId),
    Configure(RetryPolicy, Duration),
    Forecast(oneshot::Sender<super::forecast::Forecast>),
    Counters(oneshot::Sender<Counters>),
    Health(oneshot::Sender<super::health::EngineHealth>),
    /// A board read asks for an `org_read` slot (see `board_refresh::EngineReads`).
    TakeRead(
        AccountId,
        oneshot::Sender<Result<(), crate::accounts::read_pacing::SlotRefused>>,
    ),
    /// A board read's answer: its signals, and whether it was a 429.
    ReadAnswered(AccountId, Box<crate::pinterest::RateLimitSignals>, bool),
}

/// Owns the engine task; dropping it stops the task.
pub struct EngineHandle {
    pub(super) commands: mpsc::UnboundedSender<Command>,
    pub(super) events: EventBus,
    pub(super) store: Arc<Mutex<Store>>,
    pub(super) clock: SharedClock,
    pub(super) task: Option<super::engine::EngineThread>,
}

impl EngineHandle {
    /// Holds (or releases) every account: nothing is sent while held, due pins wait. Kept
    /// across restarts: the setting is written here, before the engine is told, so that
    /// `api::scheduling::paused_all` answers the new value at once and the store is its only keeper.
    pub fn set_paused_all(&self, paused: bool) -> Result<(), crate::EngineError> {
        self.store().set_setting(keys::PAUSED_ALL, &paused)?;
        let _ = self.commands.send(Command::PauseAll(paused));
        Ok(())
    }

    /// The time as the engine's clock sees it (a manual clock in tests).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// An account's limits were changed in the store (its access tier): the pacer takes them on
    /// at once, keeping what was already sent in each window.
    pub fn limits_changed(&self, account: AccountId) {
        let _ = self.commands.send(Command::LimitsChanged(account));
    }

    /// Applies a new retry budget and catch-up grace to the running engine (the caller stores
    /// them in settings for the next start).
    pub fn configure(&self, retry: RetryPolicy, catch_up_grace: Duration) {
        let _ = self
            .commands
            .send(Command::Configure(retry, catch_up_grace));
    }

    /// The engine's running totals since it started (sent, published, 429s, retries...).
    pub async fn counters(&self) -> Counters {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Counters(tx));
        rx.await.unwrap_or_default()
    }

    /// Whether the engine is sending, and if not, why (see `health`).
    pub async fn health(&self) -> super::health::EngineHealth {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Health(tx));
        rx.await.unwrap_or_default()
    }

    /// When each pending pin will really go out under the live pacing, and the warnings.
    pub async fn forecast(&self) -> Option<super::forecast::Forecast> {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Forecast(tx));
        rx.await.ok()
    }

    /// Tells the engine the queue changed (a job was scheduled, edited or requeued).
    pub fn wake(&self) {
        let _ = self.commands.send(Command::Wake);
    }

    /// The engine's pacer, for reads made outside its attempts (a board sync the user asked for).
    pub fn board_reads(&self) -> super::EngineReads {
        super::EngineReads(self.commands.downgrade())
    }

    /// Clears a pause (spam block acknowledged, reconnected) on an account's lane.
    pub fn resume(&self, account: AccountId) {
        let _ = self.commands.send(Command::Resume(account));
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }

    /// The store's mutex itself, for flows that lock it only between network waits.
    pub fn shared_store(&self) -> Arc<Mutex<Store>> {
        self.store.clone()
    }

    /// Each account's pacing, now.
    pub async fn lanes(&self) -> Vec<LaneSnapshot> {
        let (tx, rx) = oneshot::channel();
        let _ = self.commands.send(Command::Lanes(tx));
        rx.await.unwrap_or_default()
    }

    /// Stops the loop after the attempts in flight have been applied.
    pub async fn stop(mut self) {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Stop(tx)).is_ok() {
            let _ = rx.await;
        }
        // The loop has answered and returns at once; its thread is joined off this runtime.
        if let Some(task) = self.task.take() {
            let joined =
                tokio::task::spawn_blocking(move || task.join(std::time::Duration::from_secs(5)));
            let _ = joined.await;
        }
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
