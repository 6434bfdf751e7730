//! The simulator's controls over HTTP, under `/_sim`, so a `pinpace-sim` process can be seeded,
//! faulted and inspected from outside (a benchmark script, a person with curl). Each route is a
//! thin JSON wrapper over the `SimHandle` method of the same name; these routes pass no gate and
//! are not counted in the request stats. Quirks take the `Quirks` JSON (every field optional):
//! `PUT /quirks` sets the default, `PUT /accounts/{account}/quirks` one account's override,
//! `DELETE` on it drops the override; `GET` on either reads what is in force.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::config::{AccountSeed, LimitCategory, LimitSpec};
use super::faults::FaultRule;
use super::quirks::Quirks;
use super::server::App;
use super::{handle_of, SimHandle};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/accounts", post(add_account))
        .route("/seed", post(seed))
        .route("/boards", post(add_board))
        .route("/sections", post(add_section))
        .route("/tokens", post(issue_tokens))
        .route("/pins", get(created_pins))
        .route("/stats", get(stats))
        .route("/faults", post(add_fault))
        .route("/faults", delete(clear_faults))
        .route("/limits", put(set_limits))
        .route("/accounts/{account}/limits", put(set_account_limits))
        .route("/quirks", put(set_quirks).get(get_quirks))
        .route(
            "/accounts/{account}/quirks",
            put(set_account_quirks)
                .get(get_account_quirks)
                .delete(clear_account_quirks),
        )
        .route("/accounts/{account}/lower_limit", post(lower_limit))
        .route("/accounts/{account}/{action}", post(account_action))
        .route("/settings", put(settings))
        .route("/outage", post(outage))
}

fn handle(app: &App) -> Result<SimHandle, Response> {
    handle_of(app).ok_or_else(|| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "simulator is shutting down",
        )
            .into_response()
    })
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": format!("{what} not found") })),
    )
        .into_response()
}

fn done(found: bool) -> Response {
    if found {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found("account")
    }
}

#[derive(Deserialize)]
struct NewAccount {
    username: String,
}

async fn add_account(State(app): State<App>, Json(b): Json<NewAccount>) -> Response {
    match handle(&app) {
        Ok(h) => Json(json!({ "id": h.add_account(&b.username) })).into_response(),
        Err(r) => r,
    }
}

async fn seed(State(app): State<App>, Json(b): Json<Vec<AccountSeed>>) -> Response {
    match handle(&app) {
        Ok(h) => Json(h.seed(&b)).into_response(),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct NewBoard {
    account: String,
    name: String,
}

async fn add_board(State(app): State<App>, Json(b): Json<NewBoard>) -> Response {
    match handle(&app).map(|h| h.add_board(&b.account, &b.name)) {
        Ok(Some(board)) => (StatusCode::CREATED, Json(board)).into_response(),
        Ok(None) => not_found("account"),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct NewSection {
    board_id: String,
    name: String,
}

async fn add_section(State(app): State<App>, Json(b): Json<NewSection>) -> Response {
    match handle(&app).map(|h| h.add_section(&b.board_id, &b.name)) {
        Ok(Some(s)) => (StatusCode::CREATED, Json(s)).into_response(),
        Ok(None) => not_found("board"),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct Who {
    account: String,
}

async fn issue_tokens(State(app): State<App>, Json(b): Json<Who>) -> Response {
    match handle(&app).map(|h| h.issue_tokens(&b.account)) {
        Ok(Some(t)) => Json(t).into_response(),
        Ok(None) => not_found("account"),
        Err(r) => r,
    }
}

async fn created_pins(State(app): State<App>) -> Response {
    match handle(&app) {
        Ok(h) => Json(h.created_pins()).into_response(),
        Err(r) => r,
    }
}

async fn stats(State(app): State<App>) -> Response {
    match handle(&app) {
        Ok(h) => Json(h.stats()).into_response(),
        Err(r) => r,
    }
}

async fn add_fault(State(app): State<App>, Json(rule): Json<FaultRule>) -> Response {
    match handle(&app) {
        Ok(h) => {
            h.add_fault(rule);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => r,
    }
}

async fn clear_faults(State(app): State<App>) -> Response {
    match handle(&app) {
        Ok(h) => {
            h.clear_faults();
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => r,
    }
}

async fn set_limits(State(app): State<App>, Json(limits): Json<Vec<LimitSpec>>) -> Response {
    match handle(&app) {
        Ok(h) => {
            h.set_limits(limits);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => r,
    }
}

async fn set_account_limits(
    State(app): State<App>,
    Path(account): Path<String>,
    Json(limits): Json<Vec<LimitSpec>>,
) -> Response {
    match handle(&app) {
        Ok(h) => done(h.set_account_limits(&account, limits)),
        Err(r) => r,
    }
}

async fn set_quirks(State(app): State<App>, Json(q): Json<Quirks>) -> Response {
    match handle(&app) {
        Ok(h) => {
            h.set_quirks(q);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => r,
    }
}

async fn get_quirks(State(app): State<App>) -> Response {
    match handle(&app) {
        Ok(h) => Json(h.quirks()).into_response(),
        Err(r) => r,
    }
}

async fn set_account_quirks(
    State(app): State<App>,
    Path(account): Path<String>,
    Json(q): Json<Quirks>,
) -> Response {
    match handle(&app) {
        Ok(h) => done(h.set_account_quirks(&account, q)),
        Err(r) => r,
    }
}

async fn get_account_quirks(State(app): State<App>, Path(account): Path<String>) -> Response {
    match handle(&app).map(|h| h.quirks_for(&account)) {
        Ok(Some(q)) => Json(q).into_response(),
        Ok(None) => not_found("account"),
        Err(r) => r,
    }
}

async fn clear_account_quirks(State(app): State<App>, Path(account): Path<String>) -> Response {
    match handle(&app) {
        Ok(h) => done(h.clear_account_quirks(&account)),
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct Lower {
    category: LimitCategory,
    window_secs: u64,
    limit: u32,
}

async fn lower_limit(
    State(app): State<App>,
    Path(account): Path<String>,
    Json(b): Json<Lower>,
) -> Response {
    match handle(&app) {
        Ok(h) => done(h.lower_limit(&account, b.category, b.window_secs, b.limit)),
        Err(r) => r,
    }
}

/// `expire_tokens`, `revoke_refresh`, `spam_block`, `spam_clear`.
async fn account_action(
    State(app): State<App>,
    Path((account, action)): Path<(String, String)>,
) -> Response {
    let h = match handle(&app) {
        Ok(h) => h,
        Err(r) => return r,
    };
    match action.as_str() {
        "expire_tokens" => done(h.expire_access_tokens(&account)),
        "revoke_refresh" => done(h.revoke_refresh_tokens(&account)),
        "spam_block" => done(h.set_spam_block(&account, true)),
        "spam_clear" => done(h.set_spam_block(&account, false)),
        _ => not_found("action"),
    }
}

#[derive(Deserialize)]
struct Settings {
    trial_production: Option<bool>,
    auto_approve: Option<bool>,
    media_processing_polls: Option<u32>,
}

async fn settings(State(app): State<App>, Json(s): Json<Settings>) -> Response {
    let h = match handle(&app) {
        Ok(h) => h,
        Err(r) => return r,
    };
    if let Some(v) = s.trial_production {
        h.set_trial_production(v);
    }
    if let Some(v) = s.auto_approve {
        h.set_auto_approve(v);
    }
    if let Some(v) = s.media_processing_polls {
        h.set_media_processing_polls(v);
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct Outage {
    secs: u64,
}

/// Goes down for `secs` of clock time (connections refused), then comes back on the same port.
async fn outage(State(app): State<App>, Json(o): Json<Outage>) -> Response {
    let h = match handle(&app) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let clock = app.clock.clone();
    tokio::spawn(async move {
        // Let this answer leave before the connections are cut.
        tokio::time::sleep(Duration::from_millis(50)).await;
        h.stop().await;
        clock.sleep(Duration::from_secs(o.secs)).await;
        let _ = h.restart().await;
    });
    StatusCode::ACCEPTED.into_response()
}
