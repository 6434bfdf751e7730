//! OAuth 2 as Pinterest runs it: an authorize page that sends the browser back to the app's
//! redirect URI with a code (at once in auto-approve mode, for tests; after an Allow/Deny page
//! otherwise, for people), and `POST /v5/oauth/token` with HTTP Basic client credentials and a
//! form body, for the `authorization_code` and `refresh_token` grants. Refresh tokens are
//! continuous: each refresh returns a new one and the old one stops working. Checking `state`
//! is the client's job; the redirect URI, the client credentials and single use of a code are
//! checked here. The token endpoint remembers the client credentials it was shown
//! (`SimHandle::token_clients`), so a test can tell which app's secret reached this server.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use base64::Engine as _;
use chrono::TimeDelta;

use super::quirks::QuirkAccount;
use super::server::{codes, error, App};
use super::state::CodeRec;

type Params = HashMap<String, String>;

fn redirect(to: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(to) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };
    url.query_pairs_mut().extend_pairs(pairs);
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Checks the authorize query; returns the account that will grant access.
fn check_request(app: &App, p: &Params) -> Result<String, Response> {
    let st = app.lock();
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != st.config.client_id {
        return Err((StatusCode::BAD_REQUEST, "unknown client_id").into_response());
    }
    if get("response_type") != "code" {
        return Err((StatusCode::BAD_REQUEST, "response_type must be code").into_response());
    }
    if url::Url::parse(get("redirect_uri")).is_err() {
        return Err((StatusCode::BAD_REQUEST, "redirect_uri must be a URL").into_response());
    }
    let account = match p.get("account") {
        Some(a) => st.find_account(a),
        None => st.accounts.values().next(),
    };
    account.map(|a| a.id.clone()).ok_or_else(|| {
        (StatusCode::BAD_REQUEST, "no such account in the simulator").into_response()
    })
}

fn grant_code(app: &App, p: &Params, account: String) -> Response {
    let now = app.clock.now();
    let mut st = app.lock();
    let code = st.secret("pinc_");
    let ttl = st.config.auth_code_ttl_secs;
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    st.codes.insert(
        code.clone(),
        CodeRec {
            account,
            redirect_uri: redirect_uri.clone(),
            scope: p.get("scope").cloned().unwrap_or_default(),
            expires_at: now + TimeDelta::seconds(ttl),
            used: false,
        },
    );
    let state = p.get("state").cloned().unwrap_or_default();
    redirect(&redirect_uri, &[("code", &code), ("state", &state)])
}

/// `GET /oauth/`: redirect at once, or show the consent page.
pub async fn authorize(State(app): State<App>, Query(p): Query<Params>) -> Response {
    let account = match check_request(&app, &p) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if app.lock().config.auto_approve {
        return grant_code(&app, &p, account);
    }
    let username = app
        .lock()
        .accounts
        .get(&account)
        .map(|a| a.username.clone())
        .unwrap_or_default();
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
    ]
    .iter()
    .map(|k| {
        let v = p.get(*k).map(String::as_str).unwrap_or("");
        format!(r#"<input type="hidden" name="{k}" value="{}">"#, escape(v))
    })
    .collect();
    Html(format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Pinterest simulator: allow access?</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:3em auto">
<h1>Allow PinPace to manage your pins?</h1>
<p>Signed in to the simulator as <b>{user}</b>. Requested access: <code>{scope}</code>.</p>
<form method="post" action="/oauth/decision">{hidden}<input type="hidden" name="account" value="{account}">
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form></body></html>"#,
        user = escape(&username),
        scope = escape(p.get("scope").map(String::as_str).unwrap_or("")),
    ))
    .into_response()
}

/// `POST /oauth/decision`: the consent page's Allow or Deny.
pub async fn decision(State(app): State<App>, Form(p): Form<Params>) -> Response {
    let account = match check_request(&app, &p) {
        Ok(a) => a,
        Err(r) => return r,
    };
    if p.get("decision").map(String::as_str) == Some("allow") {
        grant_code(&app, &p, account)
    } else {
        let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
        let state = p.get("state").cloned().unwrap_or_default();
        redirect(
            &redirect_uri,
            &[("error", "access_denied"), ("state", &state)],
        )
    }
}

fn client_ok(app: &App, headers: &HeaderMap) -> bool {
    let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(encoded) = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let mut st = app.lock();
    let presented = String::from_utf8_lossy(&decoded).into_owned();
    let (id, secret) = presented.split_once(':').unwrap_or((&presented, ""));
    st.token_clients.push((id.to_string(), secret.to_string()));
    decoded == format!("{}:{}", st.config.client_id, st.config.client_secret).as_bytes()
}

/// A token answer, tagged with its account so its `Date` is written in that account's clock.
fn tokens_of(account: &str, t: Option<crate::pinterest::types::TokenResponse>) -> Response {
    match t {
        Some(t) => {
            let mut r = Json(t).into_response();
            r.extensions_mut().insert(QuirkAccount(account.to_string()));
            r
        }
        None => invalid_grant("Account no longer exists."),
    }
}

fn invalid_grant(msg: &str) -> Response {
    error(StatusCode::BAD_REQUEST, codes::INVALID_PARAMETERS, msg)
}

/// `POST /v5/oauth/token`.
pub async fn token(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let now = app.clock.now();
    let status = |r: Response| {
        app.lock()
            .record_status("POST /oauth/token", r.status().as_u16());
        r
    };
    if !client_ok(&app, &headers) {
        return status(error(
            StatusCode::UNAUTHORIZED,
            codes::AUTHENTICATION_FAILED,
            "Client authentication failed.",
        ));
    }
    let p: Params = url::form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    let mut st = app.lock();
    let answer = match get("grant_type") {
        "authorization_code" => match st.codes.get_mut(get("code")) {
            None => invalid_grant("Invalid authorization code."),
            Some(c) if c.used => invalid_grant("Authorization code has already been used."),
            Some(c) if c.expires_at <= now => invalid_grant("Authorization code has expired."),
            Some(c) if c.redirect_uri != get("redirect_uri") => {
                invalid_grant("redirect_uri does not match the authorization request.")
            }
            Some(c) => {
                c.used = true;
                let (account, scope) = (c.account.clone(), c.scope.clone());
                let t = st.issue_tokens(&account, &scope, "authorization_code", now);
                tokens_of(&account, t)
            }
        },
        "refresh_token" => match st.refresh.get_mut(get("refresh_token")) {
            Some(r) if !r.revoked && r.expires_at > now => {
                r.revoked = true; // rotation: the old refresh token stops working
                let account = r.account.clone();
                let scope = p
                    .get("scope")
                    .cloned()
                    .unwrap_or_else(|| "boards:read,pins:read,pins:write".into());
                let t = st.issue_tokens(&account, &scope, "refresh_token", now);
                tokens_of(&account, t)
            }
            _ => invalid_grant("Invalid refresh token."),
        },
        _ => invalid_grant("Unsupported grant_type."),
    };
    drop(st);
    status(answer)
}
