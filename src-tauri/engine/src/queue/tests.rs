use crate::AccountId;
use crate::JobId;
use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::compose::{compose, BoardTarget, ComposeRequest};
use crate::pin_text::PinText;
use crate::pinterest::types::Board;
use crate::pinterest::Environment;
use crate::store::job_error::JobErrorCode;
use crate::store::job_state::JobState;
use crate::store::jobs::JobPatch;
use crate::Store;

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn setup() -> (Store, AccountId, Vec<JobId>) {
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .insert_account("Studio", &Environment::Sandbox, now())
        .unwrap();
    let board = Board::named("111", "Recipes");
    store.replace_boards(a, &[(board, vec![])], now()).unwrap();
    let req = |title: &str, hours: i64| ComposeRequest {
        text: PinText {
            title: Some(title.into()),
            ..Default::default()
        },
        image_url: Some("https://example.com/x.jpg".into()),
        account_id: Some(a),
        boards: vec![BoardTarget {
            board_id: "111".into(),
            section_id: None,
        }],
        at: Some(now() + TimeDelta::hours(hours)),
        ..Default::default()
    };
    let mut ids = compose(&mut store, &req("late", 5), now()).unwrap();
    ids.extend(compose(&mut store, &req("early", 1), now()).unwrap());
    (store, a, ids)
}

fn fail(store: &mut Store, id: JobId) {
    for to in [JobState::Due, JobState::InFlight] {
        store
            .transition(id, to, "test", None, &JobPatch::default(), now())
            .unwrap();
    }
    let patch = JobPatch {
        attempt: Some(3),
        error: Some(Some((JobErrorCode::Http(500), "boom".into()))),
        ..Default::default()
    };
    store
        .transition(id, JobState::Failed, "test", None, &patch, now())
        .unwrap();
}

#[test]
fn the_list_joins_names_orders_by_time_and_filters() {
    let (store, a, ids) = setup();
    let all = store.queue_items(&QueueFilter::default()).unwrap();
    assert_eq!(
        all.iter()
            .map(|i| i.text.title.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["early", "late"]
    );
    assert_eq!(all[0].account_name.as_deref(), Some("Studio"));
    assert_eq!(all[0].board_name.as_deref(), Some("Recipes"));
    let failed_only = QueueFilter {
        account_id: Some(a),
        states: vec![JobState::Failed],
        ..Default::default()
    };
    assert!(store.queue_items(&failed_only).unwrap().is_empty());
    let other_account = QueueFilter {
        account_id: Some(AccountId(a.0 + 1)),
        ..Default::default()
    };
    assert!(store.queue_items(&other_account).unwrap().is_empty());
    assert_eq!(ids.len(), 2);
    assert_eq!(store.job_count(None, &[JobState::Scheduled]).unwrap(), 2);
    assert_eq!(store.job_count(Some(a), &[JobState::Scheduled]).unwrap(), 2);
    assert_eq!(
        store
            .job_count(Some(AccountId(a.0 + 1)), &[JobState::Scheduled])
            .unwrap(),
        0
    );
    assert_eq!(store.job_count(None, &[JobState::Failed]).unwrap(), 0);
}

#[test]
fn retry_gives_a_failed_job_a_fresh_budget_and_refuses_others() {
    let (mut store, _, ids) = setup();
    let err = retry_job(&mut store, ids[0], now()).unwrap_err();
    assert_eq!(err.code, crate::ErrorCode::InvalidTransition);
    fail(&mut store, ids[0]);
    let job = retry_job(&mut store, ids[0], now()).unwrap();
    assert_eq!(job.state, JobState::Due);
    assert_eq!(job.attempt, 0);
    assert_eq!(job.error_code, None);
    let history = store.job_history(ids[0]).unwrap();
    assert!(history.iter().any(|e| e.reason == "retried by the user"));
}

#[test]
fn cancel_and_reschedule_are_checked_transitions() {
    let (mut store, _, ids) = setup();
    let later = now() + TimeDelta::days(1);
    let job = reschedule_job(&mut store, ids[0], later, now()).unwrap();
    assert_eq!((job.state, job.due_at), (JobState::Scheduled, Some(later)));
    let past = reschedule_job(&mut store, ids[0], now() - TimeDelta::hours(1), now());
    assert_eq!(past.unwrap_err().code, crate::ErrorCode::InvalidInput);
    assert_eq!(store.job(ids[0]).unwrap().due_at, Some(later), "unchanged");
    cancel_job(&mut store, ids[1], now()).unwrap();
    let again = cancel_job(&mut store, ids[1], now()).unwrap_err();
    assert_eq!(again.code, crate::ErrorCode::InvalidTransition);
}

#[test]
fn a_held_pin_is_a_draft_with_its_time_and_board_and_goes_out_only_when_moved() {
    let (mut store, _, ids) = setup();
    let before = store.job(ids[0]).unwrap();
    let held = hold_job(&mut store, ids[0], now()).unwrap();
    assert_eq!(held.state, JobState::Draft);
    assert_eq!(
        (held.due_at, held.board_id.clone()),
        (before.due_at, before.board_id.clone())
    );
    // Nothing due: the dispatcher only ever takes scheduled jobs.
    let later = now() + TimeDelta::hours(6);
    let coming: Vec<JobId> = store
        .jobs_coming_due(later)
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(coming, vec![ids[1]], "only the other pin comes due");
    assert!(store
        .job_history(ids[0])
        .unwrap()
        .iter()
        .any(|e| e.reason == "held by the user"));
    // The scheduler read the job as scheduled just before the hold: its stale move is refused
    // (Draft -> Due alone would be allowed, for "Send now"), so the held pin stays a draft.
    let stale = store.transition_from(
        &before,
        JobState::Due,
        "due",
        None,
        &JobPatch::default(),
        now(),
    );
    assert_eq!(stale.unwrap_err().code, crate::ErrorCode::InvalidTransition);
    assert_eq!(store.job(ids[0]).unwrap().state, JobState::Draft);
    // Held again: refused, nothing changes.
    let again = hold_job(&mut store, ids[0], now()).unwrap_err();
    assert_eq!(again.code, crate::ErrorCode::InvalidTransition);
    // Moving it schedules it again; the scheduler's read from before the move no longer applies.
    let moved = reschedule_job(&mut store, ids[0], later, now()).unwrap();
    assert_eq!(moved.state, JobState::Scheduled);
    let stale = store.transition_from(
        &before,
        JobState::Due,
        "due",
        None,
        &JobPatch::default(),
        now(),
    );
    assert_eq!(stale.unwrap_err().code, crate::ErrorCode::InvalidTransition);
    assert!(store
        .transition_from(
            &moved,
            JobState::Due,
            "due",
            None,
            &JobPatch::default(),
            now()
        )
        .is_ok());
    fail(&mut store, ids[1]);
    let failed = hold_job(&mut store, ids[1], now()).unwrap_err();
    assert_eq!(failed.code, crate::ErrorCode::InvalidTransition);
}

#[test]
fn text_search_finds_words_in_title_and_takes_wildcards_literally() {
    let (store, _, ids) = setup();
    let find = |text: &str| -> Vec<JobId> {
        let filter = QueueFilter {
            text: Some(text.into()),
            ..Default::default()
        };
        store
            .queue_items(&filter)
            .unwrap()
            .iter()
            .map(|i| i.job_id)
            .collect()
    };
    assert_eq!(find("EARL"), vec![ids[1]]);
    assert_eq!(find("  "), vec![ids[1], ids[0]], "blank: everything");
    assert!(find("%").is_empty(), "a wildcard is a character");
    assert!(find("l_te").is_empty());
}

#[test]
fn a_move_takes_only_times_compose_would_take() {
    let (mut store, _, ids) = setup();
    let before = store.job(ids[0]).unwrap();
    for at in [
        now() - TimeDelta::hours(1),
        now() + TimeDelta::days(6 * 366),
    ] {
        let err = reschedule_job(&mut store, ids[0], at, now()).unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::InvalidInput, "{at}");
    }
    assert_eq!(
        store.job(ids[0]).unwrap().due_at,
        before.due_at,
        "unchanged"
    );
}

#[test]
fn a_time_range_keeps_the_jobs_due_inside_it_and_a_bad_bound_is_refused() {
    let (store, _, ids) = setup();
    // The bounds arrive as JSON text (from the UI), as RFC 3339 in any offset.
    let range = |from: &str, to: &str| -> Result<Vec<JobId>, String> {
        let filter: QueueFilter =
            serde_json::from_value(serde_json::json!({ "from": from, "to": to }))
                .map_err(|e| e.to_string())?;
        Ok(store
            .queue_items(&filter)
            .map_err(|e| e.message)?
            .iter()
            .map(|i| i.job_id)
            .collect())
    };
    // "early" is due at 13:00, "late" at 17:00 (UTC); bounds in another zone mean the same instants.
    assert_eq!(
        range("2026-11-23T13:00:00Z", "2026-11-23T17:00:00Z").unwrap(),
        vec![ids[1]]
    );
    assert_eq!(
        range("2026-11-23T14:00:00+01:00", "2026-11-23T18:00:01+01:00").unwrap(),
        vec![ids[1], ids[0]]
    );
    assert!(range("2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z")
        .unwrap()
        .is_empty());
    let err = range("yesterday", "2026-11-25T00:00:00Z").unwrap_err();
    assert!(err.contains("input contains invalid characters"), "{err}");
}

#[test]
fn from_alone_keeps_undated_drafts_and_drops_older_jobs() {
    let (mut store, a, ids) = setup();
    let draft = ComposeRequest {
        text: PinText {
            title: Some("idea".into()),
            ..Default::default()
        },
        account_id: Some(a),
        draft: true,
        ..Default::default()
    };
    let draft_id = compose(&mut store, &draft, now()).unwrap()[0];
    let filter = QueueFilter {
        from: Some("2026-11-23T14:00:00Z".parse().unwrap()),
        ..Default::default()
    };
    let got: Vec<JobId> = store
        .queue_items(&filter)
        .unwrap()
        .iter()
        .map(|i| i.job_id)
        .collect();
    assert_eq!(
        got,
        vec![ids[0], draft_id],
        "late, then the draft; early is older"
    );
}
