//! The API's rules, on an in-memory store and a manual clock far from the real one (so an
//! operation that read `Utc::now()` instead of the workspace's clock would fail here).

use crate::{AccountId, JobId};
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::bulk::{self, MAX_SELECTION};
use super::scheduling::{self, SchedulingSettings};
use super::{queue, transfer, Offline, Workspace};
use crate::clock::ManualClock;
use crate::compose::{BoardTarget, ComposeRequest};
use crate::error::ErrorCode;
use crate::pin_text::PinText;
use crate::pinterest::types::Board;
use crate::pinterest::Environment;
use crate::store::job_state::JobState;
use crate::Store;

/// Years from the real clock: a rule that read the system's time would see every pin in the past.
fn start() -> DateTime<Utc> {
    "2031-06-01T12:00:00Z".parse().unwrap()
}

struct Fixture {
    ws: Offline,
    clock: Arc<ManualClock>,
    account: AccountId,
}

fn fixture() -> Fixture {
    let mut store = Store::open_in_memory().unwrap();
    let account = store
        .insert_account("Studio", &Environment::Sandbox, start())
        .unwrap();
    let board = Board::named("111", "Recipes");
    store
        .replace_boards(account, &[(board, vec![])], start())
        .unwrap();
    let clock = Arc::new(ManualClock::new(start()));
    Fixture {
        ws: Offline::new(store, clock.clone()),
        clock,
        account,
    }
}

impl Fixture {
    fn pin(&self, title: &str, hours: i64) -> JobId {
        let request = ComposeRequest {
            text: PinText {
                title: Some(title.into()),
                ..Default::default()
            },
            image_url: Some("https://example.com/x.jpg".into()),
            account_id: Some(self.account),
            boards: vec![BoardTarget {
                board_id: "111".into(),
                section_id: None,
            }],
            at: Some(self.ws.now() + TimeDelta::hours(hours)),
            ..Default::default()
        };
        queue::compose_pin(&self.ws, &request).unwrap()[0]
    }

    fn due_at(&self, id: JobId) -> Option<DateTime<Utc>> {
        self.ws.store().job(id).unwrap().due_at
    }
}

#[test]
fn compose_and_reschedule_use_the_workspace_clock() {
    let f = fixture();
    let id = f.pin("a", 2);
    assert_eq!(f.due_at(id), Some(start() + TimeDelta::hours(2)));
    // An hour ago on the workspace's clock is the past, whatever the real time is.
    let err = queue::reschedule(&f.ws, id, start() - TimeDelta::hours(1)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    f.clock.advance(TimeDelta::days(1));
    let err = queue::reschedule(&f.ws, id, start() + TimeDelta::hours(3)).unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::InvalidInput,
        "a day later, +3 h is past"
    );
}

#[test]
fn a_bulk_move_spaces_the_jobs_in_the_order_given() {
    let f = fixture();
    let (a, b, c) = (f.pin("a", 1), f.pin("b", 2), f.pin("c", 3));
    let at = start() + TimeDelta::days(2);
    let done = bulk::move_to(&f.ws, &[c, a, b], at, 30).unwrap();
    assert_eq!((done.done, done.refused.len()), (3, 0));
    assert_eq!(f.due_at(c), Some(at));
    assert_eq!(f.due_at(a), Some(at + TimeDelta::minutes(30)));
    assert_eq!(f.due_at(b), Some(at + TimeDelta::minutes(60)));
}

#[test]
fn a_bad_bulk_move_is_refused_whole_and_moves_nothing() {
    let f = fixture();
    let (a, b) = (f.pin("a", 1), f.pin("b", 2));
    let before = (f.due_at(a), f.due_at(b));
    let at = start() + TimeDelta::days(1);
    let cases = [
        // The spacing is over a week.
        bulk::move_to(&f.ws, &[a, b], at, bulk::MAX_SPACING_MINUTES + 1),
        // The first time is in the past.
        bulk::move_to(&f.ws, &[a, b], start() - TimeDelta::hours(2), 0),
        // The last time is more than five years ahead (the first is not).
        bulk::move_to(
            &f.ws,
            &[a, b],
            start() + TimeDelta::days(5 * 365),
            bulk::MAX_SPACING_MINUTES,
        ),
        bulk::move_to(&f.ws, &[], at, 0),
    ];
    for result in cases {
        assert_eq!(result.unwrap_err().code, ErrorCode::InvalidInput);
    }
    let too_many: Vec<JobId> = (0..=MAX_SELECTION as i64).map(JobId).collect();
    assert_eq!(
        bulk::move_to(&f.ws, &too_many, at, 0).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        bulk::cancel(&f.ws, &too_many).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!((f.due_at(a), f.due_at(b)), before);
    assert_eq!(f.ws.store().job(a).unwrap().state, JobState::Scheduled);
}

#[test]
fn a_bulk_action_changes_what_it_may_and_says_why_not_for_the_rest() {
    let f = fixture();
    let (a, b) = (f.pin("a", 1), f.pin("b", 2));
    bulk::cancel(&f.ws, &[a]).unwrap();
    let result = bulk::hold(&f.ws, &[a, b, JobId(999_999)]).unwrap();
    assert_eq!(result.done, 1);
    let refused: Vec<(JobId, ErrorCode)> =
        result.refused.iter().map(|r| (r.job_id, r.code)).collect();
    assert_eq!(
        refused,
        vec![
            (a, ErrorCode::InvalidTransition),
            (JobId(999_999), ErrorCode::NotFound)
        ]
    );
    assert_eq!(f.ws.store().job(b).unwrap().state, JobState::Draft);
    let retried = bulk::retry(&f.ws, &[b]).unwrap();
    assert_eq!(retried.refused[0].code, ErrorCode::InvalidTransition);
}

#[test]
fn scheduling_settings_are_checked_then_kept_in_the_store() {
    let f = fixture();
    let mut s = scheduling::settings(&f.ws);
    for bad in [
        SchedulingSettings {
            max_attempts: 0,
            ..s.clone()
        },
        SchedulingSettings {
            max_backoff_minutes: 2881,
            ..s.clone()
        },
        SchedulingSettings {
            catch_up_grace_minutes: 1441,
            ..s.clone()
        },
    ] {
        let err = scheduling::save(&f.ws, &bad).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(
            scheduling::settings(&f.ws),
            s,
            "a refused save changes nothing"
        );
    }
    s.max_attempts = 7;
    s.max_backoff_minutes = 90;
    s.catch_up_grace_minutes = 0;
    // A save does not take "pause all" from the screen (the tray may have changed it since).
    s.paused_all = true;
    let saved = scheduling::save(&f.ws, &s).unwrap();
    assert_eq!(
        (
            saved.max_attempts,
            saved.max_backoff_minutes,
            saved.catch_up_grace_minutes
        ),
        (7, 90, 0)
    );
    assert!(!saved.paused_all);
    scheduling::set_paused_all(&f.ws, true).unwrap();
    assert!(scheduling::paused_all(&f.ws));
    assert!(scheduling::settings(&f.ws).paused_all);
    // The store is the keeper: a store reopened from the workspace still says so.
    let store = f.ws.into_store();
    let config = crate::scheduler::EngineConfig::from_settings(&store);
    assert_eq!(config.retry.max_attempts, 7);
    assert_eq!(
        store.setting::<bool>(crate::store::settings::keys::PAUSED_ALL),
        Some(true)
    );
}

#[test]
fn an_export_never_lands_in_the_data_folder_and_replaces_a_file_only_when_complete() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let ws = Offline::new(store, Arc::new(ManualClock::new(start())));
    let inside = dir.path().join("copy.csv");
    let err = transfer::export_csv(
        &ws,
        transfer::ExportKind::Queue,
        inside.to_str().unwrap(),
        true,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(!inside.exists());
    let db = dir.path().join(crate::DATABASE_FILE);
    assert!(
        transfer::export_csv(&ws, transfer::ExportKind::Queue, db.to_str().unwrap(), true).is_err()
    );
    assert!(Store::open(&db).is_err() || db.metadata().unwrap().len() > 0);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("queue.csv");
    std::fs::write(&target, "old").unwrap();
    // A file already there is replaced only when the user said so.
    let asked = transfer::export_csv(
        &ws,
        transfer::ExportKind::Queue,
        target.to_str().unwrap(),
        false,
    );
    assert_eq!(asked.unwrap_err().code, ErrorCode::FileExists);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    let summary = transfer::export_csv(
        &ws,
        transfer::ExportKind::Queue,
        target.to_str().unwrap(),
        true,
    )
    .unwrap();
    assert_eq!(summary.rows, 0);
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.starts_with("job_id,"), "{text}");
    // Nothing but the export is left beside it (the temporary file was renamed).
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
    let relative = transfer::export_csv(&ws, transfer::ExportKind::History, "queue.csv", true);
    assert_eq!(relative.unwrap_err().code, ErrorCode::InvalidInput);
    // A new file needs no asking; a folder is not a file.
    let fresh = out.path().join("history.csv");
    transfer::export_csv(
        &ws,
        transfer::ExportKind::History,
        fresh.to_str().unwrap(),
        false,
    )
    .unwrap();
    let folder = transfer::export_csv(
        &ws,
        transfer::ExportKind::History,
        out.path().to_str().unwrap(),
        true,
    );
    assert_eq!(folder.unwrap_err().code, ErrorCode::InvalidInput);
}

#[test]
fn an_export_never_replaces_the_secrets_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(&dir.path().join("data")).unwrap();
    let secrets = dir.path().join("vault").join("secrets.json");
    std::fs::create_dir_all(secrets.parent().unwrap()).unwrap();
    std::fs::write(&secrets, r#"{"keep":"me"}"#).unwrap();
    let backend = crate::secrets::SecretsBackend::File {
        path: secrets.to_string_lossy().into_owned(),
    };
    store
        .set_setting(crate::store::settings::keys::SECRETS_BACKEND, &backend)
        .unwrap();
    let ws = Offline::new(store, Arc::new(ManualClock::new(start())));
    // Named through `..`, and with the user's go-ahead to replace: still refused.
    let roundabout = dir.path().join("vault/../vault/secrets.json");
    let err = transfer::export_csv(
        &ws,
        transfer::ExportKind::Queue,
        roundabout.to_str().unwrap(),
        true,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{}", err.message);
    assert_eq!(
        std::fs::read_to_string(&secrets).unwrap(),
        r#"{"keep":"me"}"#
    );
}
