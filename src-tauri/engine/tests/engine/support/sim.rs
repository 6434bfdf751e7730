//! Shared set-up for the simulator's tests: a simulator on a manual clock with two accounts,
//! each with a board and a section and a token, and a reqwest client that never follows
//! redirects or proxies (loopback only), plus one that also sends the admin key for `/_sim`.

use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, TimeDelta};
use pinpace_engine::clock::ManualClock;
use pinpace_engine::pinterest::types::{Board, BoardSection};
use pinpace_engine::sim::{Preset, SimConfig, SimHandle, Simulator};
use serde_json::{json, Value};

pub struct Env {
    pub sim: SimHandle,
    pub clock: ManualClock,
    pub http: reqwest::Client,
    /// Like `http`, with this simulator's `X-Sim-Key` on every request (for `/_sim`).
    pub admin: reqwest::Client,
    pub account: String,
    pub token: String,
    pub board: Board,
    pub section: BoardSection,
    pub other_account: String,
    pub other_token: String,
    pub other_board: Board,
}

fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
}

pub fn client() -> reqwest::Client {
    builder().build().unwrap()
}

/// A client that sends `sim`'s admin key on every request.
pub fn admin_client(sim: &SimHandle) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-sim-key", sim.admin_key().parse().unwrap());
    builder().default_headers(headers).build().unwrap()
}

/// A config with no limits unless the test asks for them.
pub fn quiet() -> SimConfig {
    SimConfig {
        preset: Preset::None,
        ..SimConfig::default()
    }
}

pub async fn env(config: SimConfig) -> Env {
    let clock = ManualClock::new(DateTime::UNIX_EPOCH + TimeDelta::days(20_000));
    let sim = Simulator::start(config, Arc::new(clock.clone()))
        .await
        .unwrap();
    let account = sim.add_account("alice");
    let board = sim.add_board(&account, "Recipes").unwrap();
    let section = sim.add_section(&board.id, "Soups").unwrap();
    let token = sim.issue_tokens(&account).unwrap().access_token;
    let other_account = sim.add_account("bob");
    let other_board = sim.add_board(&other_account, "Travel").unwrap();
    let other_token = sim.issue_tokens(&other_account).unwrap().access_token;
    let admin = admin_client(&sim);
    Env {
        sim,
        clock,
        http: client(),
        admin,
        account,
        token,
        board,
        section,
        other_account,
        other_token,
        other_board,
    }
}

pub const PNG_1PX: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A valid image pin on `board_id`.
pub fn pin_body(board_id: &str, title: &str) -> Value {
    json!({
        "board_id": board_id,
        "title": title,
        "description": "A pin",
        "link": "https://example.com/recipe",
        "alt_text": "soup",
        "media_source": {"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG_1PX)}
    })
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.base_url())
    }
    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
    pub async fn post_pin(&self, token: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.url("/pins"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }
    pub fn advance_secs(&self, s: i64) {
        self.clock.advance(TimeDelta::seconds(s));
    }
}

pub fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

/// Status and Pinterest error code of an error answer.
pub async fn status_code(r: reqwest::Response) -> (u16, i64) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    (status, body["code"].as_i64().unwrap_or(-1))
}
