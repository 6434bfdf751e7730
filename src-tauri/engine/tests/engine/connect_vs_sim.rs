//! Connecting accounts against the simulator's OAuth endpoints over loopback: the whole flow
//! (authorize, callback, token, user_account, boards), each way it can fail leaving nothing
//! half-connected, reconnecting with the queue kept, disconnecting, and a scan of everything the
//! app wrote for the secrets it handled.

use pinpace_engine::AccountId;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::accounts::boards::fetch_boards;
use pinpace_engine::accounts::disconnect::{disconnect, QueuedJobs};
use pinpace_engine::accounts::read_pacing::{Patience, ReadGate, Reads};
use pinpace_engine::accounts::{exchange, register, PendingConnect};
use pinpace_engine::clock::{Clock, SystemClock};
use pinpace_engine::compose::{compose, BoardTarget, ComposeRequest};
use pinpace_engine::pinterest::{AppCredentials, Environment, PinterestClient, Secret};
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::scheduler::{Engine, EngineConfig};
use pinpace_engine::secrets::{FileVault, MemoryVault, VaultTokens};
use pinpace_engine::sim::{SimConfig, SimHandle, Simulator};
use pinpace_engine::store::accounts::AccountStatus;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::PinText;
use pinpace_engine::{ErrorCode, Store};

struct World {
    sim: SimHandle,
    env: Environment,
    app: AppCredentials,
    client: PinterestClient,
    dir: tempfile::TempDir,
    store: Store,
}

async fn world(config: SimConfig) -> World {
    let sim = Simulator::start(config, Arc::new(SystemClock))
        .await
        .unwrap();
    let (client_id, secret) = sim.client_credentials();
    let env = Environment::Simulator {
        base_url: sim.base_url(),
    };
    let client = PinterestClient::new(env.api_base().unwrap(), Arc::new(SystemClock));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    World {
        sim,
        env,
        app: AppCredentials {
            client_id,
            client_secret: Secret::new(secret),
        },
        client,
        dir,
        store,
    }
}

fn now() -> DateTime<Utc> {
    SystemClock.now()
}

/// The user's browser: follows the consent page's redirect to the loopback callback.
async fn browse(url: &url::Url) -> reqwest::Response {
    reqwest::get(url.clone()).await.unwrap()
}

/// The whole connect, as the desktop and the CLI compose it.
async fn connect(
    w: &mut World,
    tokens: &VaultTokens,
    reconnect: Option<AccountId>,
    sim_account: Option<&str>,
) -> Result<AccountId, pinpace_engine::EngineError> {
    let pending = PendingConnect::begin(&w.env, &w.app.client_id, 0).await?;
    let mut url = pending.authorize_url.clone();
    if let Some(a) = sim_account {
        url.query_pairs_mut().append_pair("account", a);
    }
    let redirect = pending.redirect_uri.clone();
    let browser = tokio::spawn(async move { browse(&url).await });
    let code = pending.wait_for_code(Duration::from_secs(10)).await;
    let page = browser.await.unwrap();
    assert!(page.status().is_success());
    let connection = exchange(&w.client, &w.app, &code?, &redirect).await?;
    register(
        &mut w.store,
        tokens,
        &w.env,
        &w.app,
        connection,
        reconnect,
        now(),
    )
}

fn nothing_connected(w: &World, tokens: &VaultTokens) {
    assert!(
        w.store.accounts().unwrap().is_empty(),
        "an account was left"
    );
    assert!(tokens.tokens(AccountId(1)).is_none(), "tokens were left");
}

#[tokio::test]
async fn the_whole_flow_connects_syncs_boards_and_stores_tokens_only_in_the_vault() {
    let mut w = world(SimConfig::default()).await;
    let ana = w.sim.add_account("ana");
    for i in 0..260 {
        w.sim.add_board(&ana, &format!("Board {i:03}")).unwrap();
    }
    let first = w.sim.add_board(&ana, "Aaa recipes").unwrap();
    w.sim.add_section(&first.id, "Mains").unwrap();
    let vault = Arc::new(FileVault::open(&w.dir.path().join("secrets.json")).unwrap());
    let tokens = VaultTokens::new(vault.clone());
    let id = connect(&mut w, &tokens, None, None).await.unwrap();
    let account = w.store.account(id).unwrap();
    assert_eq!(account.username.as_deref(), Some("ana"));
    assert_eq!(account.status, AccountStatus::Active);
    let stored = tokens.tokens(id).unwrap();
    assert!(stored.refresh.is_some() && stored.expires_at.is_some());
    assert_eq!(
        tokens.app_credentials(id).unwrap().client_id,
        w.app.client_id
    );

    // Boards: more than one page of 250, with sections.
    let before = w
        .store
        .recent_requests(now() - TimeDelta::days(1))
        .unwrap()
        .len();
    let store = parking_lot::Mutex::new(std::mem::replace(
        &mut w.store,
        Store::open_in_memory().unwrap(),
    ));
    let gate = ReadGate::new(&store, Reads::Local, id, Patience::Interactive, now()).unwrap();
    let boards = fetch_boards(&w.client, &stored.access, &gate)
        .await
        .unwrap();
    drop(gate);
    w.store = store.into_inner();
    assert_eq!(boards.len(), 261);
    let logged = w.store.recent_requests(now() - TimeDelta::days(1)).unwrap();
    // Every page is logged; a page asked for again (a 429 the sim's limits give) adds a row.
    assert!(
        logged.len() - before >= 2 + 261,
        "every page of boards (2) and of sections (261) is in the request log: {}",
        logged.len() - before
    );
    w.store.replace_boards(id, &boards, now()).unwrap();
    let cached = w.store.boards(id).unwrap();
    assert_eq!(cached[0].name, "Aaa recipes");
    assert_eq!(cached[0].sections[0].name, "Mains");
    assert!(w.store.boards_synced_at(id).unwrap().is_some());

    // Connecting the same Pinterest account again reconnects it: no twin.
    let again = connect(&mut w, &tokens, None, None).await.unwrap();
    assert_eq!(again, id);
    assert_eq!(w.store.accounts().unwrap().len(), 1);
}

#[tokio::test]
async fn denied_consent_leaves_nothing() {
    let mut w = world(SimConfig {
        auto_approve: false,
        ..SimConfig::default()
    })
    .await;
    w.sim.add_account("ana");
    let tokens = VaultTokens::new(Arc::new(MemoryVault::default()));
    let pending = PendingConnect::begin(&w.env, &w.app.client_id, 0)
        .await
        .unwrap();
    let url = pending.authorize_url.clone();
    let browser = tokio::spawn(async move {
        // The consent page, then a click on Deny (its form posts the same fields back).
        let page = browse(&url).await.text().await.unwrap();
        assert!(page.contains("Deny"));
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("decision".into(), "deny".into()));
        let decision = url.join("/oauth/decision").unwrap();
        reqwest::Client::new()
            .post(decision)
            .form(&form)
            .send()
            .await
            .unwrap()
    });
    let err = pending
        .wait_for_code(Duration::from_secs(10))
        .await
        .unwrap_err();
    let shown = browser.await.unwrap().text().await.unwrap();
    assert_eq!(err.code, ErrorCode::ConsentDenied, "{}", err.message);
    assert!(shown.contains("denied"), "{shown}");
    nothing_connected(&w, &tokens);
    let _ = &mut w;
}

/// Issue 16 item 4: any local page can request the callback address. One with a forged state
/// gets a 400 and does not end the connect (before, it ended it with `state_mismatch`); the
/// browser's real answer, coming after it, still connects.
#[tokio::test]
async fn a_forged_state_is_refused_and_the_real_answer_still_counts() {
    let w = world(SimConfig::default()).await;
    let tokens = VaultTokens::new(Arc::new(MemoryVault::default()));
    let pending = PendingConnect::begin(&w.env, &w.app.client_id, 0)
        .await
        .unwrap();
    let state = pending
        .authorize_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("the consent URL carries a state");
    let answer = |code: &str, state: &str| {
        let mut url = pending.redirect_uri.clone();
        url.query_pairs_mut()
            .append_pair("code", code)
            .append_pair("state", state);
        url
    };
    let (forged, genuine) = (
        answer("pinc_stolen", "not-the-one"),
        answer("pinc_real", &state),
    );
    let waiting = tokio::spawn(pending.wait_for_code(Duration::from_secs(10)));
    let refused = browse(&forged).await;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("does not belong"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !waiting.is_finished(),
        "a forged answer must not end the connect"
    );
    assert_eq!(browse(&genuine).await.status(), 200);
    let code = waiting.await.unwrap().unwrap();
    assert_eq!(code.expose(), "pinc_real");
    nothing_connected(&w, &tokens);
}

#[tokio::test]
async fn no_answer_times_out_and_frees_the_port() {
    let w = world(SimConfig::default()).await;
    let pending = PendingConnect::begin(&w.env, &w.app.client_id, 0)
        .await
        .unwrap();
    let port = pending.redirect_uri.port().unwrap();
    let err = pending
        .wait_for_code(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::ConnectTimedOut);
    // The listener is gone: the same port can be taken again.
    let again = PendingConnect::begin(&w.env, &w.app.client_id, port).await;
    assert!(again.is_ok(), "the port stayed bound");
}

#[tokio::test]
async fn a_port_in_use_is_named_before_the_browser_opens() {
    let w = world(SimConfig::default()).await;
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = PendingConnect::begin(&w.env, &w.app.client_id, port)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code, ErrorCode::PortInUse);
    assert!(err.message.contains(&port.to_string()));
}

#[tokio::test]
async fn an_expired_code_or_a_wrong_secret_leaves_nothing() {
    let mut w = world(SimConfig {
        auth_code_ttl_secs: 0,
        ..SimConfig::default()
    })
    .await;
    w.sim.add_account("ana");
    let tokens = VaultTokens::new(Arc::new(MemoryVault::default()));
    let err = connect(&mut w, &tokens, None, None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CodeRejected, "{}", err.message);
    nothing_connected(&w, &tokens);

    let mut w = world(SimConfig::default()).await;
    w.sim.add_account("ana");
    w.app.client_secret = Secret::new("wrong");
    let err = connect(&mut w, &tokens, None, None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::CodeRejected, "{}", err.message);
    assert!(!err.message.contains("wrong"), "the secret was quoted");
    nothing_connected(&w, &tokens);
}

/// A full run: connect, publish, refresh (rotation), revoked refresh token (needs reconnect,
/// queue kept), reconnect with one click, publish the rest, disconnect. Then every file the
/// app wrote, and every event it emitted, is searched for the secrets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_rotate_a_revoked_account_reconnects_with_its_queue_and_no_secret_leaks() {
    let mut w = world(SimConfig::default()).await;
    let ana = w.sim.add_account("ana");
    let board = w.sim.add_board(&ana, "Board").unwrap();
    let vault = Arc::new(MemoryVault::default());
    let tokens = Arc::new(VaultTokens::new(vault.clone()));
    let id = connect(&mut w, &tokens, None, None).await.unwrap();
    let mut secrets = vec![w.app.client_secret.expose().to_string()];
    let remember = |secrets: &mut Vec<String>, t: &VaultTokens| {
        let set = t.tokens(id).unwrap();
        secrets.push(set.access.expose().to_string());
        secrets.extend(set.refresh.map(|r| r.expose().to_string()));
    };
    remember(&mut secrets, &tokens);

    let add = |store: &mut Store, title: &str| {
        let req = ComposeRequest {
            text: PinText {
                title: Some(title.into()),
                ..Default::default()
            },
            image_url: Some("https://example.com/a.jpg".into()),
            account_id: Some(id),
            boards: vec![BoardTarget {
                board_id: board.id.clone(),
                section_id: None,
            }],
            ..Default::default()
        };
        compose(store, &req, now()).unwrap();
    };
    add(&mut w.store, "first");
    // The access token dies: the engine refreshes and the rotated pair lands in the vault.
    w.sim.expire_access_tokens(&ana);
    // The engine takes the store; a spare stands in until it gives it back.
    let spare = tempfile::tempdir().unwrap();
    let store = std::mem::replace(&mut w.store, Store::open_in_dir(spare.path()).unwrap());
    let engine = Engine::spawn(
        store,
        Arc::new(SystemClock),
        tokens.clone(),
        EngineConfig::default(),
    );
    let mut events = engine.events().subscribe();
    let mut seen = Vec::new();
    let wait_for = |engine: &pinpace_engine::scheduler::EngineHandle, state: JobState, n: usize| {
        let done = engine.store().jobs_in_state(state).unwrap().len() >= n;
        done
    };
    for _ in 0..200 {
        if wait_for(&engine, JobState::Published, 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(wait_for(&engine, JobState::Published, 1));
    remember(&mut secrets, &tokens);
    assert_eq!(secrets.len(), 5, "the refresh rotated the pair");

    // Pinterest revokes the refresh token: the job waits as needs-reconnect, it does not fail.
    w.sim.revoke_refresh_tokens(&ana);
    w.sim.expire_access_tokens(&ana);
    add(&mut engine.store(), "second");
    engine.wake();
    for _ in 0..200 {
        if wait_for(&engine, JobState::NeedsReconnect, 1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(wait_for(&engine, JobState::NeedsReconnect, 1));
    assert_eq!(
        engine.store().account(id).unwrap().status,
        AccountStatus::NeedsReconnect
    );
    while let Ok(ev) = events.try_recv() {
        seen.push(serde_json::to_string(&ev).unwrap());
    }
    engine.stop().await;

    // One-click reconnect: same account id, the queued pin goes out.
    w.store = Store::open_in_dir(w.dir.path()).unwrap();
    let other = w.sim.add_account("bob");
    let err = connect(&mut w, &tokens, Some(id), Some(&other))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongAccount);
    assert_eq!(
        w.store
            .jobs_in_state(JobState::NeedsReconnect)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(connect(&mut w, &tokens, Some(id), None).await.unwrap(), id);
    remember(&mut secrets, &tokens);
    assert_eq!(w.store.jobs_in_state(JobState::Due).unwrap().len(), 1);

    // Disconnect, keeping the queue: the tokens leave the vault, the jobs wait.
    add(&mut w.store, "third");
    let summary = disconnect(&mut w.store, &tokens, id, QueuedJobs::Keep, now()).unwrap();
    assert_eq!(summary.kept, 2);
    assert!(tokens.tokens(id).is_none());
    assert_eq!(
        w.store.account(id).unwrap().status,
        AccountStatus::Disconnected
    );

    // The scan: the database (and its WAL), the events, the board cache.
    let mut haystack = Vec::new();
    for entry in std::fs::read_dir(w.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            haystack.extend(std::fs::read(&path).unwrap());
        }
    }
    let haystack = String::from_utf8_lossy(&haystack).to_string() + &seen.join("\n");
    for s in &secrets {
        assert!(s.len() > 8);
        assert!(!haystack.contains(s.as_str()), "a secret was written out");
    }
    assert!(
        !vault.keys().is_empty(),
        "the app's secret stays in the vault"
    );
}
