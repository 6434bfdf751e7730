//! The simulator against Pinterest's OpenAPI spec: error bodies for 400, 401, 403, 404 and 5xx on
//! every endpoint, and 429s from the rate limits (with their headers) and from the faults (see
//! `support/spec_answer.rs` for what is checked).

use crate::support::spec_answer;

use crate::support::sim::pin_body;
use pinpace_engine::sim::{codes, FaultKind, FaultRule, LimitCategory, LimitSpec, Scope};
use reqwest::Method;
use serde_json::{json, Value};
use spec_answer::*;

#[tokio::test]
async fn error_bodies_match_the_spec_for_each_status() {
    let e = standard().await;
    let made = post(&e, "/pins", &pin_body(&e.board.id, "mine")).await;
    let pin_id = made.conforms_counted()["id"].as_str().unwrap().to_string();

    // 400: validation of a pin, of paging parameters, of a media registration.
    let mut long = pin_body(&e.board.id, "t");
    long["title"] = json!("x".repeat(101));
    post(&e, "/pins", &long)
        .await
        .error(400, codes::INVALID_PARAMETERS);
    post(&e, "/pins", &pin_body("Recipes", "by name"))
        .await
        .error(400, codes::INVALID_PARAMETERS);
    post(&e, "/pins", &json!({"board_id": e.board.id}))
        .await
        .error(400, codes::INVALID_PARAMETERS);
    get(&e, "/boards?page_size=0")
        .await
        .error(400, codes::INVALID_PARAMETERS);
    get(&e, &format!("/boards/{}/pins?bookmark=%21%21", e.board.id))
        .await
        .error(400, codes::INVALID_PARAMETERS);
    get(
        &e,
        &format!("/boards/{}/sections?page_size=251", e.board.id),
    )
    .await
    .error(400, codes::INVALID_PARAMETERS);
    post(&e, "/media", &json!({"media_type": "image"}))
        .await
        .error(400, codes::INVALID_PARAMETERS);

    // 401 on every endpoint: an unknown token, and no token at all. Nothing is counted.
    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/user_account".into(), None),
        (Method::GET, "/boards".into(), None),
        (
            Method::GET,
            format!("/boards/{}/sections", e.board.id),
            None,
        ),
        (Method::GET, format!("/boards/{}/pins", e.board.id), None),
        (
            Method::POST,
            "/pins".into(),
            Some(pin_body(&e.board.id, "x")),
        ),
        (Method::GET, format!("/pins/{pin_id}"), None),
        (Method::DELETE, format!("/pins/{pin_id}"), None),
        (
            Method::POST,
            "/media".into(),
            Some(json!({"media_type": "video"})),
        ),
        (Method::GET, "/media/1".into(), None),
    ];
    for (method, path, body) in &endpoints {
        for token in [Some("pina_not-a-token"), None] {
            let r = send(&e, method.clone(), path, token, body.as_ref()).await;
            assert_eq!(r.status, 401, "{}", r.what());
            assert_eq!(r.conforms()["code"], codes::AUTHENTICATION_FAILED);
        }
    }

    // 403: another account's board.
    get(&e, &format!("/boards/{}/pins", e.other_board.id))
        .await
        .error(403, codes::NOT_AUTHORIZED);
    get(&e, &format!("/boards/{}/sections", e.other_board.id))
        .await
        .error(403, codes::NOT_AUTHORIZED);
    post(&e, "/pins", &pin_body(&e.other_board.id, "theirs"))
        .await
        .error(403, codes::NOT_AUTHORIZED);

    // 404: unknown pins, media, boards; another account's pin is unknown to this one.
    get(&e, "/pins/999999")
        .await
        .error(404, codes::PIN_NOT_FOUND);
    send(&e, Method::DELETE, "/pins/999999", Some(&e.token), None)
        .await
        .error(404, codes::PIN_NOT_FOUND);
    send(
        &e,
        Method::GET,
        &format!("/pins/{pin_id}"),
        Some(&e.other_token),
        None,
    )
    .await
    .error(404, codes::PIN_NOT_FOUND);
    get(&e, "/media/999999")
        .await
        .error(404, codes::MEDIA_NOT_FOUND);
    get(&e, "/boards/999999/pins")
        .await
        .error(404, codes::BOARD_NOT_FOUND);
    get(&e, "/boards/999999/sections")
        .await
        .error(404, codes::BOARD_NOT_FOUND);
    post(&e, "/pins", &pin_body("999999", "nowhere"))
        .await
        .error(404, codes::BOARD_NOT_FOUND);

    // 403 code 29: a trial app creating a pin in production.
    e.sim.set_trial_production(true);
    post(&e, "/pins", &pin_body(&e.board.id, "trial"))
        .await
        .error(403, codes::TRIAL_ACCESS);
    e.sim.set_trial_production(false);

    // A 5xx outage answers with the operation's default (error) schema.
    e.sim.add_fault(
        FaultRule::always(FaultKind::ServerError { status: 503 })
            .on("GET /boards")
            .times(1),
    );
    let r = get(&e, "/boards").await;
    assert_eq!(r.status, 503, "{}", r.what());
    assert_eq!(r.conforms()["code"], codes::SERVER_ERROR);
}

#[tokio::test]
async fn rate_limited_answers_match_the_spec() {
    let e = standard().await;
    e.sim.set_limits(vec![
        LimitSpec::new(Scope::User, LimitCategory::OrgRead, 2, 60),
        LimitSpec::new(Scope::User, LimitCategory::OrgWrite, 1, 60),
    ]);
    // Reads: two allowed (counted, with headers), the third limited.
    for _ in 0..2 {
        assert_eq!(
            get(&e, "/boards").await.conforms_counted()["items"][0]["id"],
            json!(e.board.id)
        );
    }
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    r.error(429, codes::RATE_LIMITED);
    assert_eq!(header_of(&r, "x-ratelimit-remaining"), "0");
    let retry: u64 = header_of(&r, "retry-after").parse().unwrap();
    assert!(retry >= 1);
    // Writes: one pin, then 429 on POST /pins, DELETE /pins and POST /media alike.
    let made = post(&e, "/pins", &pin_body(&e.board.id, "one")).await;
    let id = made.conforms_counted()["id"].as_str().unwrap().to_string();
    post(&e, "/pins", &pin_body(&e.board.id, "two"))
        .await
        .error(429, codes::RATE_LIMITED);
    send(
        &e,
        Method::DELETE,
        &format!("/pins/{id}"),
        Some(&e.token),
        None,
    )
    .await
    .error(429, codes::RATE_LIMITED);
    post(&e, "/media", &json!({"media_type": "video"}))
        .await
        .error(429, codes::RATE_LIMITED);

    // The faults' 429s (a headerless burst, a spam block) still carry Pinterest's error body.
    e.sim.set_limits(vec![]);
    e.sim.add_fault(
        FaultRule::always(FaultKind::Burst429)
            .on("GET /user_account")
            .times(1),
    );
    let r = get(&e, "/user_account").await;
    assert_eq!(r.status, 429, "{}", r.what());
    assert_eq!(r.conforms()["code"], codes::RATE_LIMITED);
    e.sim.set_spam_block(&e.account, true);
    let r = get(&e, "/pins/1").await;
    assert_eq!(r.status, 429, "{}", r.what());
    let body = r.conforms();
    assert!(body["message"].as_str().unwrap().contains("spam"), "{body}");
}
