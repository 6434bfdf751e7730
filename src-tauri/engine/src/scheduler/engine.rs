//! The engine: one struct that owns every piece of the scheduler's in-memory state, all of it
//! rebuilt from the store at start (DESIGN invariant 2). Its behaviour lives beside it, one
//! concern a file: `run_loop` (the loop and dispatch), `startup` (rebuild, promotion),
//! `prepare` (choosing and marking attempts), `apply` (carrying out an attempt's transition,
//! decided by the pure `outcome`), `lanes` (what the live panel reads), `health` (failing
//! closed) and `board_refresh`.

use crate::AccountId;
use parking_lot::{Mutex, MutexGuard};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::mpsc;

use super::config::EngineConfig;
use super::dispatch::AttemptReport;
use super::events::{Counters, EngineEvent, EventBus};
use super::handle::{Command, EngineHandle};
use crate::clock::SharedClock;
use crate::pacing::Pacer;
use crate::pinterest::PinterestClient;
use crate::secrets::token_store::TokenStore;
use crate::store::Store;

pub struct Engine {
    pub(super) store: Arc<Mutex<Store>>,
    pub(super) clock: SharedClock,
    pub(super) tokens: Arc<dyn TokenStore>,
    pub(super) config: EngineConfig,
    pub(super) events: EventBus,
    pub(super) pacer: Pacer,
    pub(super) clients: HashMap<AccountId, PinterestClient>,
    /// Attempts out per account (at most `max_in_flight` each).
    pub(super) in_flight: HashMap<AccountId, usize>,
    /// Accounts whose last answer was a success.
    pub(super) healthy: HashSet<AccountId>,
    /// One token refresh at a time per account: a rotated refresh token works once.
    pub(super) refresh_locks: HashMap<AccountId, Arc<tokio::sync::Mutex<()>>>,
    /// The turn at which each account last dispatched: when several lanes may send, the one
    /// served least recently goes first (a fair share of limits shared by the app).
    pub(super) last_turn: HashMap<AccountId, u64>,
    pub(super) turn: u64,
    pub(super) counters: Counters,
    pub(super) rng: StdRng,
    /// Set while the engine cannot read or write what it needs: nothing is sent.
    pub(super) halted: Option<super::health::Halt>,
    /// The user's "pause all": nothing is sent while set.
    pub(super) paused_all: bool,
    /// Accounts whose due jobs all wait behind an unsettled look-alike: no reason to wake
    /// until a report or a command arrives.
    pub(super) held_lanes: HashSet<AccountId>,
    /// Accounts whose board list is being fetched again.
    pub(super) refreshing_boards: HashSet<AccountId>,
    /// The loop's own command channel, for background tasks that report back.
    pub(super) commands_tx: mpsc::WeakUnboundedSender<Command>,
    pub(super) reports: (
        mpsc::UnboundedSender<AttemptReport>,
        mpsc::UnboundedReceiver<AttemptReport>,
    ),
    /// The runtime the engine was started from: attempts and board reads run there, never on
    /// the loop's own thread (see `spawn`).
    pub(super) runtime: tokio::runtime::Handle,
}

/// The loop's own thread. The loop's work is synchronous (SQLite, and an fsync before each round
/// of sends): on a worker of the caller's runtime it held that worker for the whole round, and
/// the attempts' answers (on two cores, the simulator too) waited behind it, stamping every
/// answer late and so every next send in a full window. On its own thread, with a small runtime
/// for its timers and channels, it takes nothing from the runtime the attempts run on.
pub(super) struct EngineThread {
    /// Dropped to end the loop at its next wait, as aborting a task would.
    abort: Option<tokio::sync::oneshot::Sender<()>>,
    /// Told when the loop has ended (in a mutex: the handle is shared between threads).
    ended: Mutex<std::sync::mpsc::Receiver<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How long dropping a handle waits for the loop to leave its round (a round takes
/// milliseconds; the bound only guards against a caller that holds the store's lock).
const DROP_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

impl EngineThread {
    fn start(engine: Engine, commands: mpsc::UnboundedReceiver<Command>) -> EngineThread {
        let (abort, aborted) = tokio::sync::oneshot::channel::<()>();
        let (ended_tx, ended) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("pinpace-engine".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(async move {
                        tokio::select! {
                            _ = engine.run(commands) => {}
                            _ = aborted => {}
                        }
                    }),
                    Err(e) => tracing::error!("the engine's loop could not start: {e}"),
                }
                let _ = ended_tx.send(());
            })
            .map_err(|e| tracing::error!("the engine's thread could not start: {e}"))
            .ok();
        EngineThread {
            abort: Some(abort),
            ended: Mutex::new(ended),
            thread,
        }
    }

    /// Waits (blocking) for the loop to end, for at most `wait`.
    pub(super) fn join(mut self, wait: std::time::Duration) {
        let _ = self.ended.lock().recv_timeout(wait);
        if let Some(t) = self.thread.take().filter(|t| t.is_finished()) {
            let _ = t.join();
        }
    }

    /// Ends the loop at its next wait and waits for it (at most `DROP_WAIT`): once a dropped
    /// handle is gone, its engine starts nothing more.
    pub(super) fn abort(mut self) {
        self.abort.take();
        self.join(DROP_WAIT);
    }
}

impl Engine {
    /// Starts the engine on `store`. It first reconciles what a previous run left in flight.
    pub fn spawn(
        store: Store,
        clock: SharedClock,
        tokens: Arc<dyn TokenStore>,
        config: EngineConfig,
    ) -> EngineHandle {
        let paused_all = store
            .setting::<bool>(crate::store::settings::keys::PAUSED_ALL)
            .unwrap_or(false);
        let store = Arc::new(Mutex::new(store));
        let events = EventBus::default();
        let (tx, rx) = mpsc::unbounded_channel();
        let engine = Engine {
            store: store.clone(),
            clock: clock.clone(),
            tokens: Arc::new(crate::secrets::token_store::KeptTokens::new(tokens)),
            pacer: Pacer::new(&config.app_limits),
            rng: StdRng::seed_from_u64(config.seed),
            config,
            events: events.clone(),
            clients: HashMap::new(),
            in_flight: HashMap::new(),
            healthy: HashSet::new(),
            refresh_locks: HashMap::new(),
            last_turn: HashMap::new(),
            turn: 0,
            counters: Counters::default(),
            refreshing_boards: HashSet::new(),
            held_lanes: HashSet::new(),
            halted: None,
            paused_all,
            commands_tx: tx.downgrade(),
            reports: mpsc::unbounded_channel(),
            runtime: tokio::runtime::Handle::current(),
        };
        EngineHandle {
            commands: tx,
            events,
            store,
            clock,
            task: Some(EngineThread::start(engine, rx)),
        }
    }

    pub(super) fn db(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }

    pub(super) fn client_for(&mut self, account: AccountId) -> Option<PinterestClient> {
        if let Some(c) = self.clients.get(&account) {
            return Some(c.clone());
        }
        let env = self.db().account(account).ok()?.environment;
        let client = PinterestClient::new(env.api_base().ok()?, self.clock.clone());
        self.clients.insert(account, client.clone());
        Some(client)
    }

    pub(super) fn emit(&self, event: EngineEvent) {
        self.events.emit(event);
    }
}
