//! OAuth against the simulator: the code flow (auto-approve and consent page), what the server
//! checks (client credentials, redirect URI, single-use and expiring codes), refresh rotation,
//! revocation, and access-token expiry answering 401.

use crate::support::sim::*;
use pinpace_engine::pinterest::types::TokenResponse;
use pinpace_engine::sim::{codes, SimConfig};

const REDIRECT: &str = "http://127.0.0.1:9/callback";

async fn authorize(e: &Env, redirect: &str, state: &str) -> reqwest::Response {
    let (client_id, _) = e.sim.client_credentials();
    e.http
        .get(e.sim.authorize_url())
        .query(&[
            ("client_id", client_id.as_str()),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", "boards:read,pins:write"),
            ("state", state),
        ])
        .send()
        .await
        .unwrap()
}

fn query_of(r: &reqwest::Response) -> std::collections::HashMap<String, String> {
    let loc = header(r, "location").unwrap();
    url::Url::parse(&loc)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

async fn token_request(e: &Env, secret: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let (id, _) = e.sim.client_credentials();
    e.http
        .post(e.url("/oauth/token"))
        .basic_auth(id, Some(secret))
        .form(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn code_flow_refresh_rotation_and_expiry() {
    let e = env(SimConfig::default()).await;
    let (_, secret) = e.sim.client_credentials();
    let r = authorize(&e, REDIRECT, "st4te").await;
    assert_eq!(r.status(), 302);
    let q = query_of(&r);
    assert_eq!(q["state"], "st4te");
    let code = q["code"].clone();

    // Wrong client secret, wrong redirect_uri: refused.
    let r = token_request(
        &e,
        "wrong",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status_code(r).await, (401, codes::AUTHENTICATION_FAILED));
    let r = token_request(
        &e,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9/other"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);

    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("continuous_refresh", "true"),
    ];
    let t: TokenResponse = token_request(&e, &secret, &form)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t.expires_in, 30 * 86_400);
    assert_eq!(t.response_type.as_deref(), Some("authorization_code"));
    assert_eq!(e.get(&t.access_token, "/user_account").await.status(), 200);
    // The code is single-use.
    assert_eq!(token_request(&e, &secret, &form).await.status(), 400);

    // Refresh rotates.
    let old_refresh = t.refresh_token.clone().unwrap();
    let r = token_request(
        &e,
        &secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &old_refresh),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let t2: TokenResponse = r.json().await.unwrap();
    let new_refresh = t2.refresh_token.clone().unwrap();
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(t2.refresh_token_expires_in, Some(60 * 86_400));
    let r = token_request(
        &e,
        &secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &old_refresh),
        ],
    )
    .await;
    assert_eq!(r.status(), 400, "old refresh token stops working");

    // Access tokens expire after 30 days of clock time.
    e.advance_secs(30 * 86_400);
    let r = e.get(&t2.access_token, "/user_account").await;
    assert_eq!(status_code(r).await, (401, codes::AUTHENTICATION_FAILED));
    let r = token_request(
        &e,
        &secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &new_refresh),
        ],
    )
    .await;
    let t3: TokenResponse = r.json().await.unwrap();
    assert_eq!(e.get(&t3.access_token, "/user_account").await.status(), 200);

    // Revocation and forced expiry.
    e.sim.revoke_refresh_tokens("alice");
    let r = token_request(
        &e,
        &secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t3.refresh_token.as_deref().unwrap()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    e.sim.expire_access_tokens("alice");
    assert_eq!(e.get(&t3.access_token, "/user_account").await.status(), 401);
    let bob = e.sim.issue_tokens("bob").unwrap().access_token;
    assert_eq!(
        e.get(&bob, "/user_account").await.status(),
        200,
        "bob unaffected"
    );
}

#[tokio::test]
async fn codes_expire() {
    let e = env(SimConfig::default()).await;
    let (_, secret) = e.sim.client_credentials();
    let code = query_of(&authorize(&e, REDIRECT, "s").await)["code"].clone();
    e.advance_secs(601);
    let r = token_request(
        &e,
        &secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn consent_page_allow_and_deny() {
    let e = env(SimConfig::default()).await;
    e.sim.set_auto_approve(false);
    let r = authorize(&e, REDIRECT, "abc").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Allow") && html.contains("Deny"));
    let (client_id, _) = e.sim.client_credentials();
    let decide = |d: &'static str| {
        let client_id = client_id.clone();
        let e = &e;
        async move {
            e.http
                .post(format!(
                    "{}/oauth/decision",
                    e.sim.base_url().trim_end_matches("/v5")
                ))
                .form(&[
                    ("client_id", client_id.as_str()),
                    ("redirect_uri", REDIRECT),
                    ("response_type", "code"),
                    ("scope", "pins:write"),
                    ("state", "abc"),
                    ("decision", d),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let q = query_of(&decide("deny").await);
    assert_eq!(q["error"], "access_denied");
    assert_eq!(q["state"], "abc");
    let q = query_of(&decide("allow").await);
    assert!(q["code"].starts_with("pinc_"));
    // Unknown client: no redirect.
    let r = e
        .http
        .get(e.sim.authorize_url())
        .query(&[
            ("client_id", "nope"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
