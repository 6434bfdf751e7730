//! OAuth against Pinterest: the authorize URL (built with the oauth2 crate, which also makes the
//! `state` value) and the token endpoint. The token calls are sent by hand through the same
//! `send` path as every API call, because oauth2's `request_async` reports a 429 or a 503 only as
//! an opaque error: PinPace needs their Retry-After and their transient/terminal class like any
//! other request. Pinterest wants client credentials in HTTP Basic and a form-encoded body.

use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, RedirectUrl, Scope};
use reqwest::Method;
use url::Url;

use super::client::PinterestClient;
use super::outcome::Reply;
use super::secret::Secret;
use super::types::{Category, TokenResponse};

/// The scopes PinPace asks for, each needed: list boards and sections, create pins, read pins for
/// reconciliation after a crash, and read the account's name.
pub const SCOPES: &[&str] = &[
    "boards:read",
    "boards:write",
    "pins:read",
    "pins:write",
    "user_accounts:read",
];

/// Why each scope is asked for, as the settings guide and the README say it.
pub const SCOPE_REASONS: &[(&str, &str)] = &[
    (
        "boards:read",
        "list your boards and sections, so you pick where a pin goes",
    ),
    (
        "boards:write",
        "Pinterest requires it to add a pin to a board",
    ),
    (
        "pins:read",
        "check a board for a pin after a crash or a lost answer, so nothing is posted twice",
    ),
    ("pins:write", "create the pins you scheduled"),
    (
        "user_accounts:read",
        "read the account's name, so a reconnect is sure to be the same account",
    ),
];

/// A Pinterest developer app's credentials. The secret is never printed.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Builds the URL of the consent page and the `state` value to check on the way back.
pub fn authorize_url(
    authorize_page: &Url,
    client_id: &str,
    redirect_uri: &Url,
) -> Result<(Url, Secret), url::ParseError> {
    let client = BasicClient::new(ClientId::new(client_id.to_string()))
        .set_auth_uri(AuthUrl::from_url(authorize_page.clone()))
        .set_redirect_uri(RedirectUrl::from_url(redirect_uri.clone()));
    let mut request = client.authorize_url(CsrfToken::new_random);
    for scope in SCOPES {
        request = request.add_scope(Scope::new(scope.to_string()));
    }
    let (url, state) = request.url();
    Ok((url, Secret::new(state.secret().clone())))
}

impl PinterestClient {
    /// Exchanges an authorization code, asking for continuous refresh (a refresh token that is
    /// renewed on each refresh).
    pub async fn exchange_code(
        &self,
        app: &AppCredentials,
        code: &Secret,
        redirect_uri: &str,
    ) -> Reply<TokenResponse> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("continuous_refresh", "true"),
        ];
        self.token_request(app, &form).await
    }

    /// Trades a refresh token for a new access token (and, with continuous refresh, a new
    /// refresh token that must be stored at once: the old one stops working).
    pub async fn refresh(
        &self,
        app: &AppCredentials,
        refresh_token: &Secret,
    ) -> Reply<TokenResponse> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ];
        self.token_request(app, &form).await
    }

    async fn token_request(
        &self,
        app: &AppCredentials,
        form: &[(&str, &str)],
    ) -> Reply<TokenResponse> {
        let url = self.base().join("oauth/token").expect("constant path");
        let req = self
            .http()
            .request(Method::POST, url)
            .basic_auth(&app.client_id, Some(app.client_secret.expose()))
            .form(form);
        // The token endpoint counts as org_read in Pinterest's spec.
        self.send(req, Category::OrgRead).await
    }
}

/// The token endpoint's answer is outside input: any body reads as tokens or as a transient
/// "malformed" outcome (issue 16 item 10), and any `expires_in` gives a time, never a panic.
#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, Utc};
    use proptest::prelude::*;
    use serde_json::json;

    use super::super::client::parse_success;
    use super::super::outcome::TransientReason;
    use super::*;
    use crate::fuzz::{damage, edits, json_value, near};
    use crate::pinterest::Outcome;

    fn valid() -> serde_json::Value {
        json!({
            "access_token": "pina_a", "token_type": "bearer", "expires_in": 2_592_000,
            "scope": "boards:read,pins:write", "response_type": "authorization_code",
            "refresh_token": "pinr_b", "refresh_token_expires_in": 31_536_000,
            "refresh_token_expires_at": 1_800_000_000
        })
    }

    fn check(body: &[u8]) {
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        match parse_success::<TokenResponse>(200, body) {
            Outcome::Success(t) => {
                let at = t.expires_at(now);
                assert!(at >= now);
                assert!(at <= now + TimeDelta::seconds(TokenResponse::LONGEST_LIFETIME_SECS));
            }
            Outcome::Transient { reason, .. } => {
                assert_eq!(reason, TransientReason::MalformedBody)
            }
            other => panic!("{other:?}"),
        }
    }

    /// Before: `demo.rs` added `expires_in` unclamped, so `i64::MAX` panicked there.
    #[test]
    fn an_absurd_lifetime_is_clamped() {
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let mut body = valid();
        for (secs, expected) in [
            (i64::MAX, TokenResponse::LONGEST_LIFETIME_SECS),
            (i64::MIN, 0),
            (-5, 0),
            (60, 60),
        ] {
            body["expires_in"] = json!(secs);
            let t: TokenResponse = serde_json::from_value(body.clone()).unwrap();
            assert_eq!(t.expires_at(now), now + TimeDelta::seconds(expected));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_token_body_reads_or_is_malformed(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            check(&bytes);
        }

        #[test]
        fn a_damaged_token_body_reads_or_is_malformed(edits in edits()) {
            check(&damage(valid().to_string().as_bytes(), &edits));
        }

        #[test]
        fn a_near_valid_token_body_reads_or_is_malformed(value in near(valid())) {
            check(value.to_string().as_bytes());
        }

        #[test]
        fn any_json_token_body_reads_or_is_malformed(value in json_value()) {
            check(value.to_string().as_bytes());
        }
    }
}
