//! The import scenario (`pinpace-bench import`, not part of the default run): 10,000 rows of
//! Pinterest's bulk-create CSV, boards named as cached after a sync, parsed, validated and stored
//! in one commit, against a target of 1 s. Also times a preview and a re-import (all rows already
//! there), and reports the process's resident memory before and after, to show that memory does
//! not follow the file's size. Run it in release: `cargo run --release -p pinpace-engine --bin
//! pinpace-bench -- import`.

use std::time::Instant;

use chrono::TimeDelta;
use pinpace_engine::import::{self, ImportFormat, ImportMode, ImportOptions, ImportSource};

const ROWS: usize = 10_000;
const BOARDS: usize = 20;

fn rss_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

pub fn run(rows: usize) {
    let rows = if rows == 0 { ROWS } else { rows };
    let dir = tempfile::tempdir().unwrap();
    let (mut store, account) = crate::fixtures::store_with_boards(dir.path(), BOARDS);
    let now = chrono::Utc::now();

    let path = dir.path().join("month.csv");
    let size_mb = crate::fixtures::pinterest_csv(&path, rows, BOARDS, now + TimeDelta::days(1));
    let source = ImportSource::path(&path, ImportFormat::Auto);
    let options = ImportOptions {
        default_account_id: Some(account),
        default_time_zone: Some("Europe/Paris".into()),
        ..Default::default()
    };
    let rss_before = rss_mb("VmRSS:");

    let t = Instant::now();
    let mut events = 0;
    let preview =
        import::preview(&mut store, &source, &options, now, &mut |_| events += 1).unwrap();
    let preview_s = t.elapsed().as_secs_f64();
    assert_eq!(
        preview.counts.valid as usize,
        rows,
        "{:?}",
        preview.rows.first()
    );

    let t = Instant::now();
    let report = import::commit(
        &mut store,
        &source,
        &options,
        ImportMode::AllOrNothing,
        now,
        &mut |_| {},
    )
    .unwrap();
    let commit_s = t.elapsed().as_secs_f64();
    assert!(report.committed);
    assert_eq!(report.counts.pins_created as usize, rows);

    let t = Instant::now();
    let again = import::commit(
        &mut store,
        &source,
        &options,
        ImportMode::AllOrNothing,
        now,
        &mut |_| {},
    )
    .unwrap();
    let again_s = t.elapsed().as_secs_f64();
    assert_eq!(again.counts.already_imported as usize, rows);
    let rss_after = rss_mb("VmRSS:");

    let met = commit_s < 1.0;
    println!(
        "import | {rows} rows ({size_mb:.1} MB Pinterest CSV) | parse+validate+store {commit_s:.3} s \
         ({:.0} rows/s); preview {preview_s:.3} s ({events} progress events); re-import \
         {again_s:.3} s, all {} already imported | RSS {rss_before:.1} MB before, {rss_after:.1} MB \
         after, peak {:.1} MB | target < 1 s | {}",
        rows as f64 / commit_s,
        again.counts.already_imported,
        rss_mb("VmHWM:"),
        if met { "met" } else { "NOT met" }
    );
}
