use crate::{AccountId, JobId};
use chrono::TimeDelta;

use super::*;
use crate::compose::{compose, BoardTarget, ComposeRequest};
use crate::pinterest::types::{Board, BoardSection};
use crate::pinterest::Environment;
use crate::store::job_error::JobErrorCode;

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn board(id: &str, name: &str) -> Board {
    Board::named(id, name)
}

/// An account with three cached boards (Recipes has a section 7), and a pin on `boards`.
fn setup(boards: &[&str]) -> (Store, AccountId, Vec<JobId>) {
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .insert_account("Studio", &Environment::Sandbox, now())
        .unwrap();
    let section = BoardSection {
        id: "7".into(),
        name: "Soups".into(),
    };
    store
        .replace_boards(
            a,
            &[
                (board("111", "Recipes"), vec![section]),
                (board("222", "Baking"), vec![]),
                (board("333", "Drinks"), vec![]),
            ],
            now(),
        )
        .unwrap();
    let req = ComposeRequest {
        text: PinText {
            title: Some("Old title".into()),
            description: Some("Old description".into()),
            link: Some("https://example.com/old".into()),
            ..Default::default()
        },
        image_url: Some("https://example.com/x.jpg".into()),
        account_id: Some(a),
        boards: boards
            .iter()
            .map(|b| BoardTarget {
                board_id: b.to_string(),
                section_id: None,
            })
            .collect(),
        at: Some(now() + TimeDelta::hours(1)),
        ..Default::default()
    };
    let ids = compose(&mut store, &req, now()).unwrap();
    (store, a, ids)
}

/// Moves a job along `path` (each a legal move), as the scheduler would.
fn walk(store: &mut Store, id: JobId, path: &[JobState]) {
    for &to in path {
        store
            .transition(id, to, "test", None, &JobPatch::default(), now())
            .unwrap();
    }
}

fn fail(store: &mut Store, id: JobId, may_have_been_created: bool) {
    walk(store, id, &[JobState::Due, JobState::InFlight]);
    let patch = JobPatch {
        attempt: Some(3),
        retry_delay_ms: Some(90_000),
        error: Some(Some((JobErrorCode::Http(500), "boom".into()))),
        needs_reconcile: Some(may_have_been_created),
        ..Default::default()
    };
    store
        .transition(id, JobState::Failed, "test", None, &patch, now())
        .unwrap();
}

fn publish(store: &mut Store, id: JobId) {
    walk(
        store,
        id,
        &[JobState::Due, JobState::InFlight, JobState::Published],
    );
}

fn edit() -> PinEdit {
    PinEdit {
        text: PinText {
            title: Some("New title".into()),
            description: Some("New description".into()),
            link: Some("https://example.com/new".into()),
            alt_text: Some("A bowl of soup".into()),
        },
        board_id: "111".into(),
        section_id: Some("7".into()),
        at: None,
    }
}

/// Everything an edit could change: the job, its pin, its history, and the pins table's size.
fn snapshot(store: &Store, id: JobId) -> (Job, PinContent, usize, i64) {
    let job = store.job(id).unwrap();
    let pin = store.pin(job.pin_id).unwrap();
    let events = store.job_history(id).unwrap().len();
    let pins: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM pins", [], |r| r.get(0))
        .unwrap();
    (job, pin, events, pins)
}

#[test]
fn a_failed_job_is_edited_in_place_and_due_now_with_a_fresh_budget() {
    let (mut store, _, ids) = setup(&["222"]);
    fail(&mut store, ids[0], false);
    let pin_before = store.job(ids[0]).unwrap().pin_id;
    let job = edit_and_requeue(&mut store, ids[0], &edit(), now()).unwrap();
    assert_eq!(job.state, JobState::Due);
    assert_eq!(job.due_at, Some(now()));
    assert_eq!((job.attempt, job.retry_delay_ms), (0, 0));
    assert_eq!((job.error_code, job.error_message), (None, None));
    assert_eq!(job.board_id.as_deref(), Some("111"));
    assert_eq!(job.section_id.as_deref(), Some("7"));
    assert_eq!(
        job.pin_id, pin_before,
        "no sibling went out: edited in place"
    );
    let pin = store.pin(job.pin_id).unwrap();
    assert_eq!(pin.text.title.as_deref(), Some("New title"));
    assert_eq!(pin.text.description.as_deref(), Some("New description"));
    assert_eq!(pin.text.link.as_deref(), Some("https://example.com/new"));
    assert_eq!(pin.text.alt_text.as_deref(), Some("A bowl of soup"));
    assert_eq!(pin.media_url.as_deref(), Some("https://example.com/x.jpg"));
    let last = store.job_history(ids[0]).unwrap().pop().unwrap();
    assert_eq!(last.reason, "edited and requeued by the user");
    assert_eq!(
        (last.from_state, last.to_state),
        (Some(JobState::Failed), JobState::Due)
    );
    let detail: serde_json::Value = serde_json::from_str(&last.detail.unwrap()).unwrap();
    assert_eq!(detail["own_copy"], false);
    assert_eq!(detail["board_id"], "111");
}

#[test]
fn a_later_time_schedules_it_and_a_bad_time_is_refused() {
    let (mut store, _, ids) = setup(&["111"]);
    walk(&mut store, ids[0], &[JobState::Missed]);
    let later = now() + TimeDelta::hours(3);
    let e = PinEdit {
        at: Some("2026-11-23T16:00:00+01:00".parse().unwrap()),
        ..edit()
    };
    let job = edit_and_requeue(&mut store, ids[0], &e, now()).unwrap();
    assert_eq!((job.state, job.due_at), (JobState::Scheduled, Some(later)));
    let history = store.job_history(ids[0]).unwrap();
    assert_eq!(history.last().unwrap().from_state, Some(JobState::Missed));
}

#[test]
fn a_bad_title_changes_nothing() {
    let (mut store, _, ids) = setup(&["111"]);
    fail(&mut store, ids[0], false);
    let before = snapshot(&store, ids[0]);
    let e = PinEdit {
        text: PinText {
            title: Some("x".repeat(101)),
            ..Default::default()
        },
        ..edit()
    };
    let err = edit_and_requeue(&mut store, ids[0], &e, now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.starts_with("title: is 101 characters"),
        "{err:?}"
    );
    assert_eq!(snapshot(&store, ids[0]), before);
}

#[test]
fn every_edit_compose_would_refuse_changes_nothing() {
    type Mutation = fn(&mut PinEdit);
    let cases: [(&str, Mutation); 9] = [
        ("description", |e| {
            e.text.description = Some("d".repeat(801))
        }),
        ("link", |e| {
            e.text.link = Some(format!("https://example.com/{}", "l".repeat(2048)))
        }),
        ("link", |e| {
            e.text.link = Some("example.com/no-scheme".into())
        }),
        ("alt_text", |e| e.text.alt_text = Some("a".repeat(501))),
        ("board_id", |e| e.board_id = "Recipes".into()),
        ("board_id", |e| e.board_id = "999".into()),
        ("section_id", |e| e.section_id = Some("8".into())),
        ("at", |e| {
            e.at = Some("2026-11-23T10:00:00Z".parse().unwrap())
        }),
        ("at", |e| {
            e.at = Some("2036-11-23T10:00:00Z".parse().unwrap())
        }),
    ];
    let (mut store, _, ids) = setup(&["111"]);
    fail(&mut store, ids[0], false);
    let before = snapshot(&store, ids[0]);
    for (field, mutate) in cases {
        let mut e = edit();
        mutate(&mut e);
        let err = edit_and_requeue(&mut store, ids[0], &e, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{field}: {err:?}");
        assert!(err.message.starts_with(field), "{field}: {err:?}");
        assert_eq!(snapshot(&store, ids[0]), before, "{field}");
    }
    // At the limits exactly, it passes.
    let e = PinEdit {
        text: PinText {
            title: Some("t".repeat(100)),
            description: Some("d".repeat(800)),
            alt_text: Some("a".repeat(500)),
            ..Default::default()
        },
        ..edit()
    };
    edit_and_requeue(&mut store, ids[0], &e, now()).unwrap();
}

#[test]
fn only_a_job_that_has_not_gone_out_can_be_edited() {
    use JobState::*;
    let refused: [(&str, &[JobState]); 4] = [
        ("in_flight", &[Due, InFlight]),
        ("waiting_retry", &[Due, InFlight, WaitingRetry]),
        ("published", &[Due, InFlight, Published]),
        ("cancelled", &[Cancelled]),
    ];
    for (name, path) in refused {
        let (mut store, _, ids) = setup(&["111"]);
        walk(&mut store, ids[0], path);
        let before = snapshot(&store, ids[0]);
        let err = edit_and_requeue(&mut store, ids[0], &edit(), now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidTransition, "{name}");
        assert_eq!(snapshot(&store, ids[0]), before, "{name}");
    }
    let allowed: [(&str, &[JobState], JobState); 5] = [
        ("scheduled", &[], Due),
        ("missed", &[Missed], Due),
        ("needs_reconnect", &[NeedsReconnect], Due),
        // due -> due is no move: a due job asked to go now is scheduled for now.
        ("due", &[Due], Scheduled),
        ("draft", &[Draft], Due),
    ];
    for (name, path, to) in allowed {
        let (mut store, _, ids) = setup(&["111"]);
        walk(&mut store, ids[0], path);
        let job = edit_and_requeue(&mut store, ids[0], &edit(), now()).unwrap();
        assert_eq!((job.state, job.due_at), (to, Some(now())), "{name}");
        let last = store.job_history(ids[0]).unwrap().pop().unwrap();
        assert_eq!(last.from_state.map(JobState::as_str), Some(name));
        assert_eq!(last.reason, EDIT_REASON);
    }
}

#[test]
fn a_sibling_already_published_keeps_its_content() {
    let (mut store, _, ids) = setup(&["111", "222"]);
    publish(&mut store, ids[0]);
    fail(&mut store, ids[1], false);
    let shared = store.job(ids[0]).unwrap().pin_id;
    let sent = store.pin(shared).unwrap();
    let e = PinEdit {
        board_id: "333".into(),
        section_id: None,
        ..edit()
    };
    let job = edit_and_requeue(&mut store, ids[1], &e, now()).unwrap();
    assert_ne!(job.pin_id, shared, "the edited job has its own pin");
    assert_eq!(store.pin(shared).unwrap(), sent, "what was published stays");
    assert_eq!(store.job(ids[0]).unwrap().pin_id, shared);
    let own = store.pin(job.pin_id).unwrap();
    assert_eq!(own.text.title.as_deref(), Some("New title"));
    assert_eq!(own.media_url, sent.media_url, "same image");
    let detail = store.job_history(ids[1]).unwrap().pop().unwrap().detail;
    assert!(detail.unwrap().contains(r#""own_copy":true"#));
}

#[test]
fn a_sibling_due_in_flight_retrying_or_maybe_created_keeps_its_content_too() {
    // Due: the scheduler may be reading its content this moment. Waiting to retry: its first
    // attempt may be on the board with the old text.
    let paths: [&[JobState]; 4] = [
        &[],
        &[JobState::Due],
        &[JobState::Due, JobState::InFlight],
        &[JobState::Due, JobState::InFlight, JobState::WaitingRetry],
    ];
    for (case, path) in paths.into_iter().enumerate() {
        let (mut store, _, ids) = setup(&["111", "222"]);
        if case == 0 {
            fail(&mut store, ids[0], true);
        } else {
            walk(&mut store, ids[0], path);
        }
        fail(&mut store, ids[1], false);
        let shared = store.job(ids[0]).unwrap().pin_id;
        let e = PinEdit {
            board_id: "222".into(),
            section_id: None,
            ..edit()
        };
        let job = edit_and_requeue(&mut store, ids[1], &e, now()).unwrap();
        assert_ne!(job.pin_id, shared, "case {case}");
        assert_eq!(
            store.pin(shared).unwrap().text.title.as_deref(),
            Some("Old title")
        );
    }
}

#[test]
fn siblings_not_sent_yet_share_the_edit() {
    let (mut store, _, ids) = setup(&["111", "222"]);
    fail(&mut store, ids[0], false);
    let e = PinEdit {
        section_id: None,
        ..edit()
    };
    let job = edit_and_requeue(&mut store, ids[0], &e, now()).unwrap();
    let sibling = store.job(ids[1]).unwrap();
    assert_eq!(job.pin_id, sibling.pin_id);
    let pin = store.pin(sibling.pin_id).unwrap();
    assert_eq!(pin.text.title.as_deref(), Some("New title"));
    assert_eq!(
        sibling.state,
        JobState::Scheduled,
        "the sibling is untouched"
    );
}

#[test]
fn a_board_the_pin_already_goes_to_is_refused_unless_that_job_was_cancelled() {
    let (mut store, _, ids) = setup(&["111", "222"]);
    fail(&mut store, ids[0], false);
    let before = snapshot(&store, ids[0]);
    let e = PinEdit {
        board_id: "222".into(),
        section_id: None,
        ..edit()
    };
    let err = edit_and_requeue(&mut store, ids[0], &e, now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("already goes to Baking"), "{err:?}");
    assert_eq!(snapshot(&store, ids[0]), before);
    walk(&mut store, ids[1], &[JobState::Cancelled]);
    let job = edit_and_requeue(&mut store, ids[0], &e, now()).unwrap();
    assert_eq!(job.board_id.as_deref(), Some("222"));
    assert_ne!(job.pin_id, store.job(ids[1]).unwrap().pin_id);
}

#[test]
fn a_pin_that_may_already_be_on_pinterest_is_not_edited_before_the_board_is_checked() {
    // The check looks for the pin as it was sent: edited text would miss it and post twice.
    let (mut store, _, ids) = setup(&["111"]);
    fail(&mut store, ids[0], true);
    let before = snapshot(&store, ids[0]);
    let err = edit_and_requeue(&mut store, ids[0], &edit(), now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidTransition);
    assert!(err.message.contains("retry it first"), "{err:?}");
    assert_eq!(snapshot(&store, ids[0]), before, "nothing changed");
}

#[test]
fn a_draft_needs_an_account_and_an_image() {
    let (mut store, a, _) = setup(&["111"]);
    let draft = |account: Option<AccountId>, image: Option<&str>| ComposeRequest {
        text: PinText {
            title: Some("Idea".into()),
            ..Default::default()
        },
        image_url: image.map(Into::into),
        account_id: account,
        boards: account
            .map(|_| BoardTarget {
                board_id: "111".into(),
                section_id: None,
            })
            .into_iter()
            .collect(),
        draft: true,
        ..Default::default()
    };
    for (req, field) in [
        (draft(None, Some("https://example.com/y.jpg")), "account_id"),
        (draft(Some(a), None), "image"),
    ] {
        let id = compose(&mut store, &req, now()).unwrap()[0];
        let before = snapshot(&store, id);
        let err = edit_and_requeue(&mut store, id, &edit(), now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.starts_with(field), "{err:?}");
        assert_eq!(snapshot(&store, id), before);
    }
}

#[test]
fn an_unknown_job_is_not_found() {
    let (mut store, _, _) = setup(&["111"]);
    let err = edit_and_requeue(&mut store, JobId(999), &edit(), now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

#[test]
fn a_failure_while_writing_leaves_the_pin_as_it_was() {
    let (mut store, _, ids) = setup(&["111", "222"]);
    fail(&mut store, ids[0], false);
    let before = snapshot(&store, ids[0]);
    // The last write of an edit is the history line: make it fail.
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER no_events BEFORE INSERT ON job_events \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    assert!(edit_and_requeue(&mut store, ids[0], &edit(), now()).is_err());
    assert_eq!(snapshot(&store, ids[0]), before, "pin, board and state");
    let sibling = store.job(ids[1]).unwrap();
    assert_eq!(
        store.pin(sibling.pin_id).unwrap().text.title.as_deref(),
        Some("Old title")
    );
}
