//! Rate limits over HTTP on a manual clock: exact header text, rolling windows, 429 with
//! Retry-After that consumes nothing, per-app limits shared by accounts, per-account overrides,
//! a limit lowered without notice, and the Retry-After compliance count.

use crate::support::sim::*;
use pinpace_engine::sim::{codes, LimitCategory, LimitSpec, Preset, Scope, SimConfig};

#[tokio::test]
async fn standard_headers_have_exact_text() {
    let e = env(SimConfig::default()).await; // standard preset
    let r = e.get(&e.token, "/boards").await;
    assert_eq!(
        header(&r, "x-ratelimit-limit").unwrap(),
        "100, 100;w=1, 1000;w=60"
    );
    assert_eq!(header(&r, "x-ratelimit-remaining").unwrap(), "99");
    assert_eq!(header(&r, "x-ratelimit-reset").unwrap(), "1");
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "a")).await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        header(&r, "x-ratelimit-limit").unwrap(),
        "100, 100;w=1, 100;w=60"
    );
    // universal 100/1s: 2 used -> 98 left; org_write 100/60s: 1 used -> 99 left.
    assert_eq!(header(&r, "x-ratelimit-remaining").unwrap(), "98");
    // After a second the universal window is empty again; org_write now leads (99 left, 59s).
    e.advance_secs(1);
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "b")).await;
    assert_eq!(
        header(&r, "x-ratelimit-limit").unwrap(),
        "100, 100;w=1, 100;w=60"
    );
    assert_eq!(header(&r, "x-ratelimit-remaining").unwrap(), "98");
    assert_eq!(header(&r, "x-ratelimit-reset").unwrap(), "59");
}

#[tokio::test]
async fn rolling_window_429_with_retry_after_consumes_nothing() {
    let cfg = SimConfig {
        preset: Preset::None,
        limits: vec![LimitSpec::new(Scope::User, LimitCategory::OrgWrite, 3, 60)],
        ..SimConfig::default()
    };
    let e = env(cfg).await;
    for i in 0..3 {
        let r = e
            .post_pin(&e.token, &pin_body(&e.board.id, &format!("{i}")))
            .await;
        assert_eq!(r.status(), 201);
        assert_eq!(
            header(&r, "x-ratelimit-remaining").unwrap(),
            (2 - i).to_string()
        );
        e.advance_secs(10);
    }
    // t=30: window holds t=0,10,20; next slot frees at t=60.
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "x")).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after").unwrap(), "30");
    assert_eq!(header(&r, "x-ratelimit-remaining").unwrap(), "0");
    assert_eq!(header(&r, "x-ratelimit-limit").unwrap(), "3, 3;w=60");
    assert_eq!(status_code(r).await, (429, codes::RATE_LIMITED));
    // A request arriving at the same instant was on its way already: refused, not early.
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "x")).await;
    assert_eq!(r.status(), 429);
    assert!(e.sim.stats().early_retries_by_account.is_empty());
    // Past the grace for requests already on their way when the 429 left.
    e.advance_secs(1);
    // Reads are another category.
    assert_eq!(e.get(&e.token, "/boards").await.status(), 200);
    // Hammering while limited: refused, not counted, and counted as early retries.
    for _ in 0..5 {
        assert_eq!(
            e.post_pin(&e.token, &pin_body(&e.board.id, "x"))
                .await
                .status(),
            429
        );
    }
    let stats = e.sim.stats();
    assert_eq!(stats.rate_limited, 7);
    assert_eq!(stats.early_retries_by_account[&e.account], 6); // 5 writes + 1 read
                                                               // Rolling: at t=60 exactly one slot is free (t=0 left), not three.
    e.advance_secs(29);
    assert_eq!(
        e.post_pin(&e.token, &pin_body(&e.board.id, "y"))
            .await
            .status(),
        201
    );
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "z")).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after").unwrap(), "10");
    // The other account has its own quota.
    assert_eq!(
        e.post_pin(&e.other_token, &pin_body(&e.other_board.id, "o"))
            .await
            .status(),
        201
    );
    assert_eq!(e.sim.created_pins().len(), 5);
}

#[tokio::test]
async fn trial_limits_are_per_app_and_shared() {
    let cfg = SimConfig {
        preset: Preset::Trial,
        ..SimConfig::default()
    };
    let e = env(cfg).await;
    let r = e.get(&e.token, "/boards").await;
    assert_eq!(
        header(&r, "x-ratelimit-limit").unwrap(),
        "1000, 1000;w=86400, 1000;w=86400"
    );
    assert_eq!(header(&r, "x-ratelimit-remaining").unwrap(), "999");
    assert_eq!(header(&r, "x-ratelimit-reset").unwrap(), "86400");
    e.sim.set_limits(vec![LimitSpec::new(
        Scope::App,
        LimitCategory::OrgWrite,
        2,
        86_400,
    )]);
    assert_eq!(
        e.post_pin(&e.token, &pin_body(&e.board.id, "a"))
            .await
            .status(),
        201
    );
    assert_eq!(
        e.post_pin(&e.other_token, &pin_body(&e.other_board.id, "b"))
            .await
            .status(),
        201
    );
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "c")).await;
    assert_eq!(r.status(), 429);
    assert_eq!(header(&r, "retry-after").unwrap(), "86400");
}

#[tokio::test]
async fn lowered_limit_takes_effect_without_notice() {
    let e = env(SimConfig::default()).await;
    for i in 0..3 {
        assert_eq!(
            e.post_pin(&e.token, &pin_body(&e.board.id, &i.to_string()))
                .await
                .status(),
            201
        );
    }
    assert!(e.sim.lower_limit("alice", LimitCategory::OrgWrite, 60, 3));
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "4th")).await;
    assert_eq!(r.status(), 429);
    assert_eq!(
        header(&r, "x-ratelimit-limit").unwrap(),
        "3, 100;w=1, 3;w=60"
    );
    assert_eq!(header(&r, "retry-after").unwrap(), "60");
    // Bob keeps the standard limits.
    let r = e
        .post_pin(&e.other_token, &pin_body(&e.other_board.id, "b"))
        .await;
    assert_eq!(
        header(&r, "x-ratelimit-limit").unwrap(),
        "100, 100;w=1, 100;w=60"
    );
    // Over the admin API too.
    let r = e
        .admin
        .post(format!("{}/accounts/bob/lower_limit", e.sim.admin_url()))
        .json(&serde_json::json!({"category": "org_write", "window_secs": 60, "limit": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        e.post_pin(&e.other_token, &pin_body(&e.other_board.id, "c"))
            .await
            .status(),
        429
    );
}
