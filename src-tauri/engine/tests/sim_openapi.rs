//! The simulator answers the way Pinterest's published OpenAPI spec says Pinterest answers, so it
//! stays true to Pinterest and not only to PinPace's client. Every `/v5` endpoint it serves is
//! called over loopback HTTP and each body is validated against the schema the spec gives for
//! that path (resolved from the request path, as a router would), method and status: the
//! success bodies, and the error bodies for 400, 401, 403 (code 29 for a trial app), 404, 429
//! and 5xx (the spec's own status, else its `default`). A 204 must come with no body.
//!
//! Rate-limit headers: Pinterest counts every authenticated call against the caller's limits and
//! reports it in `x-ratelimit-limit` / `-remaining` / `-reset` (its rate-limit page), so every
//! answer that got past authentication must carry all three, well-formed, errors included; a
//! 429 from the limits adds `Retry-After`. Not required where nothing is counted against a
//! user: a 401 (no user), `POST /oauth/token` (client credentials), and the simulator's
//! deliberate faults (a headerless 429 burst, a spam block, a 5xx outage).

mod sim_support;
mod support;

use pinpace_engine::pinterest::types::MediaUpload;
use pinpace_engine::sim::{
    codes, FaultKind, FaultRule, LimitCategory, LimitSpec, Scope, SimConfig,
};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use sim_support::*;
use support::openapi::{check, check_response, operation_path, response_body_schema};

/// A complete 1×1 RGBA PNG: signature, IHDR, IDAT and IEND chunks, each with its CRC.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\
\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\
\0\0\0\x0bIDAT\x78\x9c\x63\x60\x00\x02\x00\x00\x05\x00\x01\x7a\x5e\xab\x3f\
\0\0\0\0IEND\xae\x42\x60\x82";

/// One answer, read whole.
struct Answer {
    method: Method,
    /// The request path under `/v5`, query included.
    path: String,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn what(&self) -> String {
        format!("{} {} -> {}", self.method, self.path, self.status)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{}: body is not JSON ({e}): {}",
                self.what(),
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Validates the answer against the spec for its path/method/status and returns the body
    /// (`Null` for a bodiless answer). A success status must be one the spec lists for the
    /// operation; an error status may fall back to the operation's `default` response.
    fn conforms(&self) -> Value {
        let template = operation_path(&self.path);
        let method = self.method.as_str().to_lowercase();
        if self.status < 400 {
            let declared = &support::openapi::spec()["paths"][&template][&method]["responses"]
                [self.status.to_string().as_str()];
            assert!(
                declared.is_object(),
                "{}: the spec does not list {} for {method} {template}",
                self.what(),
                self.status
            );
        }
        match response_body_schema(&template, &method, self.status) {
            None => {
                assert!(
                    self.body.is_empty(),
                    "{}: the spec gives no body, got {:?}",
                    self.what(),
                    String::from_utf8_lossy(&self.body)
                );
                Value::Null
            }
            Some(_) => {
                let ct = self
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                assert!(
                    ct.starts_with("application/json"),
                    "{}: content-type {ct:?}",
                    self.what()
                );
                let body = self.json();
                if let Err(errors) = check_response(&template, &method, self.status, &body) {
                    panic!(
                        "{}: {body} does not match the spec for {method} {template} {}:\n  {}",
                        self.what(),
                        self.status,
                        errors.join("\n  ")
                    );
                }
                body
            }
        }
    }

    /// `conforms`, plus the rate-limit headers Pinterest sends on every counted call.
    fn conforms_counted(&self) -> Value {
        if let Err(e) = rate_headers(&self.headers) {
            panic!("{}: {e}", self.what());
        }
        self.conforms()
    }

    /// An error answer that conforms, is counted, and carries this status and Pinterest code.
    fn error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "{}", self.what());
        let body = self.conforms_counted();
        assert_eq!(body["code"], code, "{}: {body}", self.what());
    }
}

/// `x-ratelimit-limit: 100, 100;w=1, 1000;w=60` (the quota in force, then every policy as
/// `quota;w=window`), `x-ratelimit-remaining: 99`, `x-ratelimit-reset: 1` (seconds).
fn rate_headers(h: &HeaderMap) -> Result<(), String> {
    let get = |name: &str| -> Result<String, String> {
        h.get(name)
            .ok_or(format!("no {name} header"))?
            .to_str()
            .map(str::to_string)
            .map_err(|e| format!("{name}: {e}"))
    };
    let number = |name: &str| -> Result<u64, String> {
        let v = get(name)?;
        v.trim()
            .parse::<u64>()
            .map_err(|_| format!("{name} is not a count: {v:?}"))
    };
    let limit = get("x-ratelimit-limit")?;
    let mut parts = limit.split(',').map(str::trim);
    let quota: u64 = parts.next().and_then(|q| q.parse().ok()).ok_or(format!(
        "x-ratelimit-limit does not start with a quota: {limit:?}"
    ))?;
    let mut policies = Vec::new();
    for p in parts {
        let (n, w) = p.split_once(";w=").ok_or(format!(
            "x-ratelimit-limit policy {p:?} is not quota;w=secs"
        ))?;
        match (n.parse::<u64>(), w.parse::<u64>()) {
            (Ok(n), Ok(w)) if w > 0 => policies.push(n),
            _ => {
                return Err(format!(
                    "x-ratelimit-limit policy {p:?} is not quota;w=secs"
                ))
            }
        }
    }
    if !policies.contains(&quota) {
        return Err(format!(
            "x-ratelimit-limit's quota is none of its policies: {limit:?}"
        ));
    }
    let remaining = number("x-ratelimit-remaining")?;
    if remaining > quota {
        return Err(format!("x-ratelimit-remaining {remaining} > quota {quota}"));
    }
    number("x-ratelimit-reset")?;
    Ok(())
}

/// Sends one request under `/v5`; then moves the clock a second on, so that the standard
/// preset's 100-a-second universal limit never gets in the way of a long test.
async fn send(
    e: &Env,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Answer {
    let mut rb = e.http.request(method.clone(), e.url(path));
    if let Some(t) = token {
        rb = rb.bearer_auth(t);
    }
    if let Some(b) = body {
        rb = rb.json(b);
    }
    let r = rb.send().await.unwrap();
    e.advance_secs(1);
    Answer {
        method,
        path: path.to_string(),
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.bytes().await.unwrap().to_vec(),
    }
}

async fn get(e: &Env, path: &str) -> Answer {
    send(e, Method::GET, path, Some(&e.token), None).await
}

async fn post(e: &Env, path: &str, body: &Value) -> Answer {
    send(e, Method::POST, path, Some(&e.token), Some(body)).await
}

/// A simulator with Pinterest's standard-access limits, so every counted answer has headers.
async fn standard() -> Env {
    env(SimConfig::default()).await
}

fn pin(e: &Env, media_source: Value) -> Value {
    json!({
        "board_id": e.board.id,
        "board_section_id": e.section.id,
        "title": "Tomato soup",
        "description": "Ready in 20 minutes",
        "link": "https://example.com/soup",
        "alt_text": "A bowl of soup",
        "media_source": media_source,
    })
}

/// Registers a video upload (validated), posts the file where it says, polls until processed
/// (each poll validated); returns the media id.
async fn uploaded_video(e: &Env) -> String {
    let r = post(e, "/media", &json!({"media_type": "video"})).await;
    assert_eq!(r.status, 201, "{}", r.what());
    let m: MediaUpload = serde_json::from_value(r.conforms_counted()).unwrap();
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in &m.upload_parameters {
        form = form.text(k.clone(), v.clone());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(b"\0\0\0\x18ftypmp42".to_vec()).file_name("v.mp4"),
    );
    let up = e
        .http
        .post(m.upload_url.clone().unwrap())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 204);
    for _ in 0..10 {
        let r = get(e, &format!("/media/{}", m.media_id)).await;
        assert_eq!(r.status, 200, "{}", r.what());
        let body = r.conforms_counted();
        match body["status"].as_str() {
            Some("succeeded") => return m.media_id,
            Some("processing") | Some("registered") => {}
            other => panic!("upload ended {other:?}"),
        }
    }
    panic!("the upload never finished processing")
}

#[tokio::test]
async fn account_boards_sections_and_board_pins_match_the_spec() {
    let e = standard().await;
    let second = e.sim.add_board(&e.account, "Desserts").unwrap();
    e.sim.add_section(&e.board.id, "Stews").unwrap();

    let r = get(&e, "/user_account").await;
    assert_eq!(r.status, 200, "{}", r.what());
    let account = r.conforms_counted();
    assert_eq!(account["username"], "alice");

    // Two pages of boards: a bookmark, then `"bookmark": null` (nullable in the spec).
    let r = get(&e, "/boards?page_size=1").await;
    assert_eq!(r.status, 200, "{}", r.what());
    let page = r.conforms_counted();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let bookmark = page["bookmark"]
        .as_str()
        .expect("a first page has a bookmark");
    let r = get(&e, &format!("/boards?page_size=1&bookmark={bookmark}")).await;
    let page = r.conforms_counted();
    assert_eq!(page["items"][0]["id"], json!(second.id));
    assert!(page["bookmark"].is_null(), "{page}");

    let r = get(&e, &format!("/boards/{}/sections", e.board.id)).await;
    assert_eq!(r.status, 200, "{}", r.what());
    let page = r.conforms_counted();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let r = get(&e, &format!("/boards/{}/sections?page_size=1", e.board.id)).await;
    assert!(r.conforms_counted()["bookmark"].is_string());

    // Board pins, empty and then with a pin of each kind of image.
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    assert_eq!(r.status, 200, "{}", r.what());
    assert_eq!(r.conforms_counted()["items"], json!([]));
    for source in [
        json!({"source_type": "image_url", "url": "https://example.com/a.jpg"}),
        json!({"source_type": "multiple_image_urls", "items": [
            {"url": "https://example.com/1.jpg"}, {"url": "https://example.com/2.jpg"}]}),
    ] {
        assert_eq!(post(&e, "/pins", &pin(&e, source)).await.status, 201);
    }
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    let page = r.conforms_counted();
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    let r = get(&e, &format!("/boards/{}/pins?page_size=1", e.board.id)).await;
    assert!(r.conforms_counted()["bookmark"].is_string());
}

#[tokio::test]
async fn pins_of_every_media_source_match_the_spec_through_create_get_list_delete() {
    let e = standard().await;
    let video = uploaded_video(&e).await;
    let sources = [
        (
            "image",
            json!({"source_type": "image_url", "url": "https://example.com/a.jpg"}),
        ),
        (
            "image",
            json!({"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG)}),
        ),
        (
            "multiple_images",
            json!({"source_type": "multiple_image_urls", "items": [
                {"url": "https://example.com/1.jpg", "title": "one"},
                {"url": "https://example.com/2.jpg", "link": "https://example.com/2"}]}),
        ),
        (
            "video",
            json!({"source_type": "video_id", "media_id": video,
                   "cover_image_url": "https://example.com/cover.jpg"}),
        ),
    ];
    let mut ids = Vec::new();
    for (media_type, source) in sources {
        let r = post(&e, "/pins", &pin(&e, source)).await;
        assert_eq!(
            r.status,
            201,
            "{}: {}",
            r.what(),
            String::from_utf8_lossy(&r.body)
        );
        let created = r.conforms_counted();
        assert_eq!(created["media"]["media_type"], media_type, "{created}");
        assert_eq!(created["board_section_id"], json!(e.section.id));
        let stamp = created["created_at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
            "created_at {stamp:?} is not RFC 3339"
        );
        let id = created["id"].as_str().unwrap().to_string();
        let r = get(&e, &format!("/pins/{id}")).await;
        assert_eq!(r.status, 200, "{}", r.what());
        assert_eq!(r.conforms_counted(), created);
        ids.push(id);
    }
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    assert_eq!(r.conforms_counted()["items"].as_array().unwrap().len(), 4);

    for id in &ids {
        let r = send(
            &e,
            Method::DELETE,
            &format!("/pins/{id}"),
            Some(&e.token),
            None,
        )
        .await;
        assert_eq!(r.status, 204, "{}", r.what());
        assert_eq!(r.conforms_counted(), Value::Null);
        assert!(r.headers.get("content-type").is_none(), "{:?}", r.headers);
    }
}

#[tokio::test]
async fn media_registration_and_every_status_match_the_spec() {
    let e = standard().await;
    // registered -> processing -> succeeded, each answer validated.
    uploaded_video(&e).await;
    // Never uploaded: registered, then failed.
    let r = post(&e, "/media", &json!({"media_type": "video"})).await;
    let id = r.conforms_counted()["media_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let r = get(&e, &format!("/media/{id}")).await;
        seen.push(r.conforms_counted()["status"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.first().map(String::as_str), Some("registered"));
    assert_eq!(seen.last().map(String::as_str), Some("failed"), "{seen:?}");
}

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
    support::openapi::assert_matches("OauthAccessTokenResponseCode", &first);

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
    support::openapi::assert_matches("OauthAccessTokenResponseRefresh", &refreshed);
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

fn header_of(r: &Answer, name: &str) -> String {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("{}: no {name}", r.what()))
        .to_str()
        .unwrap()
        .to_string()
}

/// The checks above can fail: what Pinterest would not send is caught, by the same functions.
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
