//! `pinpace-cli import` and `export`: the report on standard output, the error on standard error,
//! and exit statuses a script can test.

#[test]
fn the_cli_imports_previews_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cli = |args: &[&str]| {
        let a = crate::support::cli_run::run(&data, args, None);
        (a.ok, a.output, a.error, a.stdout)
    };
    let (ok, added, _, _) = cli(&["account", "add", "--name", "Studio", "--env", "sandbox"]);
    assert!(ok);
    let id = added["account_id"].as_i64().unwrap().to_string();
    let file = dir.path().join("pins.csv");
    std::fs::write(
        &file,
        "Title,Media URL,Pinterest board,Publish date\nA,https://e.com/a.jpg,111,2030-01-01 09:00\nB,https://e.com/b.jpg,,\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let (ok, report, _, _) = cli(&[
        "import",
        f,
        "--account",
        &id,
        "--time-zone",
        "Europe/Paris",
        "--dry-run",
    ]);
    assert!(ok);
    assert_eq!(report["counts"]["valid"], 1);
    assert_eq!(report["committed"], false);
    let (ok, report, err, _) = cli(&["import", f, "--account", &id, "--all-or-nothing"]);
    assert!(!ok);
    assert_eq!(report["counts"]["invalid"], 1);
    assert_eq!(err["error"]["code"], "invalid_input");
    let (ok, report, _, _) = cli(&["import", f, "--account", &id, "--format", "pinterest-csv"]);
    assert!(ok);
    assert_eq!(report["counts"]["pins_created"], 1);
    let (ok, report, _, _) = cli(&["import", f, "--account", &id]);
    assert!(ok, "a re-import with nothing new is not an error");
    assert_eq!(report["counts"]["already_imported"], 1);
    let out = dir.path().join("queue.csv");
    let (ok, summary, _, _) = cli(&["export", "queue", "--out", out.to_str().unwrap()]);
    assert!(ok);
    assert_eq!(summary["rows"], 1);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("2030-01-01T09:00:00+00:00")
            || std::fs::read_to_string(&out)
                .unwrap()
                .contains("2030-01-01T09:00:00Z")
    );
    // Like the window's export: an existing file is kept unless --replace says otherwise, and
    // nothing is ever written into the data folder (issue 16 item 1).
    std::fs::write(&out, "keep me").unwrap();
    let (ok, _, err, _) = cli(&["export", "queue", "--out", out.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(err["error"]["code"], "file_exists");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let (ok, summary, _, _) = cli(&[
        "export",
        "queue",
        "--out",
        out.to_str().unwrap(),
        "--replace",
    ]);
    assert!(ok);
    assert_eq!(summary["rows"], 1);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("job_id,"));
    let database = data.join("pinpace.sqlite3");
    let (ok, _, err, _) = cli(&[
        "export",
        "history",
        "--out",
        database.to_str().unwrap(),
        "--replace",
    ]);
    assert!(!ok);
    assert_eq!(err["error"]["code"], "invalid_input");
    assert!(std::fs::read(&database)
        .unwrap()
        .starts_with(b"SQLite format 3\0"));
    let (ok, _, _, stdout) = cli(&["export", "history"]);
    assert!(ok);
    assert!(String::from_utf8(stdout)
        .unwrap()
        .starts_with("job_id,state"));
}
