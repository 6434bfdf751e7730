//! The six scenarios of `make bench`. Each builds a fresh simulator per strategy, runs PinPace
//! and the baselines on the same workload, and returns rows for the report. Time is scaled so the
//! whole bench fits in minutes; every time below is simulated time.

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::pacing::{LimitSpec, Preset as EnginePreset};
use pinpace_engine::sim::{LimitCategory, Preset, SimConfig};

use crate::baselines::{self, Baseline};
use crate::harness::{minimum, percentiles, run_pinpace, Measured, Pin, World};
use crate::report::Row;

/// Who runs a workload: PinPace or a baseline.
#[derive(Clone, Copy)]
pub enum Strategy {
    PinPace,
    Baseline(Baseline),
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::PinPace => "PinPace",
            Strategy::Baseline(b) => b.name(),
        }
    }
}

/// Time scale of the pacing scenarios: 4× keeps each run under a minute while the engine's own
/// per-pin work (a durable commit before each request) stays small against the windows.
const SCALE_PACING: f64 = 4.0;

/// Scenario 2 at 10×: its target (1.03× of the new minimum, issue 17) is measured against the
/// per-pin overhead multiplied by ten.
const SCALE_HIDDEN: f64 = 10.0;

/// Scenario 3 compares runs at the same scale (the ratio cancels the per-pin overhead), and the
/// hot account keeps each run open until its cut-off (2 minutes): 10× keeps its 24 runs to
/// about two minutes.
const SCALE_HOT: f64 = 10.0;

/// The documented limit a strategy believes in: (requests, window).
struct Believed {
    limit: u32,
    window: TimeDelta,
    engine_app_limits: Vec<LimitSpec>,
    engine_preset: EnginePreset,
}

fn standard() -> Believed {
    Believed {
        limit: 100,
        window: TimeDelta::minutes(1),
        engine_app_limits: vec![],
        engine_preset: EnginePreset::Standard,
    }
}

async fn run(
    strategy: Strategy,
    world: &World,
    pins: &[Pin],
    believed: &Believed,
    limit: TimeDelta,
) -> Measured {
    match strategy {
        Strategy::PinPace => {
            run_pinpace(
                world,
                pins,
                believed.engine_app_limits.clone(),
                believed.engine_preset,
                limit,
            )
            .await;
        }
        Strategy::Baseline(b) => {
            baselines::run(b, world, pins, believed.limit, believed.window, limit).await
        }
    }
    Measured::read(world, pins)
}

/// Runs `one` for PinPace alone (its timing must not share the machine), then for the three
/// baselines at once (each on its own simulator), and returns the four rows.
async fn side_by_side<F, Fut>(one: F) -> Vec<Row>
where
    F: Fn(Strategy) -> Fut,
    Fut: std::future::Future<Output = Row>,
{
    let mut rows = vec![one(Strategy::PinPace).await];
    let [a, b, c] = Baseline::ALL.map(Strategy::Baseline);
    let (a, b, c) = tokio::join!(one(a), one(b), one(c));
    rows.extend([a, b, c]);
    rows
}

/// Runs `one` for each strategy in turn: for scenario 1, where every strategy's makespan is
/// compared with the theoretical minimum and sharing the machine would cost the baselines.
async fn one_after_another<F, Fut>(one: F) -> Vec<Row>
where
    F: Fn(Strategy) -> Fut,
    Fut: std::future::Future<Output = Row>,
{
    let mut rows = vec![one(Strategy::PinPace).await];
    for b in Baseline::ALL {
        rows.push(one(Strategy::Baseline(b)).await);
    }
    rows
}

/// `per_lane` pins for each lane in `lanes`, all due at `at`.
fn burst(lanes: std::ops::Range<usize>, per_lane: usize, at: DateTime<Utc>) -> Vec<Pin> {
    lanes
        .flat_map(|lane| {
            (0..per_lane).map(move |i| Pin {
                lane,
                due: at,
                title: format!("l{lane}-p{i}"),
                image: None,
            })
        })
        .collect()
}

fn secs(d: TimeDelta) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

/// 1. Known limits: 3 accounts × 300 pins, standard access.
pub async fn known_limits() -> Vec<Row> {
    let best = minimum(300, 100, TimeDelta::minutes(1));
    one_after_another(|s| async move {
        let world = World::new(SimConfig::default(), 3, SCALE_PACING).await;
        let pins = burst(0..3, 300, world.start);
        let m = run(s, &world, &pins, &standard(), TimeDelta::minutes(20)).await;
        let ratio = secs(m.makespan(world.start)) / secs(best);
        let met = matches!(s, Strategy::PinPace)
            .then_some(ratio <= 1.01 && m.rate_limited == 0 && m.lost() == 0);
        Row::new(
            "1 known limits",
            s,
            format!(
                "makespan {ratio:.3}× min ({:.0} s), 429s {}, lost {}, dup {}; {}",
                secs(best),
                m.rate_limited,
                m.lost(),
                m.duplicates,
                where_time_went(&m, &pins, world.start, 100)
            ),
            "≤ 1.01×, 0 429s",
            met,
        )
    })
    .await
}

/// Where a burst's makespan beyond the minimum went, from the simulator's record: how long each
/// lane took to send its first window's `limit` pins (the burst: the in-flight cap, each round's
/// durable commit, the round trips), and at each window edge how late, on average, each pin of
/// the next window went against the earliest the server allowed (60 s after the pin it replaces),
/// and the latest one (the makespan ends with the last pin, so a tail there counts whole).
fn where_time_went(m: &Measured, pins: &[Pin], start: DateTime<Utc>, limit: usize) -> String {
    let lanes = pins.iter().map(|p| p.lane).max().map_or(0, |l| l + 1);
    let mut burst = Vec::new();
    let mut edges = Vec::new();
    let mut worst = Vec::new();
    for lane in 0..lanes {
        let mut times: Vec<DateTime<Utc>> = pins
            .iter()
            .zip(&m.created)
            .filter(|(p, _)| p.lane == lane)
            .filter_map(|(_, c)| *c)
            .collect();
        times.sort();
        if let Some(t) = times.get(limit - 1) {
            burst.push(secs(*t - start));
        }
        for w in (limit..times.len()).step_by(limit) {
            let late: Vec<f64> = (w..times.len().min(w + limit))
                .map(|i| secs(times[i] - times[i - limit] - TimeDelta::minutes(1)))
                .collect();
            edges.push(late.iter().sum::<f64>() / late.len() as f64);
            worst.push(late.iter().copied().fold(0.0, f64::max));
        }
    }
    let fmt = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.2}"))
            .collect::<Vec<_>>()
            .join("/")
    };
    format!(
        "first window's sends took {} s per lane, window edges +{} s (latest pin +{} s)",
        fmt(&burst),
        fmt(&edges),
        fmt(&worst)
    )
}

/// 2. Hidden lower limit: the simulator enforces 60/min where the preset says 100.
pub async fn hidden_limit() -> Vec<Row> {
    let best = minimum(300, 60, TimeDelta::minutes(1));
    side_by_side(|s| async move {
        let world = World::new(SimConfig::default(), 3, SCALE_HIDDEN).await;
        for l in &world.lanes {
            world
                .sim
                .lower_limit(&l.sim_account, LimitCategory::OrgWrite, 60, 60);
        }
        let pins = burst(0..3, 300, world.start);
        let sim = world.sim.clone();
        let clock = world.shared_clock();
        let first_minute = tokio::spawn(async move {
            clock.sleep(std::time::Duration::from_secs(60)).await;
            sim.stats().rate_limited
        });
        let m = run(s, &world, &pins, &standard(), TimeDelta::minutes(20)).await;
        let early = first_minute.await.unwrap_or(0);
        if std::env::var_os("PINPACE_BENCH_TRACE").is_some() {
            let mut buckets = std::collections::BTreeMap::new();
            for c in m.created.iter().flatten() {
                *buckets.entry((*c - world.start).num_seconds() / 10 * 10).or_insert(0) += 1;
            }
            eprintln!("{}: created per 10 s: {buckets:?}", s.name());
        }
        let after = m.rate_limited.saturating_sub(early) as f64 / 3.0;
        let ratio = secs(m.makespan(world.start)) / secs(best);
        let met = matches!(s, Strategy::PinPace)
            .then_some(after <= 1.0 && ratio <= 1.03 && m.lost() == 0);
        Row::new("2 hidden lower limit", s, format!("makespan {ratio:.3}× new min ({:.0} s), 429s {} ({after:.1}/account after 1st min), lost {}", secs(best), m.rate_limited, m.lost()), "≤ 1 429/account after learning, ≤ 1.03×", met)
    })
    .await
}

/// 3. Hot account: one account gets 429s with Retry-After 30 s; do the others keep their pace?
///
/// The others' throughput is set by how fast their first window's 200 sends go out (the rolling
/// window frees its slots at that pace a minute later), and that moves by ±1% from run to run on
/// this machine at 10× (74–180 ms real for the 200 sends, 2026-12-04): more than the effect
/// measured. So each strategy runs three interleaved pairs (alone, beside the hot account) and
/// the row compares the medians; each pair's own ratio is printed to show the spread.
pub async fn hot_account() -> Vec<Row> {
    side_by_side(|s| async move {
        let mut alone = Vec::new();
        let mut beside = Vec::new();
        for _ in 0..HOT_PAIRS {
            alone.push(others_throughput(s, false).await);
            beside.push(others_throughput(s, true).await);
        }
        let pairs: Vec<String> = alone
            .iter()
            .zip(&beside)
            .map(|(a, b)| format!("{:.3}", b / a))
            .collect();
        let (alone, beside) = (median(&mut alone), median(&mut beside));
        let ratio = beside / alone;
        let met = matches!(s, Strategy::PinPace).then_some(ratio >= 0.99);
        Row::new(
            "3 hot account",
            s,
            format!(
                "others' throughput {ratio:.3}× of alone (medians {beside:.2} vs {alone:.2} pins/s; pairs {})",
                pairs.join(", ")
            ),
            "≥ 0.99×",
            met,
        )
    })
    .await
}

/// Pairs of runs in scenario 3.
const HOT_PAIRS: usize = 3;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Pins per second of the two ordinary accounts (200 pins each, all due at once), with or
/// without a third account that is held to one pin per 30 s.
async fn others_throughput(s: Strategy, with_hot: bool) -> f64 {
    let world = World::new(SimConfig::default(), 3, SCALE_HOT).await;
    // One pin per 30 s: every other attempt is refused with Retry-After up to 30.
    world.sim.set_account_limits(
        &world.lanes[0].sim_account,
        vec![pinpace_engine::sim::LimitSpec {
            scope: pinpace_engine::sim::Scope::User,
            category: LimitCategory::OrgWrite,
            limit: 1,
            window_secs: 30,
        }],
    );
    let lanes = if with_hot { 0..3 } else { 1..3 };
    let pins = burst(lanes, 200, world.start);
    // The others need about 62 s (two windows); the hot lane would need 100 minutes, and is cut
    // off at 2.
    let m = run(s, &world, &pins, &standard(), TimeDelta::minutes(2)).await;
    let others: Vec<_> = pins
        .iter()
        .zip(&m.created)
        .filter(|(p, _)| p.lane != 0)
        .filter_map(|(_, c)| *c)
        .collect();
    let span = others
        .iter()
        .max()
        .map_or(1.0, |last| secs(*last - world.start).max(1.0));
    others.len() as f64 / span
}

/// Pins of scenario 4, 120 ms apart at real time (48 s).
const PRECISION_PINS: usize = 400;

/// Scenario 4, scheduled precision at real time: 400 pins at distinct due times, under the
/// limit. At a time scale of 4, every real millisecond of the durable commit before each send
/// counted four times. PinPace's row also gives the durable commits' own times, to tell the
/// disk's share of the lateness from the scheduler's.
pub async fn precision() -> Vec<Row> {
    side_by_side(|s| async move {
        let world = World::new(SimConfig::default(), 10, 1.0).await;
        let first = world.start + TimeDelta::seconds(5);
        let pins: Vec<Pin> = (0..PRECISION_PINS)
            .map(|k| Pin {
                lane: k % 10,
                due: first + TimeDelta::milliseconds(120 * k as i64),
                title: format!("p{k}"),
                image: None,
            })
            .collect();
        let mut commits = String::new();
        let m = match s {
            Strategy::PinPace => {
                let b = standard();
                let times = run_pinpace(
                    &world,
                    &pins,
                    b.engine_app_limits,
                    b.engine_preset,
                    TimeDelta::minutes(3),
                )
                .await;
                let micros: Vec<i64> = times.iter().map(|d| d.as_micros() as i64).collect();
                let n = micros.len();
                let (c50, c99, cmax) = percentiles(micros);
                commits = format!(
                    "; durable commit p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({n} commits)",
                    c50 as f64 / 1000.0,
                    c99 as f64 / 1000.0,
                    cmax as f64 / 1000.0
                );
                Measured::read(&world, &pins)
            }
            _ => run(s, &world, &pins, &standard(), TimeDelta::minutes(3)).await,
        };
        let late: Vec<i64> = pins
            .iter()
            .zip(&m.created)
            .filter_map(|(p, c)| c.map(|c| (c - p.due).num_milliseconds().max(0)))
            .collect();
        let (p50, p99, max) = percentiles(late);
        let met =
            matches!(s, Strategy::PinPace).then_some(p99 <= 50 && max <= 200 && m.lost() == 0);
        Row::new(
            "4 precision, real time",
            s,
            format!(
                "lateness p50 {p50} ms, p99 {p99} ms, max {max} ms, lost {}{commits}",
                m.lost()
            ),
            "p99 ≤ 50 ms, max ≤ 200 ms",
            met,
        )
    })
    .await
}

/// 6. Trial access: one app's daily quota shared by 5 accounts.
pub async fn trial_fairness() -> Vec<Row> {
    let trial = &Believed {
        limit: 300,
        window: TimeDelta::days(1),
        engine_app_limits: EnginePreset::Trial.limits(),
        engine_preset: EnginePreset::Trial,
    };
    side_by_side(|s| async move {
        let world = World::new(
            SimConfig {
                preset: Preset::Trial,
                ..SimConfig::default()
            },
            5,
            60.0,
        )
        .await;
        let pins = burst(0..5, 100, world.start);
        let m = run(s, &world, &pins, trial, TimeDelta::minutes(10)).await;
        let per: Vec<usize> = (0..5)
            .map(|l| {
                pins.iter()
                    .zip(&m.created)
                    .filter(|(p, c)| p.lane == l && c.is_some())
                    .count()
            })
            .collect();
        let total: usize = per.iter().sum();
        let fair = total as f64 / 5.0;
        let worst = per.iter().copied().min().unwrap_or(0) as f64 / fair.max(1.0);
        let met = matches!(s, Strategy::PinPace).then_some(worst >= 0.9 && m.rate_limited == 0);
        Row::new(
            "6 trial fairness",
            s,
            format!(
                "per account {per:?} of {total}, worst {worst:.2}× fair share, 429s {}",
                m.rate_limited
            ),
            "≥ 0.9× fair share, 0 429s",
            met,
        )
    })
    .await
}
