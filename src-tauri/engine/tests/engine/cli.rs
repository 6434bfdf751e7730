//! pinpace-cli as a user runs it: boards listed from the simulator, pins added from CSV (all or
//! nothing), errors as JSON with a stable code, and no token ever taken from an argument.

use pinpace_engine::JobId;
use std::process::Command;
use std::sync::Arc;

use crate::support::cli_run::CLI;

use pinpace_engine::clock::SystemClock;
use pinpace_engine::sim::{SimConfig, Simulator};
use serde_json::{json, Value};

fn cli(dir: &std::path::Path, args: &[&str], tokens: Option<&str>) -> (bool, Value, Value) {
    let answer = crate::support::cli_run::run(dir, args, tokens);
    (answer.ok, answer.output, answer.error)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_csv_and_errors() {
    let sim = Simulator::start(SimConfig::default(), Arc::new(SystemClock))
        .await
        .unwrap();
    let account = sim.add_account("csv");
    let board = sim.add_board(&account, "Recipes").unwrap();
    sim.add_section(&board.id, "Soups").unwrap();
    let token = sim.issue_tokens(&account).unwrap().access_token;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok, added, _) = cli(
        d,
        &[
            "account",
            "add",
            "--name",
            "Csv",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url(),
        ],
        None,
    );
    assert!(ok);
    let id = added["account_id"].as_i64().unwrap();
    let tokens = json!({ id.to_string(): { "access": token } }).to_string();

    let (ok, boards, _) = cli(d, &["boards", "--account", &id.to_string()], Some(&tokens));
    assert!(ok);
    assert_eq!(boards[0]["id"], json!(board.id));
    assert_eq!(boards[0]["sections"][0]["name"], "Soups");
    let (ok, _, err) = cli(d, &["boards", "--account", &id.to_string()], Some("{}"));
    assert!(!ok);
    assert_eq!(err["error"]["code"], "invalid_input");

    let good = format!("title,image_url,account_id,board_id,local_time,time_zone\nSoup,https://e.com/s.jpg,{id},{},2030-01-05T09:00,Europe/Paris\n", board.id);
    let bad =
        format!("{good}Stew,https://e.com/s.jpg,{id},Recipes,2030-01-05T09:00,Europe/Paris\n");
    std::fs::write(d.join("bad.csv"), bad).unwrap();
    let (ok, _, err) = cli(d, &["add-pins", d.join("bad.csv").to_str().unwrap()], None);
    assert!(!ok);
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("pin 2: board_id"),
        "{err}"
    );
    let (_, jobs, _) = cli(d, &["jobs"], None);
    assert_eq!(jobs, json!([]), "a bad row adds nothing");
    std::fs::write(d.join("good.csv"), good).unwrap();
    let (ok, _, _) = cli(d, &["add-pins", d.join("good.csv").to_str().unwrap()], None);
    assert!(ok);
    let (_, jobs, _) = cli(d, &["jobs", "--state", "scheduled"], None);
    assert_eq!(jobs[0]["due_at"], "2030-01-05T08:00:00Z");

    let (ok, _, err) = cli(d, &["jobs", "--state", "bogus"], None);
    assert!(!ok && err["error"]["code"] == "invalid_input");
}

/// Issue 16 item 5: a custom server's base URL is https://, or plain http:// on this machine
/// only, for `account add` and `account connect` alike (the check the window's connect uses).
#[test]
fn a_custom_server_on_plain_http_off_this_machine_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let custom = |command: &str, url: &str| {
        let mut args = vec!["account", command];
        if command == "add" {
            args.extend(["--name", "Remote"]);
        }
        args.extend(["--env", "custom", "--base-url", url]);
        cli(d, &args, None)
    };
    for command in ["add", "connect"] {
        let (ok, _, err) = custom(command, "http://pins.example.com/v5");
        assert!(!ok, "{command}");
        assert_eq!(err["error"]["code"], "invalid_input", "{command}: {err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("https://"),
            "{command}: {err}"
        );
    }
    let (_, accounts, _) = cli(d, &["account", "list"], None);
    assert_eq!(accounts, json!([]), "nothing was added");
    for url in ["https://pins.example.com/v5", "http://127.0.0.1:8787/v5"] {
        let (ok, added, err) = custom("add", url);
        assert!(ok && added["account_id"].is_number(), "{url}: {err}");
    }
}

/// Logs go to standard error at `--log-level` (after the subcommand too), standard output stays
/// the command's JSON, and a request line names method, path and status but never the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_go_to_stderr_at_the_chosen_level() {
    let sim = Simulator::start(SimConfig::default(), Arc::new(SystemClock))
        .await
        .unwrap();
    let account = sim.add_account("logs");
    sim.add_board(&account, "Recipes").unwrap();
    let token = sim.issue_tokens(&account).unwrap().access_token;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, added, _) = cli(
        d,
        &[
            "account",
            "add",
            "--name",
            "Logs",
            "--env",
            "simulator",
            "--base-url",
            &sim.base_url(),
        ],
        None,
    );
    let id = added["account_id"].as_i64().unwrap().to_string();
    let tokens = json!({ id.clone(): { "access": token } }).to_string();
    let boards = |level: &str| {
        let out = Command::new(CLI)
            .arg("--data-dir")
            .arg(d)
            .args(["boards", "--account", &id, "--log-level", level])
            .env("PINPACE_TOKENS", &tokens)
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert!(out.status.success());
        let stdout: Value = serde_json::from_slice(&out.stdout).expect("stdout is only the JSON");
        assert_eq!(stdout[0]["name"], "Recipes");
        String::from_utf8(out.stderr).unwrap()
    };
    let debug = boards("debug");
    let line = debug
        .lines()
        .find(|l| l.contains("pinterest request") && l.contains("path=/v5/boards "))
        .unwrap_or_else(|| panic!("no request line in {debug}"));
    assert!(
        line.contains("DEBUG") && line.contains("method=GET"),
        "{line}"
    );
    assert!(
        line.contains("status=200") && line.contains("latency_ms="),
        "{line}"
    );
    assert!(line.contains("ratelimit_remaining="), "{line}");
    assert!(!debug.contains(&token), "the token is never logged");
    // A successful read is debug: at info it is not there.
    assert!(!boards("info").contains("pinterest request"));

    let out = Command::new(CLI)
        .arg("--data-dir")
        .arg(d)
        .args(["--log-level", "loud", "jobs"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "an unknown level is refused");
}

/// `queue move|hold|retry|cancel|edit`: the window's bulk actions with the window's rules and
/// codes (the rules themselves are tested in the engine's `api::tests`).
#[test]
fn queue_commands_follow_the_windows_rules() {
    use pinpace_engine::compose::{compose, BoardTarget, ComposeRequest};
    use pinpace_engine::pinterest::types::Board;
    use pinpace_engine::pinterest::Environment;
    use pinpace_engine::PinText;
    use pinpace_engine::Store;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let now = chrono::Utc::now();
    let ids: Vec<JobId> = {
        let mut store = Store::open_in_dir(d).unwrap();
        let a = store
            .insert_account("Studio", &Environment::Sandbox, now)
            .unwrap();
        let board = Board::named("111", "Recipes");
        store.replace_boards(a, &[(board, vec![])], now).unwrap();
        (1..=3)
            .flat_map(|h| {
                let req = ComposeRequest {
                    text: PinText {
                        title: Some(format!("pin {h}")),
                        ..Default::default()
                    },
                    image_url: Some("https://example.com/x.jpg".into()),
                    account_id: Some(a),
                    boards: vec![BoardTarget {
                        board_id: "111".into(),
                        section_id: None,
                    }],
                    at: Some(now + chrono::TimeDelta::days(h)),
                    ..Default::default()
                };
                compose(&mut store, &req, now).unwrap()
            })
            .collect()
    };
    let id = |i: usize| ids[i].to_string();
    let at = (now + chrono::TimeDelta::days(10)).to_rfc3339();
    let (ok, moved, _) = cli(
        d,
        &[
            "queue",
            "move",
            &id(2),
            &id(0),
            "--at",
            &at,
            "--spacing-minutes",
            "15",
        ],
        None,
    );
    assert!(ok);
    assert_eq!(moved, json!({ "done": 2, "refused": [] }));
    let (_, jobs, _) = cli(d, &["jobs", "--state", "scheduled"], None);
    let due = |job: JobId| {
        jobs.as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == job.0)
            .map(|j| {
                j["due_at"]
                    .as_str()
                    .unwrap()
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .unwrap()
            })
            .unwrap()
    };
    assert_eq!(due(ids[0]) - due(ids[2]), chrono::TimeDelta::minutes(15));
    // A past time is refused whole, with the window's code, and moves nothing.
    let (ok, _, err) = cli(
        d,
        &["queue", "move", &id(1), "--at", "2020-01-01T00:00:00Z"],
        None,
    );
    assert!(!ok);
    assert_eq!(err["error"]["code"], "invalid_input");
    let (ok, held, _) = cli(d, &["queue", "hold", &id(1)], None);
    assert!(ok);
    assert_eq!(held["done"], 1);
    let (_, cancelled, _) = cli(d, &["queue", "cancel", &id(1), "999999"], None);
    assert_eq!(cancelled["done"], 1);
    assert_eq!(cancelled["refused"][0]["code"], "not_found");
    // A cancelled job cannot be retried: refused with its reason, not an error.
    let (ok, retried, _) = cli(d, &["queue", "retry", &id(1)], None);
    assert!(ok);
    assert_eq!(retried["refused"][0]["code"], "invalid_transition");
    let (ok, edited, _) = cli(
        d,
        &[
            "queue",
            "edit",
            &id(0),
            "--board",
            "111",
            "--title",
            "Renamed",
            "--at",
            &at,
        ],
        None,
    );
    assert!(ok, "{edited}");
    assert_eq!(edited["state"], "scheduled");
    let (ok, _, err) = cli(d, &["queue", "edit", &id(0), "--board", "nope"], None);
    assert!(!ok);
    assert_eq!(err["error"]["code"], "invalid_input");
}
