//! Each fault kind over real HTTP, per account and per endpoint; the "created but the answer was
//! lost" case that the client must reconcile; seeded reproducibility; outages and restarts.

use std::time::Duration;

use crate::support::sim::*;
use pinpace_engine::pinterest::types::{Page, Pin};
use pinpace_engine::sim::{FaultKind, FaultRule};
use serde_json::Value;

#[tokio::test]
async fn server_error_and_drop_create_nothing() {
    let e = env(quiet()).await;
    e.sim.add_fault(
        FaultRule::always(FaultKind::ServerError { status: 502 })
            .on("POST /pins")
            .times(1),
    );
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "a")).await;
    assert_eq!(r.status(), 502);
    assert!(r.json::<Value>().await.unwrap()["message"].is_string());
    e.sim
        .add_fault(FaultRule::always(FaultKind::Drop).on("POST /pins").times(1));
    let err = e
        .http
        .post(e.url("/pins"))
        .bearer_auth(&e.token)
        .json(&pin_body(&e.board.id, "b"))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    assert!(e.sim.created_pins().is_empty());
    assert_eq!(
        e.post_pin(&e.token, &pin_body(&e.board.id, "c"))
            .await
            .status(),
        201
    );
    assert_eq!(e.sim.stats().count("POST /pins", 0), 1);
}

#[tokio::test]
async fn created_but_lost_leaves_a_pin_to_reconcile() {
    let e = env(quiet()).await;
    e.sim.add_fault(
        FaultRule::always(FaultKind::CreatedButLost)
            .for_account("alice")
            .on("POST /pins")
            .times(1),
    );
    let res = e
        .http
        .post(e.url("/pins"))
        .bearer_auth(&e.token)
        .json(&pin_body(&e.board.id, "lost"))
        .send()
        .await;
    assert!(res.is_err(), "no answer");
    let rec = e.sim.created_pins();
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].text.title.as_deref(), Some("lost"));
    let page: Page<Pin> = e
        .get(&e.token, &format!("/boards/{}/pins", e.board.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.items[0].id, rec[0].id);
}

#[tokio::test]
async fn malformed_burst_and_account_scoping() {
    let e = env(quiet()).await;
    e.sim.add_fault(
        FaultRule::always(FaultKind::Malformed)
            .on("GET /boards")
            .times(1),
    );
    let r = e.get(&e.token, "/boards").await;
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.is_err());
    e.sim.add_fault(
        FaultRule::always(FaultKind::Burst429)
            .for_account("bob")
            .times(3),
    );
    for _ in 0..3 {
        let r = e.get(&e.other_token, "/boards").await;
        assert_eq!(r.status(), 429);
        assert!(header(&r, "retry-after").is_none());
        assert!(header(&r, "x-ratelimit-limit").is_none());
        assert_eq!(
            e.get(&e.token, "/boards").await.status(),
            200,
            "alice unaffected"
        );
    }
    assert_eq!(e.get(&e.other_token, "/boards").await.status(), 200);
    assert_eq!(e.sim.stats().rate_limited_by_account[&e.other_account], 3);
}

#[tokio::test]
async fn spam_block_stays_until_cleared() {
    let e = env(quiet()).await;
    e.sim.add_fault(
        FaultRule::always(FaultKind::Spam)
            .for_account("alice")
            .on("POST /pins")
            .times(1),
    );
    for _ in 0..3 {
        let r = e.post_pin(&e.token, &pin_body(&e.board.id, "s")).await;
        assert_eq!(r.status(), 429);
        assert!(header(&r, "retry-after").is_none());
        let body: Value = r.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("spam"));
    }
    assert_eq!(
        e.get(&e.token, "/boards").await.status(),
        429,
        "whole account blocked"
    );
    e.sim.set_spam_block("alice", false);
    assert_eq!(
        e.post_pin(&e.token, &pin_body(&e.board.id, "s"))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn timeout_holds_the_answer_after_doing_the_work() {
    let e = env(quiet()).await;
    e.sim.add_fault(
        FaultRule::always(FaultKind::Timeout { hold_ms: 60_000 })
            .on("POST /pins")
            .times(1),
    );
    let err = e
        .http
        .post(e.url("/pins"))
        .bearer_auth(&e.token)
        .timeout(Duration::from_millis(300))
        .json(&pin_body(&e.board.id, "slow"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(e.sim.created_pins().len(), 1);
}

#[tokio::test]
async fn slow_answers_wait_for_clock_time() {
    let e = env(quiet()).await;
    e.sim
        .add_fault(FaultRule::always(FaultKind::Slow { delay_ms: 5_000 }).on("GET /boards"));
    let http = e.http.clone();
    let (url, token) = (e.url("/boards"), e.token.clone());
    let req = tokio::spawn(async move {
        http.get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!req.is_finished());
    e.advance_secs(5);
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), req)
            .await
            .unwrap()
            .unwrap(),
        200
    );
}

#[tokio::test]
async fn same_seed_same_faults() {
    async fn run() -> Vec<u16> {
        let e = env(quiet()).await;
        e.sim.add_fault(
            FaultRule::always(FaultKind::ServerError { status: 500 }).with_probability(0.4),
        );
        let mut out = vec![];
        for _ in 0..30 {
            out.push(e.get(&e.token, "/boards").await.status().as_u16());
        }
        out
    }
    let a = run().await;
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
    assert_eq!(a, run().await);
}

#[tokio::test]
async fn outage_refuses_connections_then_restarts_with_data() {
    let e = env(quiet()).await;
    assert_eq!(
        e.post_pin(&e.token, &pin_body(&e.board.id, "before"))
            .await
            .status(),
        201
    );
    e.sim.stop().await;
    let err = e
        .http
        .get(e.url("/boards"))
        .bearer_auth(&e.token)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    e.sim.restart().await.unwrap();
    let page: Page<Pin> = e
        .get(&e.token, &format!("/boards/{}/pins", e.board.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);

    // The same over the admin API, timed by the clock.
    let r = e
        .admin
        .post(format!("{}/outage", e.sim.admin_url()))
        .json(&serde_json::json!({"secs": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let mut down = false;
    for _ in 0..50 {
        if !e.sim.is_running().await {
            down = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(down);
    assert!(e.http.get(e.url("/boards")).send().await.is_err());
    tokio::time::sleep(Duration::from_millis(20)).await;
    e.advance_secs(30);
    let mut up = false;
    for _ in 0..50 {
        if e.sim.is_running().await {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(up);
    assert_eq!(e.get(&e.token, "/boards").await.status(), 200);
}
