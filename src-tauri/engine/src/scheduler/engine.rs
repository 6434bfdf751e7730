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
        };
        let task = tokio::spawn(engine.run(rx));
        EngineHandle {
            commands: tx,
            events,
            store,
            clock,
            task: Some(task),
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
