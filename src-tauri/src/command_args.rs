//! Every command refuses a malformed argument with `invalid_input` and changes nothing (issue 16).
//!
//! The app is built on tauri's mock runtime with the real handler (`crate::invoke_handler`) and
//! the real managed state: the engine, its store in a temporary data directory with the demo
//! workspace, and the built-in simulator on loopback. Each command gets one malformed call
//! through the same IPC path the window uses; the workspace, read through the read-only
//! commands, and the data directory's file names must be the same afterwards. The list of
//! commands comes from `generate_handler!` in lib.rs, so a new command without a row in
//! `malformed_calls` (or in `NO_ARGUMENTS`) fails the test; `NO_ARGUMENTS` is checked against
//! the generated client (commands.ts), so a command cannot be exempted while taking arguments.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

/// Commands that take nothing from the UI, so nothing of theirs can be malformed.
const NO_ARGUMENTS: [&str; 13] = [
    "app_info",
    "list_accounts",
    "cancel_connect",
    "pinterest_app",
    "lanes",
    "forecast",
    "counters",
    "pick_image",
    "scheduling_settings",
    "launch_at_login",
    "desktop_prefs",
    "open_log_folder",
    "first_screen_drawn",
];

/// The last segment of each path in lib.rs's `tauri::generate_handler![...]`.
fn registered() -> Vec<String> {
    let lib = include_str!("lib.rs");
    let open = "tauri::generate_handler![";
    assert_eq!(lib.matches(open).count(), 1, "lib.rs has one handler list");
    let list = &lib[lib.find(open).unwrap() + open.len()..];
    let list = &list[..list.find(']').expect("the handler list ends")];
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.rsplit("::").next().unwrap().to_string())
        .collect()
}

/// What the malformed calls refer to: a real account, a real job, the data directory.
struct Ids {
    account: i64,
    job: i64,
    dir: String,
}

/// One call per command with arguments: (command, arguments, what is wrong with them). Each is
/// otherwise a call that would change something (or read something real) if it were accepted.
fn malformed_calls(ids: &Ids) -> Vec<(&'static str, Value, &'static str)> {
    let (a, j, dir) = (ids.account, ids.job, &ids.dir);
    let csv = format!("{dir}/import.csv");
    let channel = "__CHANNEL__:7";
    vec![
        ("account_boards", json!({"accountId": "one"}), "wrong type"),
        ("refresh_boards", json!({"accountId": [a]}), "wrong type"),
        (
            "disconnect_account",
            json!({"accountId": a, "queued": "delete_everything"}),
            "unknown enum value",
        ),
        (
            "connect_account",
            json!({"target": {"kind": "builtin_simulator"}}),
            "missing required field",
        ),
        ("reconnect_account", json!({}), "missing argument"),
        (
            "save_pinterest_app",
            json!({"clientId": "1234567", "clientSecret": "s3cret", "redirectPort": 70000}),
            "out of range",
        ),
        ("custom_server_app", json!({"baseUrl": 8}), "wrong type"),
        (
            "save_custom_server_app",
            json!({"baseUrl": "https://pins.example.com/v5", "clientId": ["x"]}),
            "wrong type",
        ),
        (
            "choose_secrets_backend",
            json!({"backend": "postit_note"}),
            "unknown enum value",
        ),
        (
            "compose_pin",
            json!({"request": {"title": "A pin", "draft": true, "interval_secs": 2_592_001}}),
            "out of range (a draft's spacing, once let through)",
        ),
        (
            "list_queue",
            json!({"filter": {"states": ["lost"]}}),
            "unknown enum value",
        ),
        ("cancel_jobs", json!({"jobIds": [j, "two"]}), "wrong type"),
        ("retry_jobs", json!({"jobIds": j}), "wrong type"),
        ("hold_jobs", json!({"jobIds": [j, null]}), "wrong type"),
        (
            "move_jobs",
            json!({"jobIds": [j], "at": "2030-01-01T09:00:00Z", "spacingMinutes": -5}),
            "out of range",
        ),
        (
            "reschedule",
            json!({"jobId": j, "at": "2030-13-45T99:00:00Z"}),
            "not a time",
        ),
        (
            "edit_and_requeue",
            json!({"jobId": j, "edit": {"title": "Edited"}}),
            "missing required field",
        ),
        ("job_history", json!({"jobId": 1.5}), "wrong type"),
        ("image_preview", json!({"path": 42}), "wrong type"),
        ("account_slots", json!({"accountId": true}), "wrong type"),
        (
            "set_account_slots",
            json!({"accountId": a, "plan": {"days": [8], "times": ["09:00"], "time_zone": "Europe/Paris"}}),
            "out of range",
        ),
        ("next_slot", json!({}), "missing argument"),
        (
            "import_preview",
            json!({"path": csv, "format": "xlsx", "options": {}, "progress": channel}),
            "unknown enum value",
        ),
        (
            "import_commit",
            json!({"path": csv, "format": "auto", "options": {}, "mode": "some_rows", "progress": channel}),
            "unknown enum value",
        ),
        (
            "export_csv",
            json!({"kind": "everything", "path": format!("{dir}/export.csv")}),
            "unknown enum value",
        ),
        (
            "save_scheduling_settings",
            json!({"settings": {"max_attempts": 0, "max_backoff_minutes": 60, "catch_up_grace_minutes": 10, "paused_all": true}}),
            "out of range",
        ),
        ("set_paused_all", json!({"paused": "no"}), "wrong type"),
        ("set_launch_at_login", json!({"enabled": 1}), "wrong type"),
        (
            "set_account_limits",
            json!({"accountId": a, "limits": {"preset": "unlimited"}}),
            "unknown enum value",
        ),
        (
            "save_desktop_prefs",
            json!({"prefs": {"notify_failures": "yes", "time_zone": "Europe/Lisbon"}}),
            "wrong type",
        ),
    ]
}

/// The app with the real handler and state on a fresh data directory holding the demo.
fn app(dir: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let state =
        tauri::async_runtime::block_on(AppState::start_with_demo(Some(dir.to_path_buf()), true));
    state.desktop().expect("the engine starts");
    let app = mock_builder()
        .invoke_handler(crate::invoke_handler())
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    app.manage(state);
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the mock window opens");
    (app, window)
}

fn call(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|b| b.deserialize::<Value>().unwrap())
}

fn ok(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Value {
    call(window, cmd, args.clone()).unwrap_or_else(|e| panic!("{cmd} {args} failed: {e}"))
}

/// Everything the window can read about the workspace, and the data directory's file names.
fn dump(window: &WebviewWindow<MockRuntime>, dir: &Path) -> Value {
    let accounts = ok(window, "list_accounts", json!({}));
    let queue = ok(window, "list_queue", json!({"filter": {}}));
    let mut per_account = Vec::new();
    for a in accounts.as_array().unwrap() {
        let id = &a["id"];
        per_account.push(json!({
            "boards": ok(window, "account_boards", json!({"accountId": id})),
            "slots": ok(window, "account_slots", json!({"accountId": id})),
        }));
    }
    let histories: Vec<Value> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|item| ok(window, "job_history", json!({"jobId": item["job_id"]})))
        .collect();
    json!({
        "accounts": accounts,
        "queue": queue,
        "per_account": per_account,
        "histories": histories,
        "pinterest_app": ok(window, "pinterest_app", json!({})),
        "scheduling": ok(window, "scheduling_settings", json!({})),
        "prefs": ok(window, "desktop_prefs", json!({})),
        "files": files(dir),
    })
}

fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out
}

#[test]
fn every_command_refuses_a_malformed_argument_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    // Paused, so that no demo pin goes out while the workspace is compared.
    ok(&window, "set_paused_all", json!({"paused": true}));
    let accounts = ok(&window, "list_accounts", json!({}));
    let queue = ok(&window, "list_queue", json!({"filter": {}}));
    let ids = Ids {
        account: accounts[0]["id"].as_i64().expect("the demo has an account"),
        job: queue[0]["job_id"].as_i64().expect("the demo has a job"),
        dir: dir.path().display().to_string(),
    };
    std::fs::write(
        dir.path().join("import.csv"),
        format!(
            "account,board_id,title,image_url,publish_at\n{},b1,Imported,https://example.com/a.png,2030-01-01T09:00:00Z\n",
            ids.account
        ),
    )
    .unwrap();
    let calls = malformed_calls(&ids);

    let registered = registered();
    let tested: BTreeSet<&str> = calls.iter().map(|(c, _, _)| *c).collect();
    let exempt = BTreeSet::from(NO_ARGUMENTS);
    assert_eq!(tested.len(), calls.len(), "a command has two rows");
    assert!(
        tested.is_disjoint(&exempt),
        "a command is both exempt and tested"
    );
    let covered: BTreeSet<&str> = tested.union(&exempt).copied().collect();
    let handled: BTreeSet<&str> = registered.iter().map(String::as_str).collect();
    let missing: Vec<_> = handled.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "no malformed call for {missing:?}: add one to malformed_calls, or to NO_ARGUMENTS if it takes no argument"
    );
    let unknown: Vec<_> = covered.difference(&handled).collect();
    assert!(unknown.is_empty(), "not registered: {unknown:?}");

    let before = dump(&window, dir.path());
    let mut wrong = Vec::new();
    for (cmd, args, what) in &calls {
        match call(&window, cmd, args.clone()) {
            Err(e) if e["code"] == "invalid_input" && e["message"].as_str().is_some() => {
                tracing::debug!("{cmd}: {}", e["message"]);
            }
            other => wrong.push(format!("{cmd} ({what}, {args}) answered {other:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "not refused as invalid_input:\n{}",
        wrong.join("\n")
    );
    assert_eq!(
        before,
        dump(&window, dir.path()),
        "a refused call changed the workspace"
    );
}

/// The exempt commands are the ones whose generated client passes no arguments (commands.ts
/// comes from the signatures; scripts/check-bindings.sh keeps the committed copy current).
#[test]
fn the_exempt_commands_take_no_arguments() {
    let bindings = include_str!("../../ui/src/lib/bindings/commands.ts");
    for cmd in registered() {
        let takes_none = bindings.contains(&format!("  {cmd}: {{ args: Record<string, never>;"));
        assert_eq!(
            takes_none,
            NO_ARGUMENTS.contains(&cmd.as_str()),
            "`{cmd}`: NO_ARGUMENTS lists exactly the commands that take no arguments"
        );
    }
}

#[test]
fn a_malformed_argument_is_invalid_input_with_tauris_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app(dir.path());
    let answer = call(&window, "export_csv", json!({"kind": "queue", "path": 5})).unwrap_err();
    assert_eq!(answer["code"], "invalid_input", "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with("invalid args `path` for command `export_csv`: invalid type"),
        "{message}"
    );
    // A well-formed call still goes through the same reading, an absent `Option` included.
    let saved = ok(
        &window,
        "save_pinterest_app",
        json!({"clientId": "1234567", "redirectPort": 8085}),
    );
    assert_eq!(saved["redirect_port"], 8085, "{saved}");
}
