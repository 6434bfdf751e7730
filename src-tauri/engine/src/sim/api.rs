//! The `/v5` operations PinPace calls, behind the gate (auth, limits, faults are already done
//! when a handler runs). Lists page with opaque bookmarks that name the last id served, not an
//! offset: the next page starts after that id in the list's order (ids increase with creation),
//! so a pin created or deleted between two pages neither repeats nor hides another item, in
//! either listing order. Board pin listings follow the account's quirks (order, delay).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use base64::Engine as _;

use super::quirks::{Bookmarks, ListingOrder};
use super::server::{codes, error, App, AuthAccount};
use super::state::{BoardRec, CreatedPin};
use super::validate::{parse_pin, validate_pin};
use crate::pinterest::types::{limits, Page, Pin, PinMedia, UserAccount};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/user_account", get(user_account))
        .route("/boards", get(list_boards))
        .route("/boards/{board_id}/sections", get(list_sections))
        .route("/boards/{board_id}/pins", get(list_board_pins))
        .route("/pins", axum::routing::post(create_pin))
        .route("/pins/{pin_id}", get(get_pin).delete(delete_pin))
        .route("/media", axum::routing::post(super::media::register))
        .route("/media/{media_id}", get(super::media::status))
}

type Q = Query<HashMap<String, String>>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn bad(msg: &str) -> Response {
    error(StatusCode::BAD_REQUEST, codes::INVALID_PARAMETERS, msg)
}

/// One page of `items`, each with its id as a number, already sorted by id in `order`
/// (`OldestFirst`: ascending).
fn paginate<T>(
    items: Vec<(u64, T)>,
    order: ListingOrder,
    q: &HashMap<String, String>,
) -> Result<Page<T>, Response> {
    let size = match q.get("page_size") {
        None => 25,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=limits::MAX_PAGE_SIZE).contains(&n) => n as usize,
            _ => return Err(bad("Invalid parameters: page_size must be 1 to 250.")),
        },
    };
    let after = match q.get("bookmark").filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => {
            let decoded = B64
                .decode(b)
                .ok()
                .and_then(|v| String::from_utf8(v).ok())
                .and_then(|s| s.strip_prefix("pp1:").and_then(|n| n.parse::<u64>().ok()));
            match decoded {
                Some(n) => Some(n),
                None => return Err(bad("Invalid parameters: bookmark.")),
            }
        }
    };
    let start = match after {
        None => 0,
        Some(last) => items
            .iter()
            .position(|(k, _)| match order {
                ListingOrder::OldestFirst => *k > last,
                ListingOrder::NewestFirst => *k < last,
            })
            .unwrap_or(items.len()),
    };
    let mut rest: Vec<(u64, T)> = items.into_iter().skip(start).collect();
    let more = rest.len() > size;
    rest.truncate(size);
    let bookmark = if more {
        rest.last().map(|(k, _)| B64.encode(format!("pp1:{k}")))
    } else {
        None
    };
    Ok(Page {
        items: rest.into_iter().map(|(_, t)| t).collect(),
        bookmark,
    })
}

pub fn to_pin(p: &CreatedPin) -> Pin {
    Pin {
        id: p.id.clone(),
        // RFC 3339 with its offset, as the spec's `date-time` format requires; in the server's
        // clock, as it wrote it.
        created_at: Some(
            p.server_created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        board_id: p.board_id.clone(),
        board_section_id: p.board_section_id.clone(),
        text: p.text.clone(),
        media: Some(PinMedia {
            media_type: Some(p.media_type.clone()),
        }),
    }
}

async fn user_account(State(app): State<App>, Extension(a): Extension<AuthAccount>) -> Response {
    let st = app.lock();
    match st.accounts.get(&a.0) {
        Some(rec) => Json(UserAccount {
            id: Some(rec.id.clone()),
            username: rec.username.clone(),
            account_type: Some("BUSINESS".into()),
            business_name: None,
        })
        .into_response(),
        None => error(
            StatusCode::FORBIDDEN,
            codes::NOT_AUTHORIZED,
            "Not authorized to access the user account.",
        ),
    }
}

async fn list_boards(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    q: Q,
) -> Response {
    let st = app.lock();
    let items = st
        .boards
        .iter()
        .filter(|(_, b)| b.account == a.0)
        .map(|(k, b)| (*k, b.board.clone()))
        .collect();
    let quirk = st.quirks_of(&a.0).bookmarks;
    match paginate(items, ListingOrder::OldestFirst, &q) {
        Ok(page) => Json(broken_bookmark(page, quirk, &q)).into_response(),
        Err(r) => r,
    }
}

/// The page's bookmark as the account's `bookmarks` quirk rewrites it.
fn broken_bookmark<T>(mut page: Page<T>, quirk: Bookmarks, q: &HashMap<String, String>) -> Page<T> {
    match quirk {
        Bookmarks::Honest => {}
        Bookmarks::Repeat => page.bookmark = Some(B64.encode("pp1:0")),
        Bookmarks::Endless => {
            // One past the requested position, so each page names a bookmark never seen before.
            let n = q.get("bookmark").map_or(0, |b| {
                let s = B64.decode(b).ok().and_then(|v| String::from_utf8(v).ok());
                s.and_then(|s| s.strip_prefix("pp1:").and_then(|n| n.parse::<u64>().ok()))
                    .unwrap_or(0)
            });
            page.bookmark = Some(B64.encode(format!("pp1:{}", n + 1_000_000)));
        }
    }
    page
}

/// The caller's board, or the 404/403 Pinterest would give.
fn owned_board<'a>(
    st: &'a super::state::SimState,
    account: &str,
    id: &str,
) -> Result<&'a BoardRec, Response> {
    let b = id
        .parse::<u64>()
        .ok()
        .and_then(|k| st.boards.get(&k))
        .ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                codes::BOARD_NOT_FOUND,
                "Board not found.",
            )
        })?;
    if b.account != account {
        return Err(error(
            StatusCode::FORBIDDEN,
            codes::NOT_AUTHORIZED,
            "Not authorized to access this board.",
        ));
    }
    Ok(b)
}

async fn list_sections(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    Path(board_id): Path<String>,
    q: Q,
) -> Response {
    let st = app.lock();
    let board = match owned_board(&st, &a.0, &board_id) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let items = board
        .sections
        .iter()
        .map(|s| (s.id.parse().unwrap_or(0), s.clone()))
        .collect();
    let quirk = st.quirks_of(&a.0).bookmarks;
    match paginate(items, ListingOrder::OldestFirst, &q) {
        Ok(page) => Json(broken_bookmark(page, quirk, &q)).into_response(),
        Err(r) => r,
    }
}

async fn list_board_pins(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    Path(board_id): Path<String>,
    q: Q,
) -> Response {
    let now = app.clock.now();
    let st = app.lock();
    if let Err(r) = owned_board(&st, &a.0, &board_id) {
        return r;
    }
    let order = st.quirks_of(&a.0).listing_order;
    let listed = st
        .pins
        .iter()
        .filter(|(_, p)| p.board_id == board_id && !p.deleted && p.listed_at <= now)
        .map(|(k, p)| (*k, to_pin(p)));
    let items = match order {
        ListingOrder::NewestFirst => listed.rev().collect(),
        ListingOrder::OldestFirst => listed.collect(),
    };
    match paginate(items, order, &q) {
        Ok(page) => Json(page).into_response(),
        Err(r) => r,
    }
}

async fn create_pin(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    body: Bytes,
) -> Response {
    let now = app.clock.now();
    let parsed = parse_pin(&body);
    let mut st = app.lock();
    if st.config.trial_production {
        return error(
            StatusCode::FORBIDDEN,
            codes::TRIAL_ACCESS,
            "Apps with Trial access may not create Pins in production. Use the sandbox API or upgrade to Standard access.",
        );
    }
    let valid = match parsed.and_then(|p| validate_pin(&st, &a.0, p)) {
        Ok(v) => v,
        Err((status, code, msg)) => return error(status, code, msg),
    };
    let id = st.next_id();
    let seq = st.pins.len() as u64 + 1;
    let quirks = st.quirks_of(&a.0);
    let b = valid.body;
    let rec = CreatedPin {
        seq,
        id: id.to_string(),
        account_id: a.0.clone(),
        board_id: b.board_id,
        board_section_id: b.board_section_id,
        text: b.text,
        media_type: valid.media_type.to_string(),
        media_fingerprint: valid.fingerprint,
        created_at: now,
        server_created_at: quirks.server_time(now),
        listed_at: quirks.listed_at(now),
        deleted: false,
    };
    let pin = to_pin(&rec);
    st.pins.insert(id, rec);
    (StatusCode::CREATED, Json(pin)).into_response()
}

/// The caller's live pin with this id.
fn find_pin(st: &super::state::SimState, account: &str, id: &str) -> Option<u64> {
    let k = id.parse::<u64>().ok()?;
    st.pins
        .get(&k)
        .filter(|p| p.account_id == account && !p.deleted)
        .map(|_| k)
}

fn pin_not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        codes::PIN_NOT_FOUND,
        "Pin not found.",
    )
}

async fn get_pin(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    Path(id): Path<String>,
) -> Response {
    let st = app.lock();
    match find_pin(&st, &a.0, &id) {
        Some(k) => Json(to_pin(&st.pins[&k])).into_response(),
        None => pin_not_found(),
    }
}

async fn delete_pin(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    Path(id): Path<String>,
) -> Response {
    let mut st = app.lock();
    match find_pin(&st, &a.0, &id) {
        Some(k) => {
            if let Some(p) = st.pins.get_mut(&k) {
                p.deleted = true;
            }
            StatusCode::NO_CONTENT.into_response()
        }
        None => pin_not_found(),
    }
}
