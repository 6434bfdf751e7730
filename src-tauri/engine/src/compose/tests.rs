use super::*;
use crate::pinterest::Environment;
use crate::AccountId;

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn setup() -> (Store, AccountId) {
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .insert_account("Studio", &Environment::Sandbox, now())
        .unwrap();
    (store, a)
}

fn good(account: AccountId) -> ComposeRequest {
    ComposeRequest {
        text: PinText {
            title: Some("Salad".into()),
            link: Some("https://example.com/salad".into()),
            ..Default::default()
        },
        image_url: Some("https://example.com/salad.jpg".into()),
        account_id: Some(account),
        boards: vec![
            BoardTarget {
                board_id: "111".into(),
                section_id: None,
            },
            BoardTarget {
                board_id: "222".into(),
                section_id: Some("5".into()),
            },
        ],
        at: Some(now() + TimeDelta::hours(2)),
        interval_secs: 600,
        ..Default::default()
    }
}

type Mutation = Box<dyn Fn(&mut ComposeRequest)>;

fn job_count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT COUNT(*) FROM jobs", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn one_job_per_board_spaced_by_the_interval() {
    let (mut store, a) = setup();
    let ids = compose(&mut store, &good(a), now()).unwrap();
    assert_eq!(ids.len(), 2);
    let (j1, j2) = (store.job(ids[0]).unwrap(), store.job(ids[1]).unwrap());
    assert_eq!(
        j2.due_at.unwrap() - j1.due_at.unwrap(),
        TimeDelta::minutes(10)
    );
    assert_eq!(j2.section_id.as_deref(), Some("5"));
}

#[test]
fn every_bad_field_is_refused_with_a_code_and_nothing_written() {
    let (mut store, a) = setup();
    let cases: Vec<(&str, Mutation)> = vec![
        ("title", Box::new(|r| r.text.title = Some("x".repeat(101)))),
        (
            "description",
            Box::new(|r| r.text.description = Some("x".repeat(801))),
        ),
        (
            "alt_text",
            Box::new(|r| r.text.alt_text = Some("x".repeat(501))),
        ),
        ("link", Box::new(|r| r.text.link = Some("not a url".into()))),
        (
            "link",
            Box::new(|r| r.text.link = Some(format!("https://e.com/{}", "x".repeat(2048)))),
        ),
        (
            "board_id",
            Box::new(|r| r.boards[0].board_id = "My Recipes".into()),
        ),
        ("at", Box::new(|r| r.at = Some(now() - TimeDelta::hours(1)))),
        (
            "account_id",
            Box::new(|r| r.account_id = Some(AccountId(99))),
        ),
        (
            "at",
            Box::new(|r| r.at = Some("+10000-01-01T00:00:00Z".parse().unwrap())),
        ),
        (
            "interval_secs",
            Box::new(|r| r.interval_secs = 300_000_000_000),
        ),
        ("image", Box::new(|r| r.image_url = None)),
        (
            "image_path",
            Box::new(|r| {
                r.image_url = None;
                r.image_path = Some("/nonexistent/p.png".into());
            }),
        ),
    ];
    for (field, mutate) in cases {
        let mut req = good(a);
        mutate(&mut req);
        let err = compose(&mut store, &req, now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{field}");
        assert!(err.message.starts_with(field), "{field}: {}", err.message);
        assert_eq!(job_count(&store), 0, "{field} wrote something");
    }
}

#[test]
fn drafts_need_no_account_board_or_image() {
    let (mut store, _) = setup();
    let req = ComposeRequest {
        text: PinText {
            title: Some("Idea".into()),
            ..Default::default()
        },
        draft: true,
        ..Default::default()
    };
    let ids = compose(&mut store, &req, now()).unwrap();
    assert_eq!(store.job(ids[0]).unwrap().state, JobState::Draft);
}

#[test]
fn a_failure_midway_leaves_nothing_behind() {
    let (mut store, a) = setup();
    let mut req = good(a);
    // The same board twice violates UNIQUE(pin, account, board) on the second job.
    req.boards[1].board_id = "111".into();
    req.boards[1].section_id = None;
    assert!(compose(&mut store, &req, now()).is_err());
    assert_eq!(job_count(&store), 0);
    let pins: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM pins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pins, 0);
}

#[test]
fn a_local_time_in_a_zone_is_stored_as_utc_across_dst() {
    let (mut store, a) = setup();
    let mut req = good(a);
    req.at = None;
    req.boards.truncate(1);
    req.local_time = Some("2027-03-28T02:30".into()); // inside Paris's spring gap
    req.time_zone = Some("Europe/Paris".into());
    let ids = compose(&mut store, &req, now()).unwrap();
    let due = store.job(ids[0]).unwrap().due_at.unwrap();
    assert_eq!(
        due,
        "2027-03-28T01:30:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    req.time_zone = Some("Mars/Base".into());
    assert!(compose(&mut store, &req, now())
        .unwrap_err()
        .message
        .starts_with("time_zone"));
    req.time_zone = None;
    assert!(compose(&mut store, &req, now())
        .unwrap_err()
        .message
        .starts_with("time_zone"));
}

#[test]
fn a_draft_keeps_its_account_and_boards_for_later_and_checks_them() {
    let (mut store, a) = setup();
    let req = ComposeRequest {
        draft: true,
        at: None,
        ..good(a)
    };
    let ids = compose(&mut store, &req, now()).unwrap();
    assert_eq!(ids.len(), 2, "one draft job per board");
    let job = store.job(ids[1]).unwrap();
    assert_eq!(job.state, JobState::Draft);
    assert_eq!(
        (job.account_id, job.board_id.as_deref()),
        (Some(a), Some("222"))
    );
    assert_eq!(job.section_id.as_deref(), Some("5"));
    assert_eq!(job.due_at, None);
    // Boards without an account, or a bad board id, are refused and nothing is written.
    let before = job_count(&store);
    for bad in [
        ComposeRequest {
            account_id: None,
            ..req.clone()
        },
        ComposeRequest {
            boards: vec![BoardTarget {
                board_id: "not-digits".into(),
                section_id: None,
            }],
            ..req.clone()
        },
        // A draft's spacing is checked too: with a time, its boards are spaced by it.
        ComposeRequest {
            interval_secs: MAX_INTERVAL_SECS + 1,
            ..req.clone()
        },
    ] {
        assert_eq!(
            compose(&mut store, &bad, now()).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
    assert_eq!(job_count(&store), before);
}

#[test]
fn the_text_stays_at_the_top_level_of_the_json_and_unknown_fields_are_refused() {
    let req: ComposeRequest = serde_json::from_value(serde_json::json!({
        "title": "Soup", "alt_text": null, "image_url": "https://e.com/a.jpg", "boards": []
    }))
    .unwrap();
    assert_eq!(req.text.title.as_deref(), Some("Soup"));
    assert_eq!(req.text.alt_text, None);
    assert_eq!(req.image_url.as_deref(), Some("https://e.com/a.jpg"));
    for unknown in [
        serde_json::json!({"title": "Soup", "colour": "red"}),
        serde_json::json!({"text": {"title": "Soup"}}),
    ] {
        let e = serde_json::from_value::<ComposeRequest>(unknown).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
    let e = serde_json::from_value::<crate::queue::PinEdit>(serde_json::json!({
        "board_id": "1", "title": "Soup", "colour": "red"
    }))
    .unwrap_err();
    assert!(e.to_string().contains("unknown field"), "{e}");
}
