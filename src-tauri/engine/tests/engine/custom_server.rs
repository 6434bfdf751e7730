//! Issue 16 item 5: a custom server gets its own app's credentials, never the Pinterest app's.
//! A simulator on loopback plays the custom server, through the same API the window calls
//! (`api::pinterest_app` to save, `api::connect` to plan and run), with a Pinterest app saved
//! too: its token endpoint records the client credentials it was shown, so the test can say
//! whose secret reached it. Without credentials of its own, a connect sends nothing at all.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pinpace_engine::api::connect::{self, ConnectGate, ConnectTarget};
use pinpace_engine::api::pinterest_app;
use pinpace_engine::api::{Offline, Workspace};
use pinpace_engine::clock::SystemClock;
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::secrets::{AppSecrets, SecretsBackend};
use pinpace_engine::sim::{SimConfig, SimHandle, Simulator};
use pinpace_engine::store::settings::keys;
use pinpace_engine::{ErrorCode, Store};

const PRODUCTION_ID: &str = "1484-production";
const PRODUCTION_SECRET: &str = "production-secret-never-for-custom";
const CUSTOM_ID: &str = "custom-client";
const CUSTOM_SECRET: &str = "custom-secret";

struct Desk {
    ws: Offline,
    secrets: AppSecrets,
    builtin: SimHandle,
    custom: SimHandle,
    _dir: tempfile::TempDir,
}

/// A free loopback port for the redirect URI (the saved one is used for real environments).
fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A desktop with the Pinterest app saved, and a "custom server" that knows only its own app.
async fn desk() -> Desk {
    let sim = |id: &str, secret: &str| SimConfig {
        client_id: id.into(),
        client_secret: secret.into(),
        ..SimConfig::default()
    };
    let builtin = Simulator::start(SimConfig::default(), Arc::new(SystemClock))
        .await
        .unwrap();
    let custom = Simulator::start(sim(CUSTOM_ID, CUSTOM_SECRET), Arc::new(SystemClock))
        .await
        .unwrap();
    custom.add_account("ana");
    let dir = tempfile::tempdir().unwrap();
    let secrets = AppSecrets::open(SecretsBackend::File {
        path: dir
            .path()
            .join("secrets.json")
            .to_string_lossy()
            .into_owned(),
    });
    let store = Store::open_in_dir(dir.path()).unwrap();
    let ws = Offline::new(store, Arc::new(SystemClock));
    pinterest_app::save(
        &ws,
        &secrets,
        PRODUCTION_ID,
        Some(PRODUCTION_SECRET),
        free_port(),
    )
    .unwrap();
    Desk {
        ws,
        secrets,
        builtin,
        custom,
        _dir: dir,
    }
}

/// The system browser: follows the consent page (which approves at once) to the callback.
fn browser(
    opened: &Arc<AtomicUsize>,
) -> impl Fn(&url::Url) -> Result<(), pinpace_engine::EngineError> {
    let opened = opened.clone();
    move |url: &url::Url| {
        opened.fetch_add(1, Ordering::SeqCst);
        let url = url.clone();
        tokio::spawn(async move { reqwest::get(url).await.map(|_| ()) });
        Ok(())
    }
}

fn nothing_reached(sim: &SimHandle) {
    assert!(sim.token_clients().is_empty(), "{:?}", sim.token_clients());
    assert_eq!(sim.stats().total, 0, "no API request");
    assert_eq!(
        sim.issued_secrets().len(),
        1,
        "no code or token was issued (only the server's own client secret is listed)"
    );
}

#[tokio::test]
async fn a_custom_server_is_sent_its_own_app_credentials_never_the_pinterest_apps() {
    let d = desk().await;
    let base_url = d.custom.base_url();
    let saved = pinterest_app::save_custom_server_app(
        &d.ws,
        &d.secrets,
        &base_url,
        CUSTOM_ID,
        Some(CUSTOM_SECRET),
    )
    .unwrap();
    assert_eq!(
        saved.origin,
        format!("http://127.0.0.1:{}", d.custom.port())
    );
    assert_eq!(saved.client_id.as_deref(), Some(CUSTOM_ID));
    assert!(saved.has_secret);
    // The Pinterest app is untouched by the custom one.
    let view = pinterest_app::view(&d.ws, &d.secrets);
    assert_eq!(view.client_id.as_deref(), Some(PRODUCTION_ID));
    assert!(view.has_secret);

    let gate = ConnectGate::default();
    let opened = Arc::new(AtomicUsize::new(0));
    let target = ConnectTarget::Custom {
        base_url: base_url.clone(),
    };
    let plan = connect::plan(&d.ws, &d.secrets, &d.builtin, target).unwrap();
    let summary = connect::run(&d.ws, &d.secrets, &gate, plan, None, browser(&opened))
        .await
        .unwrap();
    assert_eq!(summary.username, "ana");
    assert_eq!(opened.load(Ordering::SeqCst), 1);
    let sent = d.custom.token_clients();
    assert_eq!(
        sent,
        vec![(CUSTOM_ID.to_string(), CUSTOM_SECRET.to_string())],
        "the custom server saw its own app's credentials, once"
    );
    assert!(d.builtin.token_clients().is_empty());

    // Its refreshes use that server's app too.
    let app = d.secrets.app_credentials(summary.account_id).unwrap();
    assert_eq!(
        (app.client_id.as_str(), app.client_secret.expose()),
        (CUSTOM_ID, CUSTOM_SECRET)
    );

    // A reconnect plans with the same app.
    let plan = connect::plan_reconnect(&d.ws, &d.secrets, &d.builtin, summary.account_id).unwrap();
    connect::run(
        &d.ws,
        &d.secrets,
        &gate,
        plan,
        Some(summary.account_id),
        browser(&opened),
    )
    .await
    .unwrap();
    let sent = d.custom.token_clients();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|(id, secret)| id == CUSTOM_ID && secret == CUSTOM_SECRET),
        "{sent:?}"
    );
    assert!(!format!("{sent:?}").contains(PRODUCTION_SECRET));
}

#[tokio::test]
async fn a_custom_server_without_its_own_app_is_refused_and_sent_nothing() {
    let d = desk().await;
    let target = ConnectTarget::Custom {
        base_url: d.custom.base_url(),
    };
    let err = match connect::plan(&d.ws, &d.secrets, &d.builtin, target) {
        Ok(_) => panic!("a custom server without its own app was planned"),
        Err(e) => e,
    };
    assert_eq!(
        err.code,
        ErrorCode::CustomServerAppMissing,
        "{}",
        err.message
    );
    assert!(err.message.contains("Nothing was sent"), "{}", err.message);
    nothing_reached(&d.custom);

    // An app saved for another server does not count for this one.
    pinterest_app::save_custom_server_app(
        &d.ws,
        &d.secrets,
        "https://other.example.com/v5",
        CUSTOM_ID,
        Some(CUSTOM_SECRET),
    )
    .unwrap();
    let target = ConnectTarget::Custom {
        base_url: d.custom.base_url(),
    };
    assert!(matches!(
        connect::plan(&d.ws, &d.secrets, &d.builtin, target),
        Err(e) if e.code == ErrorCode::CustomServerAppMissing
    ));
    nothing_reached(&d.custom);
    assert!(d.ws.store().accounts().unwrap().is_empty());
}

#[tokio::test]
async fn plain_http_off_this_machine_is_refused_everywhere_a_custom_url_enters() {
    let d = desk().await;
    let remote = "http://pins.example.com/v5";
    let before =
        d.ws.store()
            .setting::<serde_json::Value>(keys::CUSTOM_SERVER_APPS);
    let err = pinterest_app::save_custom_server_app(
        &d.ws,
        &d.secrets,
        remote,
        CUSTOM_ID,
        Some(CUSTOM_SECRET),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("https://"), "{}", err.message);
    assert_eq!(
        d.ws.store()
            .setting::<serde_json::Value>(keys::CUSTOM_SERVER_APPS),
        before,
        "nothing was saved"
    );
    let target = ConnectTarget::Custom {
        base_url: remote.into(),
    };
    assert!(matches!(
        connect::plan(&d.ws, &d.secrets, &d.builtin, target),
        Err(e) if e.code == ErrorCode::InvalidInput
    ));
    assert!(pinterest_app::custom_server_app(&d.ws, &d.secrets, remote).is_err());
    // The store refuses to add such an account (the CLI's `account add`), and a stored one
    // (saved before the check) is refused a connect and a client.
    let env = pinpace_engine::pinterest::Environment::Custom {
        base_url: remote.into(),
    };
    let err =
        d.ws.store()
            .insert_account("remote", &env, chrono::Utc::now())
            .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(pinpace_engine::accounts::client_for(&env).is_err());
    let begun = pinpace_engine::accounts::PendingConnect::begin(&env, CUSTOM_ID, 0).await;
    assert!(matches!(begun, Err(e) if e.code == ErrorCode::InvalidInput));
    // https anywhere is fine (saving only: nothing is sent).
    pinterest_app::save_custom_server_app(
        &d.ws,
        &d.secrets,
        "https://pins.example.com/v5",
        CUSTOM_ID,
        Some(CUSTOM_SECRET),
    )
    .unwrap();
}
