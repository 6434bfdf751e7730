//! The checks of the `sim_openapi_*` tests can fail: what Pinterest would not send (a body off
//! the spec, malformed rate-limit headers) is caught by the same functions.

use crate::support::spec_answer;

use crate::support::openapi::{check, check_response, operation_path};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};
use spec_answer::rate_headers;

/// The checks used by the `sim_openapi_*` tests reject what Pinterest would not send.
#[test]
fn the_checks_reject_what_pinterest_would_not_send() {
    assert_eq!(operation_path("/pins/123"), "/pins/{pin_id}");
    assert_eq!(
        operation_path("/boards/9/pins?page_size=1"),
        "/boards/{board_id}/pins"
    );
    assert_eq!(operation_path("/oauth/token"), "/oauth/token");

    let pin = json!({"id": "1", "board_id": "2", "created_at": "2024-10-02T12:00:00Z",
                     "media": {"media_type": "image"}});
    assert!(check_response("/pins/{pin_id}", "get", 200, &pin).is_ok());
    let mut bad = pin.clone();
    bad["created_at"] = json!("2024-10-02T12:00:00"); // no offset: not RFC 3339 date-time
    assert!(check_response("/pins/{pin_id}", "get", 200, &bad).is_err());
    let mut bad = pin.clone();
    bad["media"]["media_type"] = json!("photo");
    assert!(check_response("/pins", "post", 201, &bad).is_err());
    let mut bad = pin.clone();
    bad["id"] = Value::Null; // null only where the spec says nullable
    assert!(check_response("/pins", "post", 201, &bad).is_err());
    let mut ok = pin.clone();
    ok["board_section_id"] = Value::Null; // nullable in the spec
    assert!(check_response("/pins", "post", 201, &ok).is_ok());

    // Lists: the items' own schema applies through the spec's inline list schemas.
    let list = |items: Value, bookmark: Value| json!({"items": items, "bookmark": bookmark});
    assert!(check_response(
        "/boards",
        "get",
        200,
        &list(json!([{"id": "1", "name": "b"}]), Value::Null)
    )
    .is_ok());
    assert!(check_response(
        "/boards",
        "get",
        200,
        &list(json!([{"id": "x", "name": "b"}]), Value::Null)
    )
    .is_err());
    assert!(check_response("/boards", "get", 200, &list(json!([]), json!(5))).is_err());
    assert!(check_response(
        "/boards/{board_id}/pins",
        "get",
        200,
        &list(json!([{"board_id": "1"}]), Value::Null)
    )
    .is_err());
    assert!(check_response(
        "/boards/{board_id}/sections",
        "get",
        200,
        &list(json!([{"id": "1"}]), Value::Null)
    )
    .is_err());
    assert!(check_response(
        "/boards/{board_id}/sections",
        "get",
        200,
        &json!({"bookmark": null})
    )
    .is_err());

    // Errors: `{code: integer, message: string}`, also through `default`.
    assert!(check_response("/pins", "post", 403, &json!({"code": 29, "message": "m"})).is_ok());
    assert!(check_response("/pins", "post", 403, &json!({"code": "29", "message": "m"})).is_err());
    assert!(check_response("/user_account", "get", 401, &json!({"message": "m"})).is_err());

    // Media and tokens; the token's discriminator picks the variant that must match.
    assert!(check_response(
        "/media/{media_id}",
        "get",
        200,
        &json!({"media_id": "1", "media_type": "video", "status": "done"})
    )
    .is_err());
    assert!(check_response(
        "/media",
        "post",
        201,
        &json!({"media_id": "1", "media_type": "image"})
    )
    .is_err());
    let token = json!({"access_token": "a", "token_type": "bearer", "expires_in": 1,
                       "scope": "s", "response_type": "refresh_token"});
    assert!(check("OauthAccessTokenResponse", &token).is_ok());
    assert!(
        check_response("/oauth/token", "post", 200, &token).is_err(),
        "refresh variant lacks refresh_token"
    );

    // Headers.
    let mut h = HeaderMap::new();
    assert!(rate_headers(&h).is_err());
    h.insert(
        "x-ratelimit-limit",
        "100, 100;w=1, 1000;w=60".parse().unwrap(),
    );
    h.insert("x-ratelimit-remaining", "99".parse().unwrap());
    h.insert("x-ratelimit-reset", "1".parse().unwrap());
    assert!(rate_headers(&h).is_ok());
    h.insert("x-ratelimit-limit", "100, 100/s".parse().unwrap());
    assert!(rate_headers(&h).is_err());
    h.insert("x-ratelimit-limit", "100, 100;w=1".parse().unwrap());
    h.remove("x-ratelimit-reset");
    assert!(rate_headers(&h).is_err());
}
