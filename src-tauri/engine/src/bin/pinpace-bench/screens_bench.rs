//! The reads behind the desktop's screens (`pinpace-bench screens [jobs]`, not part of the
//! default run): with 10,000 scheduled pins on 20 boards (one every 10 minutes), how long the queue's first page, the
//! calendar's week and a read of everything, a text search, a board filter and the accounts
//! overview take, each the
//! median of 25 runs. These run on every engine event batch that changes a job (at most every
//! 250 ms), so they must stay far below that. Run it in release.

use std::time::Instant;

use chrono::TimeDelta;
use pinpace_engine::accounts::overview;
use pinpace_engine::compose::{write_validated, BoardTarget, ComposeRequest};
use pinpace_engine::queue::QueueFilter;
use pinpace_engine::PinText;
use pinpace_engine::Store;

const JOBS: usize = 10_000;
const BOARDS: usize = 20;
const RUNS: usize = 25;

/// One screen's read: how many rows it got.
type Read = Box<dyn Fn(&Store) -> usize>;

fn median_ms(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut rows = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        rows = f();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], rows)
}

pub fn run(jobs: usize) {
    let jobs = if jobs == 0 { JOBS } else { jobs };
    let dir = tempfile::tempdir().unwrap();
    let (mut store, account) = crate::fixtures::store_with_boards(dir.path(), BOARDS);
    let now = chrono::Utc::now();
    let filled = Instant::now();
    store
        .all_or_nothing(|store| {
            for k in 0..jobs {
                let req = ComposeRequest {
                    text: PinText {
                        title: Some(format!("Pin {k}, a title")),
                        description: Some(format!("A description of pin {k}")),
                        ..Default::default()
                    },
                    image_url: Some(format!("https://cdn.example.com/img/{k}.jpg")),
                    account_id: Some(account),
                    boards: vec![BoardTarget {
                        board_id: format!("{}", 1000 + k % BOARDS),
                        section_id: None,
                    }],
                    at: Some(now + TimeDelta::days(1) + TimeDelta::minutes(10 * k as i64)),
                    ..Default::default()
                };
                write_validated(store, &req, now)?;
            }
            Ok(())
        })
        .unwrap();
    let fill_s = filled.elapsed().as_secs_f64();
    let read = |filter: QueueFilter| move |s: &Store| s.queue_items(&filter).unwrap().len();
    // The calendar's first week of the queue (pins are ten minutes apart from there).
    let week_from = now + TimeDelta::days(1);
    let week_to = now + TimeDelta::days(8);
    let cases: [(&str, Read); 6] = [
        (
            "queue screen (first 500)",
            Box::new(read(QueueFilter::default())),
        ),
        (
            "calendar week (its range only)",
            Box::new(read(QueueFilter {
                from: Some(week_from),
                to: Some(week_to),
                limit: Some(10_000),
                ..Default::default()
            })),
        ),
        (
            "calendar (everything, up to 10,000)",
            Box::new(read(QueueFilter {
                limit: Some(10_000),
                ..Default::default()
            })),
        ),
        (
            "search \"pin 999\"",
            Box::new(read(QueueFilter {
                text: Some("pin 999".into()),
                ..Default::default()
            })),
        ),
        (
            "one board of 20",
            Box::new(read(QueueFilter {
                board_id: Some("1007".into()),
                ..Default::default()
            })),
        ),
        (
            "accounts overview",
            Box::new(|s: &Store| overview(s).unwrap().len()),
        ),
    ];
    println!("screens | {jobs} scheduled pins written in {fill_s:.2} s; median of {RUNS} reads:");
    for (name, case) in &cases {
        let (ms, rows) = median_ms(|| case(&store));
        println!("  {name:<38} {ms:>8.2} ms  ({rows} rows)");
    }
}
