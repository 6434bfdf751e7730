//! The simulator's quirks over real loopback HTTP on a manual clock: a board listing that lags
//! behind creation, a server clock that is ahead or behind (in `created_at` and `Date`, never in
//! the limiter), rate-limit times as dates and epochs, oldest-first listings paged by bookmark,
//! per-account overrides, and the admin and config ways of setting them.

use std::time::SystemTime;

use crate::support::sim::*;
use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::clock::Clock;
use pinpace_engine::pinterest::types::{Page, Pin};
use pinpace_engine::sim::{
    FaultKind, FaultRule, LimitCategory, LimitSpec, ListingOrder, Preset, Quirks, Scope, SimConfig,
};
use serde_json::json;

fn date_of(r: &reqwest::Response) -> DateTime<Utc> {
    let text = header(r, "date").expect("a Date header");
    DateTime::<Utc>::from(httpdate::parse_http_date(&text).expect("an HTTP-date"))
}

fn http_date(t: DateTime<Utc>) -> String {
    httpdate::fmt_http_date(SystemTime::from(t))
}

fn offset(secs: i64) -> Quirks {
    Quirks {
        clock_offset_secs: secs,
        ..Quirks::default()
    }
}

async fn listed(e: &Env, token: &str, board_id: &str) -> Vec<String> {
    let page: Page<Pin> = e
        .get(token, &format!("/boards/{board_id}/pins?page_size=250"))
        .await
        .json()
        .await
        .unwrap();
    page.items.into_iter().map(|p| p.id).collect()
}

/// Alice posts a pin on her board.
async fn post(e: &Env, title: &str) -> reqwest::Response {
    e.post_pin(&e.token, &pin_body(&e.board.id, title)).await
}

/// The `Date` of a `GET /boards` with `token`.
async fn server_date(e: &Env, token: &str) -> DateTime<Utc> {
    date_of(&e.get(token, "/boards").await)
}

async fn delete_pin(e: &Env, token: &str, id: &str) {
    let r = e.http.delete(e.url(&format!("/pins/{id}")));
    assert_eq!(r.bearer_auth(token).send().await.unwrap().status(), 204);
}

fn once_on_alice(kind: FaultKind) -> FaultRule {
    FaultRule::always(kind)
        .for_account("alice")
        .on("POST /pins")
        .times(1)
}

/// Alice posts a pin and gets no answer (a dropped connection).
async fn post_unanswered(e: &Env, title: &str) {
    let r = e.http.post(e.url("/pins")).bearer_auth(&e.token);
    let res = r.json(&pin_body(&e.board.id, title)).send().await;
    assert!(res.is_err(), "no answer");
}

async fn create(e: &Env, token: &str, board_id: &str, title: &str) -> Pin {
    let r = e.post_pin(token, &pin_body(board_id, title)).await;
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

/// Every id of a board listing, walked page by page with bookmarks; `between` runs after the
/// first page.
async fn walk(e: &Env, token: &str, board_id: &str, between: impl AsyncFnOnce()) -> Vec<String> {
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    let mut between = Some(between);
    loop {
        let path = match &bookmark {
            Some(b) => format!("/boards/{board_id}/pins?page_size=3&bookmark={b}"),
            None => format!("/boards/{board_id}/pins?page_size=3"),
        };
        let page: Page<Pin> = e.get(token, &path).await.json().await.unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items.into_iter().map(|p| p.id));
        if let Some(f) = between.take() {
            f().await;
        }
        match page.bookmark {
            Some(b) => bookmark = Some(b),
            None => return seen,
        }
    }
}

#[tokio::test]
async fn listing_delay_hides_a_new_pin_from_the_board_listing_only() {
    let e = env(quiet()).await;
    let before = create(&e, &e.token, &e.board.id, "before").await;
    e.sim.set_account_quirks(
        "alice",
        Quirks {
            listing_delay_ms: 5_000,
            ..Quirks::default()
        },
    );
    let pin = create(&e, &e.token, &e.board.id, "lagging").await;
    // Fetched by id at once; not in the listing, where the older pin still is.
    let got = e.get(&e.token, &format!("/pins/{}", pin.id)).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.json::<Pin>().await.unwrap().id, pin.id);
    assert_eq!(
        listed(&e, &e.token, &e.board.id).await,
        vec![before.id.clone()]
    );
    e.clock.advance(TimeDelta::milliseconds(4_999));
    assert_eq!(
        listed(&e, &e.token, &e.board.id).await,
        vec![before.id.clone()]
    );
    e.clock.advance(TimeDelta::milliseconds(1));
    assert_eq!(
        listed(&e, &e.token, &e.board.id).await,
        vec![pin.id.clone(), before.id.clone()]
    );
    // Bob has no delay.
    let bobs = create(&e, &e.other_token, &e.other_board.id, "bob").await;
    assert_eq!(
        listed(&e, &e.other_token, &e.other_board.id).await,
        vec![bobs.id]
    );
    // A pin whose answer was lost is just as late in the listing (the reconcile case).
    e.sim.add_fault(once_on_alice(FaultKind::CreatedButLost));
    post_unanswered(&e, "lost").await;
    let lost = e.sim.created_pins().last().unwrap().clone();
    assert_eq!(lost.text.title.as_deref(), Some("lost"));
    assert_eq!(lost.listed_at - lost.created_at, TimeDelta::seconds(5));
    assert!(!listed(&e, &e.token, &e.board.id).await.contains(&lost.id));
    assert_eq!(
        e.get(&e.token, &format!("/pins/{}", lost.id))
            .await
            .status(),
        200
    );
    e.advance_secs(5);
    assert_eq!(listed(&e, &e.token, &e.board.id).await[0], lost.id);
    // A dropped request creates nothing, delay or not.
    e.sim.add_fault(once_on_alice(FaultKind::Drop));
    let n = e.sim.created_pins().len();
    post_unanswered(&e, "dropped").await;
    assert_eq!(e.sim.created_pins().len(), n);
}

#[tokio::test]
async fn clock_offset_shows_in_created_at_and_date_ahead_and_behind() {
    for secs in [3_600, -5_400] {
        let e = env(quiet()).await;
        e.advance_secs(17);
        e.sim.set_account_quirks("alice", offset(secs));
        let now = e.clock.now();
        let server = now + TimeDelta::seconds(secs);
        let r = post(&e, "skewed").await;
        assert_eq!(r.status(), 201);
        assert_eq!(date_of(&r), server, "offset {secs}");
        let pin: Pin = r.json().await.unwrap();
        let written = server.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert_eq!(pin.created_at.as_deref(), Some(written.as_str()));
        // The same in GET and in the listing; the record keeps the true instant too.
        let got: Pin = e
            .get(&e.token, &format!("/pins/{}", pin.id))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(got.created_at.as_deref(), Some(written.as_str()));
        let page: Page<Pin> = e
            .get(&e.token, &format!("/boards/{}/pins", e.board.id))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page.items[0].created_at.as_deref(), Some(written.as_str()));
        let rec = &e.sim.created_pins()[0];
        assert_eq!((rec.created_at, rec.server_created_at), (now, server));
        // Errors carry the server's Date too: a 404, and a 401 for an expired token.
        e.advance_secs(1);
        let r = e.get(&e.token, "/pins/1").await;
        assert_eq!(r.status(), 404);
        assert_eq!(date_of(&r), server + TimeDelta::seconds(1));
        e.sim.expire_access_tokens("alice");
        let r = e.get(&e.token, "/boards").await;
        assert_eq!(r.status(), 401);
        assert_eq!(date_of(&r), server + TimeDelta::seconds(1));
        // Bob's server clock is the true one; so is an unknown token's.
        let r = e.get(&e.other_token, "/boards").await;
        assert_eq!(date_of(&r), now + TimeDelta::seconds(1));
        let r = e.get("pina_unknown", "/boards").await;
        assert_eq!(date_of(&r), now + TimeDelta::seconds(1));
    }
}

#[tokio::test]
async fn offset_is_not_in_the_limiter_retry_after_ends_at_the_true_time() {
    for secs in [3_600, -3_600] {
        let e = env(SimConfig {
            preset: Preset::None,
            limits: vec![LimitSpec::new(Scope::User, LimitCategory::OrgWrite, 1, 60)],
            ..SimConfig::default()
        })
        .await;
        e.sim.set_account_quirks("alice", offset(secs));
        let start = e.clock.now();
        let r = post(&e, "a").await;
        assert_eq!(r.status(), 201);
        assert_eq!(header(&r, "x-ratelimit-reset").as_deref(), Some("60"));
        e.advance_secs(10);
        let r = post(&e, "b").await;
        assert_eq!(r.status(), 429);
        assert_eq!(header(&r, "retry-after").as_deref(), Some("50"));
        assert_eq!(
            date_of(&r),
            start + TimeDelta::seconds(10 + secs),
            "429s carry the server's Date"
        );
        // The server's clock jumps by another offset's worth: the wait is unmoved. One second
        // short of the true end, still refused, and an early retry.
        e.sim.set_account_quirks("alice", offset(secs * 2));
        e.advance_secs(49);
        let r = post(&e, "c").await;
        assert_eq!(r.status(), 429);
        assert_eq!(header(&r, "retry-after").as_deref(), Some("1"));
        assert_eq!(e.sim.stats().early_retries_by_account[&e.account], 1);
        e.advance_secs(1);
        assert_eq!(post(&e, "d").await.status(), 201);
        assert_eq!(e.sim.stats().early_retries_by_account[&e.account], 1);
    }
}

#[tokio::test]
async fn absolute_rate_times_are_a_date_and_an_epoch_in_the_server_clock() {
    let e = env(SimConfig {
        preset: Preset::None,
        limits: vec![LimitSpec::new(Scope::User, LimitCategory::OrgWrite, 2, 60)],
        ..SimConfig::default()
    })
    .await;
    e.sim.set_account_quirks(
        "alice",
        Quirks {
            clock_offset_secs: 120,
            absolute_rate_times: true,
            ..Quirks::default()
        },
    );
    // Half a second past a whole second, so rounding shows.
    e.clock.advance(TimeDelta::milliseconds(500));
    let t0 = e.clock.now();
    let r = post(&e, "a").await;
    assert_eq!(r.status(), 201);
    // Window frees at t0 + 60 true, t0 + 180 server: rounded up to the next second.
    let reset_epoch = (t0 + TimeDelta::milliseconds(180_500)).timestamp();
    assert_eq!(reset_epoch, t0.timestamp() + 181);
    assert_eq!(
        header(&r, "x-ratelimit-reset"),
        Some(reset_epoch.to_string())
    );
    assert_eq!(r.status(), 201);
    e.advance_secs(20);
    assert_eq!(post(&e, "b").await.status(), 201);
    e.advance_secs(5);
    let r = post(&e, "c").await;
    assert_eq!(r.status(), 429);
    // True wait: 35 s from t0 + 25, i.e. to t0 + 60; as a server-clock date, rounded up.
    let retry = header(&r, "retry-after").unwrap();
    let server_end = DateTime::<Utc>::from_timestamp(t0.timestamp() + 181, 0).unwrap();
    assert_eq!(retry, http_date(server_end));
    assert_eq!(
        header(&r, "x-ratelimit-reset"),
        Some(server_end.timestamp().to_string())
    );
    assert_eq!(
        date_of(&r),
        t0 + TimeDelta::seconds(25 + 120) - TimeDelta::milliseconds(500)
    );
    // Read in the server's clock, the date never ends before the true wait does.
    let true_end = server_end - TimeDelta::seconds(120);
    assert!(true_end >= t0 + TimeDelta::seconds(60));
    // Waiting until then is compliant and admitted.
    e.clock.set(true_end);
    assert_eq!(post(&e, "d").await.status(), 201);
    assert!(e.sim.stats().early_retries_by_account.is_empty());
    // Bob keeps delta-seconds.
    let r = e
        .post_pin(&e.other_token, &pin_body(&e.other_board.id, "b1"))
        .await;
    assert_eq!(header(&r, "x-ratelimit-reset").as_deref(), Some("60"));
}

#[tokio::test]
async fn oldest_first_pages_correctly_across_bookmarks() {
    let e = env(quiet()).await;
    e.sim.set_account_quirks(
        "alice",
        Quirks {
            listing_order: ListingOrder::OldestFirst,
            ..Quirks::default()
        },
    );
    let mut alice = Vec::new();
    let mut bob = Vec::new();
    for i in 0..10 {
        alice.push(create(&e, &e.token, &e.board.id, &format!("a{i}")).await.id);
        bob.push(
            create(&e, &e.other_token, &e.other_board.id, &format!("b{i}"))
                .await
                .id,
        );
        e.advance_secs(1);
    }
    assert_eq!(walk(&e, &e.token, &e.board.id, async || {}).await, alice);
    // Between pages, the pin the bookmark names is deleted and a new one is created: the walk
    // goes on from where it was, and the new pin comes last.
    let mut added = None;
    let seen = walk(&e, &e.token, &e.board.id, async || {
        delete_pin(&e, &e.token, &alice[2]).await;
        added = Some(create(&e, &e.token, &e.board.id, "late").await.id);
    })
    .await;
    let mut expected = alice.clone();
    expected.push(added.unwrap());
    assert_eq!(seen, expected);
    // Bob lists newest first, and the same walk works there.
    let mut newest: Vec<String> = bob.iter().rev().cloned().collect();
    let seen = walk(&e, &e.other_token, &e.other_board.id, async || {
        delete_pin(&e, &e.other_token, &newest[2]).await;
    })
    .await;
    assert_eq!(seen, newest);
    newest.remove(2);
    assert_eq!(listed(&e, &e.other_token, &e.other_board.id).await, newest);
}

#[tokio::test]
async fn per_account_overrides_replace_the_default_for_that_account_only() {
    let e = env(quiet()).await;
    let now = e.clock.now();
    e.sim.set_quirks(offset(600));
    e.sim.set_account_quirks(
        &e.account, // by id this time
        Quirks {
            clock_offset_secs: -30,
            listing_order: ListingOrder::OldestFirst,
            ..Quirks::default()
        },
    );
    assert!(!e.sim.set_account_quirks("nobody", offset(1)));
    let a1 = create(&e, &e.token, &e.board.id, "a1").await;
    let a2 = create(&e, &e.token, &e.board.id, "a2").await;
    let b1 = create(&e, &e.other_token, &e.other_board.id, "b1").await;
    let b2 = create(&e, &e.other_token, &e.other_board.id, "b2").await;
    assert_eq!(listed(&e, &e.token, &e.board.id).await, vec![a1.id, a2.id]);
    assert_eq!(
        listed(&e, &e.other_token, &e.other_board.id).await,
        vec![b2.id, b1.id]
    );
    assert_eq!(
        server_date(&e, &e.token).await,
        now - TimeDelta::seconds(30)
    );
    assert_eq!(
        server_date(&e, &e.other_token).await,
        now + TimeDelta::seconds(600)
    );
    assert_eq!(e.sim.quirks_for("bob"), Some(offset(600)));
    // Dropping the override puts alice back on the default.
    assert!(e.sim.clear_account_quirks("alice"));
    assert_eq!(
        server_date(&e, &e.token).await,
        now + TimeDelta::seconds(600)
    );
}

#[tokio::test]
async fn admin_endpoints_set_the_default_and_one_account() {
    let e = env(quiet()).await;
    let admin = e.sim.admin_url();
    let now = e.clock.now();
    let put = |path: String, body: serde_json::Value| e.admin.put(path).json(&body).send();
    let r = put(format!("{admin}/quirks"), json!({"clock_offset_secs": 42}))
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = put(
        format!("{admin}/accounts/alice/quirks"),
        json!({"listing_delay_ms": 1000, "listing_order": "oldest_first"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    let r = put(format!("{admin}/accounts/nobody/quirks"), json!({}))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = put(format!("{admin}/quirks"), json!({"listing_delay": 5}))
        .await
        .unwrap();
    assert!(
        r.status().is_client_error(),
        "unknown field: {}",
        r.status()
    );
    let got: serde_json::Value = e
        .admin
        .get(format!("{admin}/accounts/alice/quirks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        got,
        json!({"listing_delay_ms": 1000, "clock_offset_secs": 0,
               "absolute_rate_times": false, "listing_order": "oldest_first",
               "bookmarks": "honest"})
    );
    // Bob follows the default; alice's override replaced it as a whole.
    assert_eq!(
        server_date(&e, &e.other_token).await,
        now + TimeDelta::seconds(42)
    );
    assert_eq!(server_date(&e, &e.token).await, now);
    let a1 = create(&e, &e.token, &e.board.id, "a1").await;
    assert!(listed(&e, &e.token, &e.board.id).await.is_empty());
    e.advance_secs(1);
    let a2 = create(&e, &e.token, &e.board.id, "a2").await;
    e.advance_secs(1);
    assert_eq!(listed(&e, &e.token, &e.board.id).await, vec![a1.id, a2.id]);
    let r = e
        .admin
        .delete(format!("{admin}/accounts/alice/quirks"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        server_date(&e, &e.token).await,
        now + TimeDelta::seconds(44)
    );
    let got: Quirks = e
        .admin
        .get(format!("{admin}/quirks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, offset(42));
}

#[tokio::test]
async fn config_file_sets_quirks_by_username_before_the_account_exists() {
    let empty: SimConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(empty.quirks, Quirks::default());
    assert!(empty.account_quirks.is_empty());
    let cfg: SimConfig = serde_json::from_value(json!({
        "preset": "none",
        "quirks": {"clock_offset_secs": 5},
        "account_quirks": [{"account": "alice", "clock_offset_secs": -60}]
    }))
    .unwrap();
    let e = env(cfg).await; // alice and bob are created after the start
    let now = e.clock.now();
    assert_eq!(
        server_date(&e, &e.token).await,
        now - TimeDelta::seconds(60)
    );
    assert_eq!(
        server_date(&e, &e.other_token).await,
        now + TimeDelta::seconds(5)
    );
    // The token endpoint writes its Date in the clock of the account it answers for.
    let (id, secret) = e.sim.client_credentials();
    let refresh = e.sim.issue_tokens("alice").unwrap().refresh_token.unwrap();
    let r = e
        .http
        .post(e.url("/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(date_of(&r), now - TimeDelta::seconds(60));
    let r = e
        .http
        .post(e.url("/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(date_of(&r), now + TimeDelta::seconds(5));
}
