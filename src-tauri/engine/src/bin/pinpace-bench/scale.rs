//! Scenarios 5 and 5b, scale: 100,000 pending jobs over 50 accounts, and 1,000,000 over 200. Measures the time to enqueue them (one
//! transaction through the compose checks and writes a bulk import uses, prepared statements), the time from engine start to the
//! first request Pinterest sees, the process's peak memory, and its CPU use over 60 s of idling
//! with the whole queue waiting for tomorrow. PinPace only: the baselines keep no queue.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use pinpace_engine::clock::SystemClock;
use pinpace_engine::compose::{validate, write_validated, BoardTarget, ComposeRequest};
use pinpace_engine::pinterest::{Environment, Secret};
use pinpace_engine::scheduler::tokens::{MemoryTokenStore, TokenSet, TokenStore};
use pinpace_engine::scheduler::{Engine, EngineConfig};
use pinpace_engine::sim::{SimConfig, Simulator};
use pinpace_engine::PinText;
use pinpace_engine::Store;

use crate::report::Row;
use crate::scenarios::Strategy;

/// One scale scenario: how many pending jobs over how many accounts, and its targets.
pub struct Size {
    pub name: &'static str,
    pub jobs: usize,
    pub accounts: usize,
    pub max_rss_mb: f64,
    /// The enqueue target, where the issue sets one (s).
    pub max_enqueue_s: Option<u64>,
}

pub const SCALE_100K: Size = Size {
    name: "5 scale",
    jobs: 100_000,
    accounts: 50,
    max_rss_mb: 150.0,
    max_enqueue_s: Some(2),
};

pub const SCALE_1M: Size = Size {
    name: "5b scale, 1,000,000 jobs",
    jobs: 1_000_000,
    accounts: 200,
    max_rss_mb: 200.0,
    max_enqueue_s: None,
};

/// (utime + stime) of this process, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

pub async fn scale(size: Size, idle_secs: u64) -> Vec<Row> {
    let (jobs, accounts) = (size.jobs, size.accounts);
    let sim = Simulator::start(SimConfig::default(), Arc::new(SystemClock))
        .await
        .expect("simulator");
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let tokens = Arc::new(MemoryTokenStore::default());
    let env = Environment::Simulator {
        base_url: sim.base_url(),
    };
    let now = chrono::Utc::now();
    let mut lanes = Vec::new();
    for i in 0..accounts {
        let acct = sim.add_account(&format!("scale{i}"));
        let board = sim.add_board(&acct, "Board").unwrap().id;
        let token = sim.issue_tokens(&acct).unwrap().access_token;
        let id = store
            .insert_account(&format!("Scale {i}"), &env, now)
            .unwrap();
        tokens
            .store_tokens(
                id,
                TokenSet {
                    access: Secret::new(token),
                    refresh: None,
                    expires_at: None,
                },
            )
            .unwrap();
        lanes.push((id, board));
    }
    let started = Instant::now();
    store
        .all_or_nothing(|s| {
            for k in 0..jobs {
                let (account, board) = &lanes[k % accounts];
                // The first 50 are due now (one per account); the rest tomorrow.
                let at = if k < accounts {
                    now
                } else {
                    now + TimeDelta::days(1) + TimeDelta::seconds(k as i64)
                };
                let req = ComposeRequest {
                    text: PinText {
                        title: Some(format!("scale {k}")),
                        ..Default::default()
                    },
                    image_url: Some("https://example.com/s.jpg".into()),
                    account_id: Some(*account),
                    boards: vec![BoardTarget {
                        board_id: board.clone(),
                        section_id: None,
                    }],
                    at: Some(at),
                    ..Default::default()
                };
                // Checked, then written in the caller's one transaction, as a bulk import does.
                validate(s, &req, now)?;
                write_validated(s, &req, now)?;
            }
            Ok(())
        })
        .unwrap();
    let enqueue = started.elapsed();
    let spawned = Instant::now();
    let engine = Engine::spawn(
        store,
        Arc::new(SystemClock),
        tokens,
        EngineConfig::default(),
    );
    while sim.created_pins().is_empty() && spawned.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let first = spawned.elapsed();
    while sim.created_pins().len() < accounts && spawned.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cpu0 = cpu_seconds();
    let idle0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(idle_secs)).await;
    let idle_cpu = (cpu_seconds() - cpu0) / idle0.elapsed().as_secs_f64() * 100.0;
    let rss = peak_rss_mb();
    engine.stop().await;
    let met = size
        .max_enqueue_s
        .is_none_or(|s| enqueue <= Duration::from_secs(s))
        && first <= Duration::from_secs(1)
        && rss <= size.max_rss_mb
        && idle_cpu < 1.0;
    let result = format!(
        "enqueue {jobs} jobs over {accounts} accounts {:.2} s, first dispatch {} ms, peak RSS {rss:.0} MB (bench process, simulator included), idle CPU {idle_cpu:.2}% over {idle_secs} s",
        enqueue.as_secs_f64(),
        first.as_millis()
    );
    let target = format!(
        "{}first ≤ 1 s, RSS ≤ {} MB, idle < 1%",
        size.max_enqueue_s
            .map_or(String::new(), |s| format!("enqueue ≤ {s} s, ")),
        size.max_rss_mb
    );
    vec![Row::new(
        size.name,
        Strategy::PinPace,
        result,
        &target,
        Some(met),
    )]
}
