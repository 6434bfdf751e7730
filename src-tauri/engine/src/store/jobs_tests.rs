use crate::JobId;
use chrono::{DateTime, TimeDelta, Utc};

use super::job_error::JobErrorCode;
use super::job_state::JobState;
use super::jobs::{JobPatch, NewJob};
use super::pins::PinContent;
use super::Store;
use crate::error::ErrorCode;
use crate::pin_text::PinText;
use crate::pinterest::Environment;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
        .unwrap()
        .into()
}

fn store_with_job() -> (Store, JobId) {
    let mut store = Store::open_in_memory().unwrap();
    let acct = store
        .insert_account("Studio", &Environment::Sandbox, t0())
        .unwrap();
    let pin = store
        .insert_pin(
            &PinContent {
                text: PinText {
                    title: Some("Salad".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
            t0(),
        )
        .unwrap();
    let new = NewJob {
        pin_id: pin,
        account_id: Some(acct),
        board_id: Some("123".into()),
        due_at: Some(t0() + TimeDelta::hours(1)),
        ..Default::default()
    };
    let id = store.create_job(&new, JobState::Scheduled, t0()).unwrap();
    (store, id)
}

#[test]
fn every_transition_is_recorded_with_its_reason() {
    let (mut store, id) = store_with_job();
    let t1 = t0() + TimeDelta::hours(1);
    store
        .transition(
            id,
            JobState::Due,
            "time reached",
            None,
            &JobPatch::default(),
            t1,
        )
        .unwrap();
    let patch = JobPatch {
        attempt: Some(1),
        sent_at: Some(Some(t1)),
        ..Default::default()
    };
    store
        .transition(id, JobState::InFlight, "sending", None, &patch, t1)
        .unwrap();
    let done = JobPatch {
        pinterest_pin_id: Some("987".into()),
        ..Default::default()
    };
    let job = store
        .transition(id, JobState::Published, "created", None, &done, t1)
        .unwrap();
    assert_eq!(job.state, JobState::Published);
    assert_eq!(job.attempt, 1);
    assert_eq!(job.pinterest_pin_id.as_deref(), Some("987"));
    assert_eq!(job.sent_at, Some(t1));
    let history = store.job_history(id).unwrap();
    let times: Vec<_> = history.iter().map(|e| e.at).collect();
    assert_eq!(times, [t0(), t1, t1, t1]);
    let moves: Vec<_> = history
        .iter()
        .map(|e| (e.from_state, e.to_state, e.reason.as_str()))
        .collect();
    use JobState::*;
    assert_eq!(
        moves,
        vec![
            (None, Scheduled, "created"),
            (Some(Scheduled), Due, "time reached"),
            (Some(Due), InFlight, "sending"),
            (Some(InFlight), Published, "created"),
        ]
    );
}

#[test]
fn an_illegal_move_changes_nothing() {
    let (mut store, id) = store_with_job();
    let err = store
        .transition(
            id,
            JobState::Published,
            "oops",
            None,
            &JobPatch {
                attempt: Some(9),
                ..Default::default()
            },
            t0(),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidTransition);
    let job = store.job(id).unwrap();
    assert_eq!(job.state, JobState::Scheduled);
    assert_eq!(job.attempt, 0);
    assert_eq!(store.job_history(id).unwrap().len(), 1);
}

#[test]
fn the_audit_trail_cannot_be_rewritten() {
    let (store, _) = store_with_job();
    let err = store
        .conn()
        .execute("UPDATE job_events SET reason = 'x'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn drafts_need_no_account_but_scheduled_jobs_do() {
    let mut store = Store::open_in_memory().unwrap();
    let pin = store.insert_pin(&PinContent::default(), t0()).unwrap();
    let draft = store
        .create_job(
            &NewJob {
                pin_id: pin,
                ..Default::default()
            },
            JobState::Draft,
            t0(),
        )
        .unwrap();
    assert_eq!(store.job(draft).unwrap().state, JobState::Draft);
    let pin2 = store.insert_pin(&PinContent::default(), t0()).unwrap();
    let err = store
        .create_job(
            &NewJob {
                pin_id: pin2,
                ..Default::default()
            },
            JobState::Scheduled,
            t0(),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn board_ids_must_be_digits() {
    let (store, _) = store_with_job();
    let err = store
        .conn()
        .execute(
            "INSERT INTO boards (account_id, board_id, name, synced_at) VALUES (1, 'My Board', 'x', 'now')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("CHECK"), "{err}");
}

#[test]
fn an_error_code_is_stored_by_name_and_an_unknown_one_is_kept() {
    let (mut store, id) = store_with_job();
    let patch = JobPatch {
        error: Some(Some((JobErrorCode::Pinterest(40), "gone".into()))),
        ..Default::default()
    };
    store
        .transition(id, JobState::Due, "test", None, &patch, t0())
        .unwrap();
    let stored: String = store
        .conn()
        .query_row("SELECT error_code FROM jobs WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, "pinterest_40");
    assert_eq!(
        store.job(id).unwrap().error_code,
        Some(JobErrorCode::Pinterest(40))
    );
    // A name written by another PinPace reads as `Other`, and the job still reads.
    store
        .conn()
        .execute(
            "UPDATE jobs SET error_code = 'from_elsewhere' WHERE id = ?1",
            [id],
        )
        .unwrap();
    assert_eq!(
        store.job(id).unwrap().error_code,
        Some(JobErrorCode::Other("from_elsewhere".into()))
    );
}
