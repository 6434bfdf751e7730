//! One answer of the simulator, read whole and checked against Pinterest's published OpenAPI
//! spec, for the `sim_openapi_*` tests (built on `support::sim` and `support::openapi`).
//!
//! The simulator answers the way Pinterest's spec says Pinterest answers, so it stays true to
//! Pinterest and not only to PinPace's client. Each body is validated against the schema the
//! spec gives for that path (resolved from the request path, as a router would), method and
//! status: the success bodies, and the error bodies for 400, 401, 403 (code 29 for a trial app),
//! 404, 429 and 5xx (the spec's own status, else its `default`). A 204 must come with no body.
//!
//! Rate-limit headers: Pinterest counts every authenticated call against the caller's limits and
//! reports it in `x-ratelimit-limit` / `-remaining` / `-reset` (its rate-limit page), so every
//! answer that got past authentication must carry all three, well-formed, errors included; a
//! 429 from the limits adds `Retry-After`. Not required where nothing is counted against a
//! user: a 401 (no user), `POST /oauth/token` (client credentials), and the simulator's
//! deliberate faults (a headerless 429 burst, a spam block, a 5xx outage).

use pinpace_engine::pinterest::types::MediaUpload;
use pinpace_engine::sim::SimConfig;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::openapi::{check_response, operation_path, response_body_schema, spec};
use crate::support::sim::{env, Env};

/// A complete 1×1 RGBA PNG: signature, IHDR, IDAT and IEND chunks, each with its CRC.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\
\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\
\0\0\0\x0bIDAT\x78\x9c\x63\x60\x00\x02\x00\x00\x05\x00\x01\x7a\x5e\xab\x3f\
\0\0\0\0IEND\xae\x42\x60\x82";

/// One answer, read whole.
pub struct Answer {
    pub method: Method,
    /// The request path under `/v5`, query included.
    pub path: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn what(&self) -> String {
        format!("{} {} -> {}", self.method, self.path, self.status)
    }

    pub fn json(&self) -> Value {
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
    pub fn conforms(&self) -> Value {
        let template = operation_path(&self.path);
        let method = self.method.as_str().to_lowercase();
        if self.status < 400 {
            let declared =
                &spec()["paths"][&template][&method]["responses"][self.status.to_string().as_str()];
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
    pub fn conforms_counted(&self) -> Value {
        if let Err(e) = rate_headers(&self.headers) {
            panic!("{}: {e}", self.what());
        }
        self.conforms()
    }

    /// An error answer that conforms, is counted, and carries this status and Pinterest code.
    pub fn error(&self, status: u16, code: i64) {
        assert_eq!(self.status, status, "{}", self.what());
        let body = self.conforms_counted();
        assert_eq!(body["code"], code, "{}: {body}", self.what());
    }
}

/// `x-ratelimit-limit: 100, 100;w=1, 1000;w=60` (the quota in force, then every policy as
/// `quota;w=window`), `x-ratelimit-remaining: 99`, `x-ratelimit-reset: 1` (seconds).
pub fn rate_headers(h: &HeaderMap) -> Result<(), String> {
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
pub async fn send(
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

pub async fn get(e: &Env, path: &str) -> Answer {
    send(e, Method::GET, path, Some(&e.token), None).await
}

pub async fn post(e: &Env, path: &str, body: &Value) -> Answer {
    send(e, Method::POST, path, Some(&e.token), Some(body)).await
}

/// A simulator with Pinterest's standard-access limits, so every counted answer has headers.
pub async fn standard() -> Env {
    env(SimConfig::default()).await
}

pub fn pin(e: &Env, media_source: Value) -> Value {
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
pub async fn uploaded_video(e: &Env) -> String {
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

/// A header of the answer, which must be there.
pub fn header_of(r: &Answer, name: &str) -> String {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("{}: no {name}", r.what()))
        .to_str()
        .unwrap()
        .to_string()
}
