//! The bench's world: a simulator and the strategy under test on one scaled clock (simulated
//! minutes pass in real seconds), accounts with tokens, a workload of pins with due times, and the
//! measurements read from the simulator's own record (what Pinterest would have seen).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::clock::{Clock, ScaledClock, SharedClock};
use pinpace_engine::compose::{validate, write_validated, BoardTarget, ComposeRequest};
use pinpace_engine::pacing::{AccountLimits, LimitSpec, Preset as EnginePreset};
use pinpace_engine::pinterest::{Environment, PinterestClient, Secret};
use pinpace_engine::scheduler::tokens::{MemoryTokenStore, TokenSet, TokenStore};
use pinpace_engine::scheduler::{Engine, EngineConfig, EngineHandle};
use pinpace_engine::sim::{SimConfig, SimHandle, Simulator};
use pinpace_engine::PinText;
use pinpace_engine::Store;

#[derive(Clone)]
pub struct Pin {
    pub lane: usize,
    pub due: DateTime<Utc>,
    pub title: String,
    /// A local image file (PinPace only; the baselines send the URL).
    pub image: Option<std::path::PathBuf>,
}

pub struct Lane {
    pub sim_account: String,
    pub board_id: String,
    pub token: Secret,
}

pub struct World {
    pub sim: SimHandle,
    pub clock: Arc<ScaledClock>,
    pub start: DateTime<Utc>,
    pub lanes: Vec<Lane>,
}

impl World {
    pub async fn new(config: SimConfig, accounts: usize, scale: f64) -> World {
        let start: DateTime<Utc> = "2026-11-23T00:00:00Z".parse().unwrap();
        let clock = Arc::new(ScaledClock::new(start, scale));
        let sim = Simulator::start(config, clock.clone())
            .await
            .expect("simulator");
        let mut lanes = Vec::new();
        for i in 0..accounts {
            let sim_account = sim.add_account(&format!("bench{i}"));
            let board_id = sim.add_board(&sim_account, "Board").unwrap().id;
            let token = Secret::new(sim.issue_tokens(&sim_account).unwrap().access_token);
            lanes.push(Lane {
                sim_account,
                board_id,
                token,
            });
        }
        World {
            sim,
            clock,
            start,
            lanes,
        }
    }

    pub fn shared_clock(&self) -> SharedClock {
        self.clock.clone()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn client(&self) -> PinterestClient {
        let base = url::Url::parse(&format!("{}/", self.sim.base_url())).unwrap();
        PinterestClient::new(base, self.shared_clock())
    }
}

/// What the simulator saw of one run.
pub struct Measured {
    /// Per pin of the workload: when it was created, if it was.
    pub created: Vec<Option<DateTime<Utc>>>,
    pub rate_limited: u64,
    pub duplicates: usize,
}

impl Measured {
    pub fn read(world: &World, pins: &[Pin]) -> Measured {
        let record = world.sim.created_pins();
        let mut created = Vec::with_capacity(pins.len());
        let mut duplicates = 0;
        for p in pins {
            let account = &world.lanes[p.lane].sim_account;
            let hits: Vec<_> = record
                .iter()
                .filter(|c| {
                    &c.account_id == account && c.text.title.as_deref() == Some(p.title.as_str())
                })
                .collect();
            duplicates += hits.len().saturating_sub(1);
            created.push(hits.iter().map(|c| c.created_at).min());
        }
        Measured {
            created,
            rate_limited: world.sim.stats().rate_limited,
            duplicates,
        }
    }

    pub fn lost(&self) -> usize {
        self.created.iter().filter(|c| c.is_none()).count()
    }

    pub fn makespan(&self, start: DateTime<Utc>) -> TimeDelta {
        self.created
            .iter()
            .flatten()
            .max()
            .map_or(TimeDelta::zero(), |last| *last - start)
    }
}

/// Runs PinPace's real engine (store, pacer, scheduler) on the workload until every pin is
/// published or failed, or `limit` of simulated time passed. Returns how long each durable
/// commit before a round of sends took (real time).
pub async fn run_pinpace(
    world: &World,
    pins: &[Pin],
    app_limits: Vec<LimitSpec>,
    preset: EnginePreset,
    limit: TimeDelta,
) -> Vec<Duration> {
    let (engine, _dir) = start_pinpace(world, pins, app_limits, preset);
    let end = world.now() + limit;
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let open = engine.store().open_job_count().unwrap_or(0);
        if open == 0 || world.now() > end {
            break;
        }
    }
    let commits = engine
        .store()
        .durable_commit_times()
        .iter()
        .copied()
        .collect();
    engine.stop().await;
    commits
}

/// Starts PinPace's real engine on the workload, its store in the returned directory.
pub fn start_pinpace(
    world: &World,
    pins: &[Pin],
    app_limits: Vec<LimitSpec>,
    preset: EnginePreset,
) -> (EngineHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let tokens = Arc::new(MemoryTokenStore::default());
    let env = Environment::Simulator {
        base_url: world.sim.base_url(),
    };
    let now = world.now();
    let mut ids = Vec::new();
    for (i, lane) in world.lanes.iter().enumerate() {
        let id = store
            .insert_account(&format!("Bench {i}"), &env, now)
            .unwrap();
        store
            .set_account_limits(id, &AccountLimits::preset(preset))
            .unwrap();
        tokens
            .store_tokens(
                id,
                TokenSet {
                    access: lane.token.clone(),
                    refresh: None,
                    expires_at: None,
                },
            )
            .unwrap();
        ids.push(id);
    }
    store
        .all_or_nothing(|s| {
            for p in pins {
                let req = ComposeRequest {
                    text: PinText {
                        title: Some(p.title.clone()),
                        ..Default::default()
                    },
                    image_url: p
                        .image
                        .is_none()
                        .then(|| "https://example.com/bench.jpg".into()),
                    image_path: p.image.clone(),
                    account_id: Some(ids[p.lane]),
                    boards: vec![BoardTarget {
                        board_id: world.lanes[p.lane].board_id.clone(),
                        section_id: None,
                    }],
                    at: Some(p.due.max(now)),
                    ..Default::default()
                };
                // Checked, then written in the caller's one transaction, as a bulk import does.
                validate(s, &req, now)?;
                write_validated(s, &req, now)?;
            }
            Ok(())
        })
        .unwrap();
    let config = EngineConfig {
        app_limits,
        seed: 5,
        ..EngineConfig::default()
    };
    (
        Engine::spawn(store, world.shared_clock(), tokens, config),
        dir,
    )
}

/// The theoretical minimum makespan of `n` pins under one rolling limit of `limit` per `window`,
/// all due at the start: full windows back to back.
pub fn minimum(n: usize, limit: usize, window: TimeDelta) -> TimeDelta {
    window * ((n.div_ceil(limit)).saturating_sub(1) as i32)
}

/// p50, p99 and max of lateness figures (ms); -1 for none.
pub fn percentiles(mut late: Vec<i64>) -> (i64, i64, i64) {
    late.sort();
    let at = |q: f64| {
        late.get(((late.len() as f64 * q) as usize).min(late.len().saturating_sub(1)))
            .copied()
            .unwrap_or(-1)
    };
    (at(0.5), at(0.99), late.last().copied().unwrap_or(-1))
}
