//! Issue 16 item 10: what the store reads back is data, not a promise. Each test writes a value
//! this build never writes itself (a damaged or hand-edited database) and checks that it reads
//! as `database_corrupt` naming the row, never as a plausible value and never as a panic or a
//! path. CHECK constraints are switched off to write such rows, as an older schema or a hand
//! edit would have them.

use chrono::{DateTime, Utc};

use super::job_state::JobState;
use super::jobs::NewJob;
use super::pins::PinContent;
use super::queue_view::QueueFilter;
use super::Store;
use crate::error::ErrorCode;
use crate::pinterest::types::{Board, ImageContentType};
use crate::pinterest::Environment;
use crate::{AccountId, JobId};

fn now() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// A store in a folder (so it has a media directory) with one account, one board and one
/// scheduled job whose pin names a stored image by `sha256`.
fn store_with_job(sha256: &str) -> (tempfile::TempDir, Store, AccountId, JobId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_dir(dir.path()).unwrap();
    let a = store
        .insert_account("A", &Environment::Sandbox, now())
        .unwrap();
    store
        .replace_boards(a, &[(Board::named("111", "Recipes"), vec![])], now())
        .unwrap();
    // The pin's hash must name a media row (a foreign key); the row is as damaged as the pin.
    store
        .conn()
        .execute(
            "INSERT INTO media (sha256, content_type, bytes, created_at) VALUES (?1, 'image/jpeg', 1, ?2)",
            rusqlite::params![sha256, super::time::to_db(now())],
        )
        .unwrap();
    let pin = store
        .insert_pin(
            &PinContent {
                media_sha256: Some(sha256.into()),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    let job = store
        .create_job(
            &NewJob {
                pin_id: pin,
                account_id: Some(a),
                board_id: Some("111".into()),
                due_at: Some(now() + chrono::TimeDelta::hours(1)),
                ..Default::default()
            },
            JobState::Scheduled,
            now(),
        )
        .unwrap();
    (dir, store, a, job)
}

fn unchecked(store: &Store, sql: &str) {
    store
        .conn()
        .execute_batch(&format!(
            "PRAGMA ignore_check_constraints = ON; {sql}; PRAGMA ignore_check_constraints = OFF;"
        ))
        .unwrap();
}

#[test]
fn a_stored_hash_that_is_not_a_sha256_never_becomes_a_path() {
    let dir = std::path::Path::new("/data/media");
    let good = "ab".repeat(32);
    let path = super::media::stored_path(dir, &good, ImageContentType::Png).unwrap();
    assert_eq!(path, dir.join("ab").join(format!("{good}.png")));
    for bad in [
        "",
        "a",
        "../../x",
        "../../../../etc/passwd",
        &format!("{}/..", "a".repeat(61)),
        &"AB".repeat(32),
        &"ab".repeat(33),
        &format!("é{}", "a".repeat(62)),
    ] {
        let err = super::media::stored_path(dir, bad, ImageContentType::Jpeg).unwrap_err();
        assert_eq!(err.code, ErrorCode::DatabaseCorrupt, "{bad:?}");
        assert!(
            bad.len() < 4 || !err.message.contains(bad),
            "{}",
            err.message
        );
    }
}

#[test]
fn the_queue_export_stops_at_a_stored_hash_that_escapes_the_media_dir() {
    let (_dir, store, _, _) = store_with_job("../../../../etc/passwd");
    let mut out = Vec::new();
    let err = crate::export::queue_csv(&store, &mut out).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt, "{}", err.message);
    assert!(!String::from_utf8_lossy(&out).contains("passwd"));
    // A good hash exports as its path inside the media directory.
    let good = "0f".repeat(32);
    let (dir, store, _, _) = store_with_job(&good);
    let mut out = Vec::new();
    crate::export::queue_csv(&store, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let media = dir.path().join("media").join("0f");
    assert!(text.contains(&media.display().to_string()), "{text}");
}

#[test]
fn an_unknown_stored_job_state_is_database_corrupt_not_failed() {
    let (_dir, store, _, job) = store_with_job(&"0f".repeat(32));
    unchecked(&store, "UPDATE jobs SET state = 'exploded'");
    let err = store.job(job).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
    assert!(
        err.message.contains(&format!("job {job}")),
        "{}",
        err.message
    );
    let err = store.queue_items(&QueueFilter::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
}

#[test]
fn an_unknown_stored_account_status_is_database_corrupt_not_active() {
    let (_dir, store, a, _) = store_with_job(&"0f".repeat(32));
    unchecked(&store, "UPDATE accounts SET status = 'blocked_forever'");
    let err = store.account(a).unwrap_err();
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
    assert!(err.message.contains("blocked_forever"), "{}", err.message);
    assert_eq!(
        store.accounts().unwrap_err().code,
        ErrorCode::DatabaseCorrupt
    );
}
