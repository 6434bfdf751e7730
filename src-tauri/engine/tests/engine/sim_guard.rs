//! Who may talk to the simulator (issue 16 item 7; `sim::guard`): a web page's blind POST, a
//! DNS-rebinding page's reads, and callers without this start's admin key are refused with
//! 401/403 and `{code, message}`, and change nothing; the same calls with the key from loopback
//! work. "Changed nothing" is read off the simulator: the spam block is not applied (a pin still
//! goes out) and no token was issued.

use crate::support::sim::*;
use pinpace_engine::sim::codes;
use reqwest::header::{HOST, ORIGIN};

async fn spam_block(req: reqwest::RequestBuilder) -> (u16, i64) {
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    if status == 204 {
        return (204, 0);
    }
    status_code(r).await
}

/// A pin still goes out for alice: she is not spam-blocked.
async fn not_blocked(e: &Env, title: &str) {
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, title)).await;
    assert_eq!(r.status(), 201, "alice was blocked by a refused call");
}

#[tokio::test]
async fn admin_calls_without_the_right_key_are_refused_and_change_nothing() {
    let e = env(quiet()).await;
    let block = format!("{}/accounts/alice/spam_block", e.sim.admin_url());
    let secrets = e.sim.issued_secrets().len();

    let no_key = spam_block(e.http.post(&block)).await;
    assert_eq!(no_key, (401, codes::ADMIN_KEY_MISSING));
    let wrong = spam_block(e.http.post(&block).header("x-sim-key", "not-the-key")).await;
    assert_eq!(wrong, (401, codes::ADMIN_KEY_WRONG));
    // The key of another start is a wrong key too.
    let other = e.sim.admin_key()[..42].to_string() + "x";
    let wrong = spam_block(e.http.post(&block).header("x-sim-key", other)).await;
    assert_eq!(wrong, (401, codes::ADMIN_KEY_WRONG));
    let r = e
        .http
        .post(format!("{}/tokens", e.sim.admin_url()))
        .json(&serde_json::json!({"account": "alice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (401, codes::ADMIN_KEY_MISSING));
    assert_eq!(e.sim.issued_secrets().len(), secrets, "a token was issued");
    not_blocked(&e, "after keyless calls").await;

    assert_eq!(spam_block(e.admin.post(&block)).await, (204, 0));
    let r = e
        .post_pin(&e.token, &pin_body(&e.board.id, "blocked"))
        .await;
    assert_eq!(r.status(), 429, "the keyed call applies the block");
}

#[tokio::test]
async fn a_web_page_origin_is_refused_even_with_the_key() {
    let e = env(quiet()).await;
    let port = e.sim.port();
    let block = format!("{}/accounts/alice/spam_block", e.sim.admin_url());
    for origin in [
        "https://evil.example".to_string(),
        "null".to_string(),
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
        format!("http://evil.example:{port}"),
    ] {
        let got = spam_block(e.admin.post(&block).header(ORIGIN, &origin)).await;
        assert_eq!(got, (403, codes::FOREIGN_ORIGIN), "Origin {origin}");
    }
    not_blocked(&e, "after foreign origins").await;
    // Its own origin (a page the simulator served, or a tool that sends one) is fine.
    let own = format!("http://localhost:{port}");
    assert_eq!(
        spam_block(e.admin.post(&block).header(ORIGIN, own)).await,
        (204, 0)
    );
}

#[tokio::test]
async fn a_rebinding_host_is_refused_on_every_route() {
    let e = env(quiet()).await;
    let port = e.sim.port();
    let evil = format!("evil.example:{port}");
    let secrets = e.sim.issued_secrets().len();

    let r = e
        .admin
        .post(format!("{}/tokens", e.sim.admin_url()))
        .header(HOST, &evil)
        .json(&serde_json::json!({"account": "alice"}))
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (403, codes::FOREIGN_HOST));
    assert_eq!(e.sim.issued_secrets().len(), secrets, "a token was issued");
    let block = format!("{}/accounts/alice/spam_block", e.sim.admin_url());
    let got = spam_block(e.admin.post(&block).header(HOST, &evil)).await;
    assert_eq!(got, (403, codes::FOREIGN_HOST));
    not_blocked(&e, "after a rebinding host").await;

    let pins_before = e.sim.created_pins().len();
    let paths = [
        e.url("/user_account"),
        e.url("/pins"),
        format!("{}?client_id=x", e.sim.authorize_url()),
        format!("http://127.0.0.1:{port}/nowhere"),
    ];
    for url in &paths {
        let r = e
            .http
            .get(url)
            .bearer_auth(&e.token)
            .header(HOST, &evil)
            .send()
            .await
            .unwrap();
        assert_eq!(status_code(r).await, (403, codes::FOREIGN_HOST), "{url}");
    }
    let r = e
        .http
        .post(e.url("/pins"))
        .bearer_auth(&e.token)
        .header(HOST, &evil)
        .json(&pin_body(&e.board.id, "rebound"))
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (403, codes::FOREIGN_HOST));
    assert_eq!(
        e.sim.created_pins().len(),
        pins_before,
        "a rebound pin went out"
    );
    assert!(
        !e.sim.stats().by_endpoint.contains_key("GET /user_account"),
        "refused requests are not counted"
    );

    // Every loopback name of this server works, on the API as on the admin routes.
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        let r = e
            .http
            .get(e.url("/user_account"))
            .bearer_auth(&e.token)
            .header(HOST, &host)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "Host {host}");
        let r = e
            .admin
            .get(format!("{}/health", e.sim.admin_url()))
            .header(HOST, &host)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "Host {host}");
    }
}

#[tokio::test]
async fn the_admin_key_is_fresh_at_each_start_unless_the_config_names_one() {
    let a = env(quiet()).await;
    let b = env(quiet()).await;
    assert_ne!(a.sim.admin_key(), b.sim.admin_key());
    let named = env(pinpace_engine::sim::SimConfig {
        admin_key: Some("script-chosen-key".into()),
        ..quiet()
    })
    .await;
    assert_eq!(named.sim.admin_key(), "script-chosen-key");
    let r = named
        .http
        .get(format!("{}/stats", named.sim.admin_url()))
        .header("x-sim-key", "script-chosen-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let clock = std::sync::Arc::new(pinpace_engine::clock::SystemClock);
    let empty = pinpace_engine::sim::Simulator::start(
        pinpace_engine::sim::SimConfig {
            admin_key: Some(String::new()),
            ..quiet()
        },
        clock,
    )
    .await;
    assert_eq!(
        empty.err().map(|e| e.kind()),
        Some(std::io::ErrorKind::InvalidInput)
    );
}
