//! An import into a store that a running engine shares: it takes the store a chunk at a time.

use chrono::TimeDelta;
use pinpace_engine::import::{self, ImportMode, ImportSource};
use pinpace_engine::AccountId;

use super::{now, options, setup, write};

/// A commit into a store that a running engine shares takes it a chunk at a time: another user
/// of the store (the scheduler, about to mark a pin in flight) gets it many times while a big
/// file is imported, never waiting for the whole import. Before chunks, the import held the
/// store from its first row to its last, and the other thread got it only afterwards.
#[test]
fn a_big_import_lets_the_scheduler_take_the_store_between_chunks() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let (store, a) = setup(dir.path());
    let src = big_file(dir.path(), a, 5_000);
    let shared = parking_lot::Mutex::new(store);
    let importing = AtomicBool::new(true);
    let (report, taken, longest) = std::thread::scope(|s| {
        let other = s.spawn(|| {
            let (mut taken, mut longest) = (0u32, Duration::ZERO);
            std::thread::sleep(Duration::from_millis(20));
            while importing.load(Ordering::SeqCst) {
                let asked = Instant::now();
                let store = shared.lock();
                let waited = asked.elapsed();
                if importing.load(Ordering::SeqCst) {
                    taken += 1;
                    longest = longest.max(waited);
                    assert!(
                        !store.in_transaction(),
                        "a chunk's transaction was left open"
                    );
                }
                drop(store);
                std::thread::sleep(Duration::from_millis(5));
            }
            (taken, longest)
        });
        let report = import::commit_shared(
            &shared,
            &src,
            &options(a),
            ImportMode::AllOrNothing,
            now(),
            &mut |_| {},
        )
        .unwrap();
        importing.store(false, Ordering::SeqCst);
        let (taken, longest) = other.join().unwrap();
        (report, taken, longest)
    });
    assert!(report.committed, "{:?}", report.rows.first());
    assert_eq!(report.counts.pins_created, 5_000);
    assert!(
        taken >= 10,
        "the store was taken only {taken} times during the import (longest wait {longest:?})"
    );
    let store = shared.into_inner();
    assert_eq!(store.open_job_count().unwrap(), 5_000);
}

/// `rows` valid rows for `account`, a minute apart from tomorrow, written to `big.csv`.
fn big_file(dir: &std::path::Path, account: AccountId, rows: usize) -> ImportSource {
    let mut text = String::from("account,board,title,media,publish_at\n");
    for k in 0..rows {
        writeln_row(&mut text, account, k);
    }
    write(dir, "big.csv", &text)
}

fn writeln_row(text: &mut String, account: AccountId, k: usize) {
    use std::fmt::Write as _;
    let at = now() + TimeDelta::days(1) + TimeDelta::minutes(k as i64);
    writeln!(
        text,
        "{},111,Pin {k},https://e.com/{k}.jpg,{}",
        account.0,
        at.to_rfc3339()
    )
    .unwrap();
}

/// While the scheduler holds its turn (a dispatch round in progress, `store::priority`), an
/// import takes no chunk: the round's several takes of the store never wait behind one. When
/// the turn ends, the import goes on and completes. Without the turn, the import would have
/// read thousands of rows in the time it is held here.
#[test]
fn an_import_waits_while_a_dispatch_round_holds_its_turn() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let (store, a) = setup(dir.path());
    let src = big_file(dir.path(), a, 3_000);
    let priority = store.priority();
    let shared = parking_lot::Mutex::new(store);
    let rows_read = AtomicU64::new(0);
    let turn = priority.first();
    let report = std::thread::scope(|s| {
        let import = s.spawn(|| {
            import::commit_shared(
                &shared,
                &src,
                &options(a),
                ImportMode::AllOrNothing,
                now(),
                &mut |p| {
                    rows_read.fetch_max(p.rows_read.max(1), Ordering::SeqCst);
                },
            )
            .unwrap()
        });
        std::thread::sleep(Duration::from_millis(600));
        assert_eq!(
            rows_read.load(Ordering::SeqCst),
            0,
            "the import read rows during the turn"
        );
        assert!(!shared.lock().in_transaction());
        assert!(!import.is_finished());
        drop(turn);
        import.join().unwrap()
    });
    assert!(report.committed);
    assert_eq!(report.counts.pins_created, 3_000);
    assert!(rows_read.load(Ordering::SeqCst) >= 3_000);
}
