//! Bulk import and export through the engine's public API (and the CLI), on a temporary database
//! with boards cached as a sync would leave them. Nothing here touches the network. The CLI's
//! import, a chunked import under a shared store, and the folder rule for local images have
//! their own modules; the helpers here serve them all.

mod chunked;
mod cli;
mod media_outside;

use pinpace_engine::{AccountId, JobId};
use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::export;
use pinpace_engine::import::{
    self, ImportFormat, ImportMode, ImportOptions, ImportReport, ImportSource, RowErrorCode,
    RowStatus, Severity,
};
use pinpace_engine::pinterest::types::{Board, BoardSection};
use pinpace_engine::pinterest::Environment;
use pinpace_engine::store::job_error::JobErrorCode;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::store::jobs::JobPatch;
use pinpace_engine::Store;

pub(super) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

pub(super) fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

pub(super) fn board(id: &str, name: &str) -> Board {
    Board {
        id: id.into(),
        name: name.into(),
        description: None,
        privacy: None,
    }
}

pub(super) fn section(id: &str, name: &str) -> BoardSection {
    BoardSection {
        id: id.into(),
        name: name.into(),
    }
}

/// A store in `dir` with account "Studio" (boards Recipes 111 with sections Soups 5 and twice
/// Mains 6/7, Garden 222, and "Dupe" twice: 333, 444), two accounts named "Twin", and an image.
pub(super) fn setup(dir: &Path) -> (Store, AccountId) {
    let mut store = Store::open_in_dir(&dir.join("data")).unwrap();
    let a = store
        .insert_account("Studio", &Environment::Sandbox, now())
        .unwrap();
    store
        .replace_boards(
            a,
            &[
                (
                    board("111", "Recipes"),
                    vec![
                        section("5", "Soups"),
                        section("6", "Mains"),
                        section("7", "mains"),
                    ],
                ),
                (board("222", "Garden"), vec![]),
                (board("333", "Dupe"), vec![]),
                (board("444", "dupe"), vec![]),
            ],
            now(),
        )
        .unwrap();
    for _ in 0..2 {
        store
            .insert_account("Twin", &Environment::Sandbox, now())
            .unwrap();
    }
    std::fs::write(dir.join("salad.png"), PNG).unwrap();
    std::fs::write(dir.join("notes.txt"), "not an image").unwrap();
    (store, a)
}

pub(super) fn options(account: AccountId) -> ImportOptions {
    ImportOptions {
        default_account_id: Some(account),
        default_time_zone: None,
        ..Default::default()
    }
}

pub(super) fn write(dir: &Path, name: &str, text: &str) -> ImportSource {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    ImportSource::path(path, ImportFormat::Auto)
}

pub(super) fn commit(
    store: &mut Store,
    src: &ImportSource,
    account: AccountId,
    mode: ImportMode,
) -> ImportReport {
    import::commit(store, src, &options(account), mode, now(), &mut |_| {}).unwrap()
}

pub(super) fn preview(store: &mut Store, src: &ImportSource, account: AccountId) -> ImportReport {
    import::preview(store, src, &options(account), now(), &mut |_| {}).unwrap()
}

pub(super) fn job_count(store: &Store) -> i64 {
    crate::support::raw_sql::count(store.path().parent().unwrap(), "SELECT COUNT(*) FROM jobs")
}

pub(super) fn codes(report: &ImportReport) -> BTreeSet<String> {
    report
        .rows
        .iter()
        .flat_map(|r| &r.issues)
        .chain(&report.file_issues)
        .map(|i| {
            serde_json::to_value(i.code)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn pinterest_csv_with_bom_quoted_newlines_and_any_header_case() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let src = write(
        dir.path(),
        "pins.csv",
        "\u{feff}TITLE,media url,PINTEREST BOARD,Thumbnail,Description,Link,Publish Date,Keywords\n\
         \"Soup, hot\",https://example.com/soup.jpg,recipes/soups,,\"line one\nline two\",https://example.com/s,2026-12-01T09:00:00,\"soup, winter\"\n\
         Salad,salad.png,Garden,,,,2026-12-01 10:30,\n\
         ,,,,,,,\n",
    );
    let report = commit(&mut store, &src, a, ImportMode::AllOrNothing);
    assert_eq!(report.format, ImportFormat::PinterestCsv);
    assert!(report.committed, "{report:#?}");
    assert_eq!((report.counts.rows, report.counts.valid), (2, 2));
    assert_eq!(report.counts.warned, 1);
    let warning = &report.rows[0].issues[0];
    assert_eq!(
        (warning.code, warning.severity, warning.column.as_deref()),
        (
            RowErrorCode::IgnoredValue,
            Severity::Warning,
            Some("Keywords")
        )
    );
    let jobs = store.jobs_in_state(JobState::Scheduled).unwrap();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0].board_id.as_deref(), Some("111"));
    assert_eq!(jobs[0].section_id.as_deref(), Some("5"));
    assert_eq!(
        jobs[0].due_at,
        Some("2026-12-01T09:00:00Z".parse().unwrap())
    );
    let pin = store.pin(jobs[0].pin_id).unwrap();
    assert_eq!(pin.text.description.as_deref(), Some("line one\nline two"));
    assert_eq!(pin.text.title.as_deref(), Some("Soup, hot"));
    // The local image was copied into the data directory.
    assert!(store.pin(jobs[1].pin_id).unwrap().media_sha256.is_some());
}

#[test]
fn every_row_error_has_its_code_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let long = "x".repeat(101);
    let url = "https://e.com/a.jpg";
    // media, board, section, title, link, publish_at, time_zone, interval_secs
    let r = |cells: [&str; 8]| cells.join(",");
    let rows = [
        ("missing_field", r(["", "Recipes", "", "", "", "", "", ""])),
        ("too_long", r([url, "Recipes", "", &long, "", "", "", ""])),
        (
            "invalid_url",
            r([url, "Recipes", "", "", "nope", "", "", ""]),
        ),
        (
            "unparseable_date",
            r([url, "Recipes", "", "", "", "tomorrow", "", ""]),
        ),
        (
            "date_in_past",
            r([url, "Recipes", "", "", "", "2020-01-01 09:00", "", ""]),
        ),
        (
            "date_too_far",
            r([url, "Recipes", "", "", "", "2040-01-01 09:00", "", ""]),
        ),
        (
            "unknown_time_zone",
            r([
                url,
                "Recipes",
                "",
                "",
                "",
                "2026-12-01 09:00",
                "Mars/Olympus",
                "",
            ]),
        ),
        ("unknown_board", r([url, "Cakes", "", "", "", "", "", ""])),
        ("ambiguous_board", r([url, "DUPE", "", "", "", "", "", ""])),
        (
            "unknown_section",
            r([url, "Recipes", "Desserts", "", "", "", "", ""]),
        ),
        (
            "ambiguous_section",
            r([url, "Recipes", "Mains", "", "", "", "", ""]),
        ),
        (
            "unreadable_media",
            r(["missing.png", "Recipes", "", "", "", "", "", ""]),
        ),
        (
            "unreadable_media",
            r(["notes.txt", "Recipes", "", "", "", "", "", ""]),
        ),
        (
            "invalid_url",
            r(["ftp://e.com/a.jpg", "Recipes", "", "", "", "", "", ""]),
        ),
        ("bad_number", r([url, "Recipes", "", "", "", "", "", "-5"])),
        ("rejected", r([url, " | ", "", "", "", "", "", ""])),
        (
            "wrong_cell_count",
            r([url, "Recipes", "", "", "", "", "", ",extra"]),
        ),
        (
            "none",
            r(["https://e.com/dup.jpg", "Recipes", "", "", "", "", "", ""]),
        ),
        (
            "duplicate_in_file",
            r(["https://e.com/dup.jpg", "recipes", "", "", "", "", "", ""]),
        ),
    ];
    let mut text =
        "media,board,section,title,link,publish_at,time_zone,interval_secs\n".to_string();
    for (_, row) in &rows {
        text.push_str(row);
        text.push('\n');
    }
    let src = write(dir.path(), "bad.csv", &text);
    let report = commit(&mut store, &src, a, ImportMode::AllOrNothing);
    assert!(!report.committed);
    assert_eq!(job_count(&store), 0);
    for (i, (code, _)) in rows.iter().enumerate() {
        let row = &report.rows[i];
        assert_eq!(row.row, i as u64 + 2);
        let found: Vec<String> = row
            .issues
            .iter()
            .map(|x| {
                serde_json::to_value(x.code)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .into()
            })
            .collect();
        if *code == "none" {
            assert_eq!(row.status, RowStatus::Ok, "{row:?}");
        } else {
            assert_eq!(found, vec![code.to_string()], "row {}: {row:?}", row.row);
            assert_eq!(row.status, RowStatus::Invalid);
            assert!(!row.issues[0].message.is_empty());
        }
    }
    assert_eq!(report.rows[1].issues[0].column.as_deref(), Some("title"));
    assert_eq!(report.counts.valid, 1);

    // Accounts, columns, encodings and structure.
    let accounts = write(
        dir.path(),
        "accounts.csv",
        "account,media,board\nNobody,https://e.com/a.jpg,1\ntwin,https://e.com/a.jpg,1\n",
    );
    let report = preview(&mut store, &accounts, a);
    assert_eq!(
        codes(&report),
        ["ambiguous_account", "unknown_account"]
            .map(String::from)
            .into()
    );
    let header = write(
        dir.path(),
        "header.csv",
        "Title,Colour,board,BOARD_ID\nx,red,1,2\n",
    );
    let report = preview(&mut store, &header, a);
    let file: BTreeSet<_> = report
        .file_issues
        .iter()
        .map(|i| {
            serde_json::to_value(i.code)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        file,
        ["duplicate_column", "missing_column", "unknown_column"]
            .map(String::from)
            .into()
    );
    let mut latin1 = b"media,board,title\nhttps://e.com/a.jpg,Recipes,caf\xe9\n".to_vec();
    latin1.extend_from_slice(b"https://e.com/b.jpg,Recipes,ok\n");
    let report = preview(
        &mut store,
        &ImportSource::bytes(latin1, ImportFormat::Auto),
        a,
    );
    assert_eq!(report.rows[0].issues[0].code, RowErrorCode::InvalidUtf8);
    assert_eq!(report.counts.valid, 1);
    let json = ImportSource::bytes(
        r#"[{"media": "https://e.com/a.jpg", "board": "Recipes"}, {"colour": 1}, {"title": 2"#,
        ImportFormat::Auto,
    );
    let report = preview(&mut store, &json, a);
    assert!(codes(&report).contains("malformed"));
    assert!(codes(&report).contains("unknown_column"));
    assert_eq!(job_count(&store), 0);
}

#[test]
fn valid_rows_mode_imports_the_good_rows_all_or_nothing_imports_none() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let src = write(
        dir.path(),
        "mixed.csv",
        "media,board,title\nhttps://e.com/a.jpg,Recipes,A\nhttps://e.com/b.jpg,Nowhere,B\nhttps://e.com/c.jpg,Garden,C\n",
    );
    let before = preview(&mut store, &src, a);
    assert_eq!((before.counts.valid, before.counts.invalid), (2, 1));
    assert_eq!(job_count(&store), 0, "a preview writes nothing");
    let refused = commit(&mut store, &src, a, ImportMode::AllOrNothing);
    assert!(!refused.committed);
    assert_eq!(refused.counts.pins_created, 0);
    assert_eq!(job_count(&store), 0);
    let done = commit(&mut store, &src, a, ImportMode::AllValidRows);
    assert!(done.committed);
    assert_eq!((done.counts.pins_created, done.counts.jobs_created), (2, 2));
    assert_eq!(job_count(&store), 2);
    // A header error refuses the whole file, whatever the mode.
    let src = write(
        dir.path(),
        "typo.csv",
        "media,board,titel\nhttps://e.com/z.jpg,Recipes,A\n",
    );
    let report = commit(&mut store, &src, a, ImportMode::AllValidRows);
    assert!(!report.committed);
    assert_eq!(job_count(&store), 2);
}

/// Another process holding the database's write lock (a second connection here) makes the
/// import fail with `database_locked`, the code that says "close the other PinPace", not the
/// generic `storage`; and it leaves nothing behind once the lock is gone.
#[test]
fn a_database_busy_elsewhere_says_database_locked_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let src = write(
        dir.path(),
        "one.csv",
        "media,board,title\nhttps://e.com/a.jpg,Recipes,A\n",
    );
    let other = crate::support::raw_sql::open(&dir.path().join("data"));
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = import::commit(
        &mut store,
        &src,
        &options(a),
        ImportMode::AllOrNothing,
        now(),
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        err.code,
        pinpace_engine::ErrorCode::DatabaseLocked,
        "{}",
        err.message
    );
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(job_count(&store), 0);
    let done = commit(&mut store, &src, a, ImportMode::AllOrNothing);
    assert_eq!(
        done.counts.jobs_created, 1,
        "the same import works once the lock is gone"
    );
}

#[test]
fn importing_the_same_file_twice_creates_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let src = write(
        dir.path(),
        "month.csv",
        "media,board,title,publish_at\nhttps://e.com/a.jpg,Recipes,A,2026-12-01T09:00:00Z\nhttps://e.com/b.jpg,garden,B,\nsalad.png,Recipes,C,2026-12-02 08:00\n",
    );
    let first = commit(&mut store, &src, a, ImportMode::AllOrNothing);
    assert_eq!(first.counts.pins_created, 3);
    let again = commit(&mut store, &src, a, ImportMode::AllOrNothing);
    assert!(again.committed);
    assert_eq!(again.counts.already_imported, 3);
    assert_eq!(again.counts.pins_created, 0);
    assert!(again
        .rows
        .iter()
        .all(|r| r.status == RowStatus::AlreadyImported));
    assert_eq!(job_count(&store), 3);
    // The same rows with a board named in another case are the same rows.
    let renamed = write(
        dir.path(),
        "renamed.csv",
        "MEDIA,BOARD,TITLE\nhttps://e.com/b.jpg,GARDEN,B\nhttps://e.com/new.jpg,Garden,New\n",
    );
    let third = commit(&mut store, &renamed, a, ImportMode::AllOrNothing);
    assert_eq!(
        (third.counts.already_imported, third.counts.pins_created),
        (1, 1)
    );
}

#[test]
fn json_fans_out_over_boards_in_a_time_zone_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let mut pins = vec![serde_json::json!({
        "title": "Fan", "image_url": "https://e.com/f.jpg", "account_id": a,
        "boards": [{"board_id": "111", "section_id": "5"}, {"board_id": "222"}],
        "local_time": "2026-12-01T09:00", "time_zone": "Europe/Paris", "interval_secs": 600
    })];
    for i in 0..2499 {
        pins.push(serde_json::json!({"media": format!("https://e.com/{i}.jpg"), "board": ["Garden"], "account": "Studio"}));
    }
    let src = ImportSource::bytes(serde_json::to_vec(&pins).unwrap(), ImportFormat::Auto);
    let mut events = Vec::new();
    let report = import::commit(
        &mut store,
        &src,
        &ImportOptions::default(),
        ImportMode::AllOrNothing,
        now(),
        &mut |p| events.push(p),
    )
    .unwrap();
    assert_eq!(report.format, ImportFormat::Json);
    assert!(report.committed, "{:?}", report.rows.first());
    assert_eq!(report.counts.jobs_created, 2501);
    // Every row is checked before any is written; only the last event says done.
    use pinpace_engine::import::ImportPhase::{Checking, Writing};
    assert_eq!(
        events
            .iter()
            .map(|e| (e.phase, e.rows_read, e.done))
            .collect::<Vec<_>>(),
        [
            (Checking, 1000, false),
            (Checking, 2000, false),
            (Checking, 2500, false),
            (Writing, 1000, false),
            (Writing, 2000, false),
            (Writing, 2500, true)
        ]
    );
    let first = store.job(JobId(1)).unwrap();
    let second = store.job(JobId(2)).unwrap();
    assert_eq!(first.due_at, Some("2026-12-01T08:00:00Z".parse().unwrap()));
    assert_eq!(
        second.due_at.unwrap() - first.due_at.unwrap(),
        TimeDelta::minutes(10)
    );
    assert_eq!(first.section_id.as_deref(), Some("5"));
    let preview = &report.rows[0].pin.as_ref().unwrap();
    assert_eq!(preview.boards[0].section_name.as_deref(), Some("Soups"));
}

#[test]
fn the_queue_exports_to_a_csv_that_imports_into_another_database() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, a) = setup(dir.path());
    let src = write(
        dir.path(),
        "month.csv",
        "media,board,section,title,description,publish_at,time_zone,interval_secs\n\
         https://e.com/a.jpg,Recipes | Garden,Soups,\"A, \"\"quoted\"\"\",\"two\nlines\",2026-12-01 09:00,Europe/Paris,3600\n\
         salad.png,Garden,,\"=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\",-5 tips,2026-12-03T10:00:00Z,,\n",
    );
    assert!(commit(&mut store, &src, a, ImportMode::AllOrNothing).committed);
    let mut out = Vec::new();
    assert_eq!(export::queue_csv(&store, &mut out).unwrap().rows, 3);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("job_id,state,account,account_name,board,board_name"));
    assert!(text.contains("2026-12-01T09:00:00+01:00"), "{text}");
    // A spreadsheet opening the export must not run the title as a formula (issue 16 item 1):
    // the cells that start like one are written as text, and come back unchanged below.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"https://evil.example\"\""),
        "{text}"
    );
    assert!(text.contains(",'-5 tips,"), "{text}");
    assert!(
        !text.contains(",=HYPERLINK") && !text.contains(",-5 tips"),
        "{text}"
    );

    let other = tempfile::tempdir().unwrap();
    let (mut copy, b) = setup(other.path());
    let exported = write(other.path(), "queue.csv", &text);
    // The export names the first database's copy of the image, outside the new file's folder:
    // refused until the user allows it, as the preview lists it (issue 16 item 9).
    let refused = commit(&mut copy, &exported, b, ImportMode::AllOrNothing);
    assert!(!refused.committed);
    assert!(
        codes(&refused).contains("media_outside_folder"),
        "{refused:#?}"
    );
    assert_eq!(refused.outside_media_count, 1);
    let allowed = ImportOptions {
        allowed_outside_media: refused.outside_media.clone(),
        ..options(b)
    };
    let report = import::commit(
        &mut copy,
        &exported,
        &allowed,
        ImportMode::AllOrNothing,
        now(),
        &mut |_| {},
    )
    .unwrap();
    assert!(report.committed, "{report:#?}");
    let view = |s: &Store| {
        let mut v: Vec<_> = s
            .jobs_in_state(JobState::Scheduled)
            .unwrap()
            .into_iter()
            .map(|j| {
                let p = s.pin(j.pin_id).unwrap();
                (
                    j.board_id,
                    j.section_id,
                    j.due_at,
                    p.text.title,
                    p.text.description,
                    p.media_url,
                    p.media_sha256,
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(view(&store), view(&copy));

    // History: a published pin with its Pinterest URL, a failure with its reason.
    let patch = |id: &str| JobPatch {
        pinterest_pin_id: Some(id.into()),
        ..Default::default()
    };
    for (job, to) in [(1, JobState::Due), (1, JobState::InFlight)] {
        store
            .transition(JobId(job), to, "test", None, &JobPatch::default(), now())
            .unwrap();
    }
    store
        .transition(
            JobId(1),
            JobState::Published,
            "test",
            None,
            &patch("987"),
            now(),
        )
        .unwrap();
    let failure = JobPatch {
        error: Some(Some((
            JobErrorCode::Http(400),
            "the image is too small".into(),
        ))),
        ..Default::default()
    };
    store
        .transition(JobId(2), JobState::Cancelled, "test", None, &failure, now())
        .unwrap();
    let mut out = Vec::new();
    assert_eq!(export::history_csv(&store, &mut out).unwrap().rows, 2);
    let mut reader = csv::Reader::from_reader(&out[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][1], "published");
    assert_eq!(&rows[0][13], "https://www.pinterest.com/pin/987/");
    assert_eq!(
        (&rows[1][14], &rows[1][15]),
        ("http_400", "the image is too small")
    );
}
