//! A running engine against a running simulator, both on one manual clock, for deterministic
//! scheduler tests: a temporary database, accounts connected to the simulator with tokens in a
//! memory token store, helpers to queue pins and to drive time until a condition holds.

use pinpace_engine::AccountId;
use pinpace_engine::JobId;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::clock::ManualClock;
use pinpace_engine::compose::{compose, BoardTarget, ComposeRequest};
use pinpace_engine::pacing::{AccountLimits, Preset as EnginePreset};
use pinpace_engine::pinterest::types::Board;
use pinpace_engine::pinterest::{AppCredentials, Environment, Secret};
use pinpace_engine::scheduler::tokens::{MemoryTokenStore, TokenSet, TokenStore};
use pinpace_engine::scheduler::{Engine, EngineConfig, EngineHandle};
use pinpace_engine::sim::{SimConfig, SimHandle, Simulator};
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::PinText;
use pinpace_engine::Store;

/// The text and image of a pin a test queues.
pub struct QueuedPin {
    pub title: String,
    pub description: Option<String>,
    pub link: String,
    pub image_url: String,
}

pub struct Lane {
    pub id: AccountId,
    pub sim_account: String,
    pub board: Board,
}

pub struct World {
    pub sim: SimHandle,
    pub clock: ManualClock,
    pub tokens: Arc<MemoryTokenStore>,
    pub dir: tempfile::TempDir,
    pub lanes: Vec<Lane>,
    pub engine: Option<EngineHandle>,
}

pub fn t0() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

/// A simulator and a database with `accounts` connected accounts (not yet running the engine).
pub async fn world(config: SimConfig, accounts: usize) -> World {
    let clock = ManualClock::new(t0());
    let sim = Simulator::start(config, Arc::new(clock.clone()))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let tokens = Arc::new(MemoryTokenStore::default());
    let (client_id, secret) = sim.client_credentials();
    let env = Environment::Simulator {
        base_url: sim.base_url(),
    };
    let mut lanes = Vec::new();
    for i in 0..accounts {
        let sim_account = sim.add_account(&format!("acct{i}"));
        let board = sim.add_board(&sim_account, "Board").unwrap();
        let id = store
            .insert_account(&format!("Account {i}"), &env, t0())
            .unwrap();
        store
            .set_account_limits(id, &AccountLimits::preset(EnginePreset::Standard))
            .unwrap();
        sign_in(&sim, &tokens, id, &sim_account);
        tokens.set_app(
            id,
            AppCredentials {
                client_id: client_id.clone(),
                client_secret: Secret::new(secret.clone()),
            },
        );
        lanes.push(Lane {
            id,
            sim_account,
            board,
        });
    }
    drop(store);
    World {
        sim,
        clock,
        tokens,
        dir,
        lanes,
        engine: None,
    }
}

pub fn test_config() -> EngineConfig {
    EngineConfig {
        seed: 7,
        offline_probe: Duration::from_secs(2),
        ..EngineConfig::default()
    }
}

/// Fresh tokens from the simulator for `sim_account`, stored as PinPace's account `id` (what a
/// connect or a reconnect leaves behind).
fn sign_in(sim: &SimHandle, tokens: &MemoryTokenStore, id: AccountId, sim_account: &str) {
    let issued = sim.issue_tokens(sim_account).unwrap();
    tokens
        .store_tokens(
            id,
            TokenSet {
                access: Secret::new(issued.access_token),
                refresh: issued.refresh_token.map(Secret::new),
                expires_at: None,
            },
        )
        .unwrap();
}

impl World {
    /// The user reconnects lane `lane`'s account: new tokens are stored (the caller resumes it).
    pub fn reconnect_tokens(&self, lane: usize) {
        let l = &self.lanes[lane];
        sign_in(&self.sim, &self.tokens, l.id, &l.sim_account);
    }

    pub fn store(&self) -> Store {
        Store::open_in_dir(self.dir.path()).unwrap()
    }

    /// The store: the engine's own while it runs (it holds the instance lock), else opened here.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        match &self.engine {
            Some(e) => f(&mut e.store()),
            None => f(&mut self.store()),
        }
    }

    /// Queues `n` pins for lane `lane`, due at `at`.
    pub fn queue(&self, lane: usize, n: usize, at: DateTime<Utc>, prefix: &str) -> Vec<JobId> {
        (0..n)
            .map(|i| {
                let pin = QueuedPin {
                    title: format!("{prefix} {i}"),
                    description: None,
                    link: format!("https://example.com/{prefix}/{i}"),
                    image_url: "https://example.com/p.jpg".into(),
                };
                self.queue_pin(lane, &pin, at)
            })
            .collect()
    }

    /// Queues one pin for lane `lane`'s board, due at `at`, and wakes the engine.
    pub fn queue_pin(&self, lane: usize, pin: &QueuedPin, at: DateTime<Utc>) -> JobId {
        let l = &self.lanes[lane];
        let req = ComposeRequest {
            text: PinText {
                title: Some(pin.title.clone()),
                description: pin.description.clone(),
                link: Some(pin.link.clone()),
                ..Default::default()
            },
            image_url: Some(pin.image_url.clone()),
            account_id: Some(l.id),
            boards: vec![BoardTarget {
                board_id: l.board.id.clone(),
                section_id: None,
            }],
            at: Some(at),
            ..Default::default()
        };
        let now = self.clock_now();
        let ids = self.with_store(|s| compose(s, &req, now)).unwrap();
        if let Some(e) = &self.engine {
            e.wake();
        }
        ids[0]
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use pinpace_engine::clock::Clock;
        self.clock.now()
    }

    pub fn start(&mut self, config: EngineConfig) {
        let store = self.store();
        self.engine = Some(Engine::spawn(
            store,
            Arc::new(self.clock.clone()),
            self.tokens.clone(),
            config,
        ));
    }

    pub async fn stop(&mut self) {
        if let Some(e) = self.engine.take() {
            e.stop().await;
        }
    }

    pub fn engine(&self) -> &EngineHandle {
        self.engine.as_ref().expect("engine started")
    }

    pub fn count(&self, state: JobState) -> usize {
        self.engine().store().jobs_in_state(state).unwrap().len()
    }

    /// Advances the clock by `step` at a time, letting the engine and the simulator work between
    /// steps, until `done` holds; panics after `limit` of clock time.
    pub async fn run_until(
        &self,
        step: TimeDelta,
        limit: TimeDelta,
        mut done: impl FnMut(&World) -> bool,
    ) {
        let end = self.clock_now() + limit;
        loop {
            self.quiesce().await;
            if done(self) {
                return;
            }
            assert!(
                self.clock_now() < end,
                "condition not reached within {limit}"
            );
            self.clock.advance(step);
        }
    }
}

impl World {
    /// Lets `total` of clock time pass in steps of `step`.
    pub async fn advance_for(&self, total: TimeDelta, step: TimeDelta) {
        let end = self.clock_now() + total;
        while self.clock_now() < end {
            self.clock.advance(step);
            self.quiesce().await;
        }
    }

    /// Waits (in real time) until the engine has done all it can at this instant: no request
    /// reached the simulator for a few consecutive pauses. Time only moves after that, so a
    /// burst the limits allow at one instant is sent at that instant, as on a real clock.
    pub async fn quiesce(&self) {
        let mut last = u64::MAX;
        let mut quiet = 0;
        while quiet < 3 {
            settle().await;
            let total = self.sim.stats().total;
            if total == last {
                quiet += 1;
            } else {
                quiet = 0;
                last = total;
            }
        }
    }
}

/// Lets spawned tasks and loopback I/O run for a moment of real time.
pub async fn settle() {
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(2)).await;
        tokio::task::yield_now().await;
    }
}
