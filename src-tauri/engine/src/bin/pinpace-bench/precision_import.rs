//! Scenario 4c: scheduled precision at real time (a time scale of 1) while a 100,000-row import
//! is committed into the same store, as a user importing a big file from the window would. Pins
//! are due every 120 ms on 10 accounts; the import starts when the first is due. The lateness of
//! the pins due while the import ran is the figure: an import that held the store for its whole
//! run would hold every send behind it (the scheduler commits before each send).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use pinpace_engine::api::transfer;
use pinpace_engine::import::{ImportFormat, ImportMode, ImportOptions};
use pinpace_engine::pacing::Preset as EnginePreset;
use pinpace_engine::sim::SimConfig;

use crate::harness::{percentiles, start_pinpace, Measured, Pin, World};
use crate::report::Row;
use crate::scenarios::Strategy;

const BOARDS: usize = 20;

pub async fn precision_during_import(rows: usize, pins: usize) -> Vec<Row> {
    let world = World::new(SimConfig::default(), 10, 1.0).await;
    let first = world.start + TimeDelta::seconds(10);
    let workload: Vec<Pin> = (0..pins)
        .map(|k| Pin {
            lane: k % 10,
            due: first + TimeDelta::milliseconds(120 * k as i64),
            title: format!("p{k}"),
            image: None,
        })
        .collect();
    let (engine, dir) = start_pinpace(&world, &workload, vec![], EnginePreset::Standard);
    let account = crate::fixtures::account_with_boards(&mut engine.store(), BOARDS);
    let csv = dir.path().join("big.csv");
    let size_mb =
        crate::fixtures::pinterest_csv(&csv, rows, BOARDS, world.now() + TimeDelta::days(1));
    let engine = Arc::new(engine);

    let wait = (first - world.now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait).await;
    let import_start = world.now();
    let ws = engine.clone();
    let csv_path = csv.to_string_lossy().into_owned();
    let import = tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        let options = ImportOptions {
            default_account_id: Some(account),
            default_time_zone: Some("Europe/Paris".into()),
            ..Default::default()
        };
        let report = transfer::import_commit(
            &*ws,
            &csv_path,
            ImportFormat::Auto,
            &options,
            ImportMode::AllValidRows,
            &mut |_| {},
        );
        (report, t.elapsed())
    });
    let end = world.now() + TimeDelta::minutes(3);
    loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if world.sim.created_pins().len() >= pins || world.now() > end {
            break;
        }
    }
    let (report, took) = import.await.expect("the import task");
    let import_end = import_start + TimeDelta::from_std(took).unwrap_or_default();
    let created = report.map(|r| r.counts.pins_created).unwrap_or(0);
    if let Ok(engine) = Arc::try_unwrap(engine) {
        engine.stop().await;
    }

    let m = Measured::read(&world, &workload);
    let (mut during, mut all) = (Vec::new(), Vec::new());
    for (p, c) in workload.iter().zip(&m.created) {
        if let Some(c) = c {
            let late = (*c - p.due).num_milliseconds().max(0);
            all.push(late);
            if p.due >= import_start && p.due <= import_end {
                during.push(late);
            }
        }
    }
    let (n_during, n_all) = (during.len(), all.len());
    let (p50, p99, max) = percentiles(during);
    let (a50, a99, amax) = percentiles(all);
    let met = p99 <= 50 && created as usize == rows && m.lost() == 0 && m.duplicates == 0;
    vec![Row::new(
        "4c precision during a 100,000-row import, real time",
        Strategy::PinPace,
        format!(
            "{n_during} pins due while the import ran ({:.1} s, {created} of {rows} rows, \
             {size_mb:.0} MB): p50 {p50} ms, p99 {p99} ms, max {max} ms; all {} pins: p50 {a50} \
             ms, p99 {a99} ms, max {amax} ms; lost {}, duplicates {}",
            took.as_secs_f64(),
            n_all,
            m.lost(),
            m.duplicates
        ),
        "p99 ≤ 50 ms while importing",
        Some(met),
    )]
}
