//! The simulator against Pinterest's OpenAPI spec: `POST /oauth/token`, its code and refresh
//! grants and its refusals (see `support/spec_answer.rs` for what is checked; nothing here is
//! counted against a user, so no rate-limit headers are required).

use crate::support::spec_answer;

use crate::support::sim::header;
use pinpace_engine::sim::codes;
use reqwest::Method;
use spec_answer::*;

#[tokio::test]
async fn oauth_token_grants_and_refusals_match_the_spec() {
    let e = standard().await;
    let (client_id, secret) = e.sim.client_credentials();
    let redirect = "http://127.0.0.1:9/callback";
    let r = e
        .http
        .get(e.sim.authorize_url())
        .query(&[
            ("client_id", client_id.as_str()),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", "boards:read,pins:read,pins:write"),
            ("state", "s"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let location = url::Url::parse(&header(&r, "location").unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.to_string())
        .unwrap();

    let token = |secret: String, form: Vec<(&'static str, String)>| {
        let e = &e;
        let client_id = client_id.clone();
        async move {
            let r = e
                .http
                .post(e.url("/oauth/token"))
                .basic_auth(client_id, Some(secret))
                .form(&form)
                .send()
                .await
                .unwrap();
            Answer {
                method: Method::POST,
                path: "/oauth/token".into(),
                status: r.status().as_u16(),
                headers: r.headers().clone(),
                body: r.bytes().await.unwrap().to_vec(),
            }
        }
    };
    let grant = |code: &str| {
        vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.to_string()),
            ("redirect_uri", redirect.to_string()),
        ]
    };

    // Refusals first (the code stays unused): a wrong secret, an unknown code.
    let r = token("wrong".into(), grant(&code)).await;
    assert_eq!(r.status, 401, "{}", r.what());
    assert_eq!(r.conforms()["code"], codes::AUTHENTICATION_FAILED);
    let r = token(secret.clone(), grant("pinc_nope")).await;
    assert_eq!(r.status, 400, "{}", r.what());
    assert_eq!(r.conforms()["code"], codes::INVALID_PARAMETERS);

    // The code grant, validated as OauthAccessTokenResponse and as its Code variant.
    let r = token(secret.clone(), grant(&code)).await;
    assert_eq!(r.status, 200, "{}", r.what());
    let first = r.conforms();
    assert_eq!(first["response_type"], "authorization_code");
    crate::support::openapi::assert_matches("OauthAccessTokenResponseCode", &first);

    // The refresh grant, as its Refresh variant (refresh token and both expiries required).
    let r = token(
        secret.clone(),
        vec![
            ("grant_type", "refresh_token".into()),
            (
                "refresh_token",
                first["refresh_token"].as_str().unwrap().into(),
            ),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.what());
    let refreshed = r.conforms();
    assert_eq!(refreshed["response_type"], "refresh_token");
    crate::support::openapi::assert_matches("OauthAccessTokenResponseRefresh", &refreshed);
    // The new access token works.
    let who = send(
        &e,
        Method::GET,
        "/user_account",
        refreshed["access_token"].as_str(),
        None,
    )
    .await;
    assert_eq!(who.status, 200);
}
