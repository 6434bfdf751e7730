//! The Pinterest simulator: a local HTTP server on loopback that answers like Pinterest's API v5
//! for the operations PinPace uses, with its limits and its faults. Tests drive it in-process
//! through `SimHandle`; `pinpace-sim` serves it and drives it over `/_sim/...` (see `admin`).
//!
//! Shape: `state` holds all data behind one mutex; `server` owns sockets and the gate (auth,
//! limits, faults, stats) every `/v5` call passes; `guard` refuses any request whose Host is not
//! this loopback server, and `/_sim` calls from web pages or without the admin key; `api`,
//! `media`, `oauth` are the handlers; `validate` and `limits` are pure logic with unit tests; `config` and `faults` are serde data,
//! so one JSON shape serves the config file, the admin API and tests. All time comes from the
//! injected clock. `quirks` holds per-account departures from what a client may assume (a
//! lagging listing, a skewed server clock, absolute rate-limit times, the listing order).

// Helpers return `Result<_, Response>` (an early answer), the axum idiom; its size is no cost here.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod api;
pub mod config;
pub mod faults;
pub mod guard;
pub mod limits;
pub mod media;
pub mod oauth;
pub mod quirks;
pub mod server;
pub mod state;
pub mod validate;

use parking_lot::Mutex;
use std::sync::{Arc, OnceLock, Weak};

use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use tokio::net::TcpListener;

pub use config::{AccountSeed, BoardSeed, LimitCategory, LimitSpec, Preset, Scope, SimConfig};
pub use faults::{FaultKind, FaultRule};
pub use quirks::{AccountQuirks, Bookmarks, ListingOrder, Quirks};
pub use server::codes;
pub use state::{CreatedPin, RequestStats};

use crate::clock::SharedClock;
use crate::pin_text::PinText;
use crate::pinterest::types::{Board, BoardSection, TokenResponse};
use server::{App, Running, Shared};
use state::SimState;

/// Starts simulators.
pub struct Simulator;

fn root_at(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// The API base of a simulator listening on loopback at `port` (what `SimHandle::base_url`
/// answers): the one place the address's shape is written.
pub fn base_url_at(port: u16) -> String {
    format!("{}/v5", root_at(port))
}

impl Simulator {
    /// Binds `127.0.0.1:<config.port>` (0 = any free port), seeds `config.accounts`, serves.
    /// The admin key is `config.admin_key`, or a fresh random one; one that cannot be sent as a
    /// header is refused (`InvalidInput`), and so is a config that fails `SimConfig::validate`.
    pub async fn start(mut config: SimConfig, clock: SharedClock) -> std::io::Result<SimHandle> {
        config
            .validate()
            .map_err(|m| std::io::Error::new(std::io::ErrorKind::InvalidInput, m))?;
        // Taken out of the config so that the state (which is Debug) never holds it.
        let admin_key = match config.admin_key.take() {
            Some(k) => {
                guard::check_admin_key(&k)
                    .map_err(|why| std::io::Error::new(std::io::ErrorKind::InvalidInput, why))?;
                k
            }
            None => guard::new_admin_key(),
        };
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let port = listener.local_addr()?.port();
        let seeds = config.accounts.clone();
        let app: App = Arc::new(Shared {
            clock,
            state: Mutex::new(SimState::new(config)),
            root: root_at(port),
            port,
            admin_key: crate::pinterest::Secret::new(admin_key),
            handle: OnceLock::new(),
        });
        let router = router(app.clone());
        let inner = Arc::new(HandleInner {
            app: app.clone(),
            port,
            router: router.clone(),
            running: tokio::sync::Mutex::new(Some(server::serve(listener, router))),
        });
        let _ = app.handle.set(Arc::downgrade(&inner));
        let handle = SimHandle(inner);
        handle.seed(&seeds);
        Ok(handle)
    }
}

/// The largest request body the API takes: a 20 MB image in base64, plus the pin's text.
pub const MAX_BODY_BYTES: usize = 28 * 1024 * 1024;

fn router(app: App) -> Router {
    let gated = api::routes().route_layer(axum::middleware::from_fn_with_state(
        app.clone(),
        server::gate,
    ));
    // ASSUMPTION: Pinterest takes a base64 image up to its 20 MB image limit in the JSON body
    // (26.7 MB of base64); axum's default of 2 MB would refuse any real photo.
    let v5 = gated
        .route("/oauth/token", post(oauth::token))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            quirks::stamp_date,
        ));
    Router::new()
        .nest("/v5", v5)
        .route("/oauth/", get(oauth::authorize))
        .route("/oauth", get(oauth::authorize))
        .route("/oauth/decision", post(oauth::decision))
        .route(media::UPLOAD_PATH, post(media::upload))
        .nest(
            "/_sim",
            admin::routes().route_layer(axum::middleware::from_fn_with_state(
                app.clone(),
                guard::admin,
            )),
        )
        // Outermost, so that nothing (not even a 404) answers a foreign Host.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::loopback_host,
        ))
        .with_state(app)
}

#[derive(Debug)]
pub struct HandleInner {
    app: App,
    port: u16,
    router: Router,
    running: tokio::sync::Mutex<Option<Running>>,
}

/// A seeded account: its id, its boards and their sections.
#[derive(Debug, Clone, Serialize)]
pub struct SeededAccount {
    pub id: String,
    pub username: String,
    pub boards: Vec<SeededBoard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeededBoard {
    pub board: Board,
    pub sections: Vec<BoardSection>,
}

/// Controls one running simulator. Cheap to clone; every method that names an account takes
/// its id or its username.
#[derive(Debug, Clone)]
pub struct SimHandle(Arc<HandleInner>);

impl SimHandle {
    fn app(&self) -> &App {
        &self.0.app
    }
    fn with<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        f(&mut self.app().lock())
    }
    fn account_id(&self, key: &str) -> Option<String> {
        self.with(|st| st.find_account(key).map(|a| a.id.clone()))
    }

    pub fn port(&self) -> u16 {
        self.0.port
    }
    /// `http://127.0.0.1:PORT/v5`
    pub fn base_url(&self) -> String {
        base_url_at(self.port())
    }
    /// `http://127.0.0.1:PORT/oauth/` (add client_id, redirect_uri, response_type, scope, state).
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth/", self.app().root)
    }
    /// `http://127.0.0.1:PORT/_sim`
    pub fn admin_url(&self) -> String {
        format!("{}/_sim", self.app().root)
    }
    /// The key `/_sim` requests must send in `X-Sim-Key` (random at each start unless the
    /// config named one). In-process callers need it only to drive `/_sim` over HTTP.
    pub fn admin_key(&self) -> &str {
        self.app().admin_key.expose()
    }
    pub fn client_credentials(&self) -> (String, String) {
        self.with(|st| (st.config.client_id.clone(), st.config.client_secret.clone()))
    }

    pub fn add_account(&self, username: &str) -> String {
        self.with(|st| st.add_account(username))
    }
    pub fn add_board(&self, account: &str, name: &str) -> Option<Board> {
        self.with(|st| st.add_board(account, name))
    }
    /// `n` pins on `board_id` made a day ago (a long board's history, for the tests whose
    /// board check must read far), each `"{title} {i}"`; returns how many were made.
    pub fn seed_pins(&self, account: &str, board_id: &str, n: usize, title: &str) -> usize {
        let long_ago = self.app().clock.now() - chrono::TimeDelta::days(1);
        let Some(account) = self.account_id(account) else {
            return 0;
        };
        self.with(|st| {
            for i in 0..n {
                let at = long_ago + chrono::TimeDelta::seconds(i as i64);
                let id = st.next_id();
                let rec = CreatedPin {
                    seq: st.pins.len() as u64 + 1,
                    id: id.to_string(),
                    account_id: account.clone(),
                    board_id: board_id.to_string(),
                    board_section_id: None,
                    text: PinText {
                        title: Some(format!("{title} {i}")),
                        description: None,
                        link: None,
                        alt_text: None,
                    },
                    media_type: "image".into(),
                    media_fingerprint: format!("seed:{i}"),
                    created_at: at,
                    server_created_at: at,
                    listed_at: at,
                    deleted: false,
                };
                st.pins.insert(id, rec);
            }
            n
        })
    }
    pub fn add_section(&self, board_id: &str, name: &str) -> Option<BoardSection> {
        self.with(|st| st.add_section(board_id, name))
    }
    /// Creates accounts with their boards and sections.
    pub fn seed(&self, accounts: &[AccountSeed]) -> Vec<SeededAccount> {
        self.with(|st| {
            accounts
                .iter()
                .map(|a| {
                    let id = st.add_account(&a.username);
                    let boards = a
                        .boards
                        .iter()
                        .filter_map(|b| {
                            let board = st.add_board(&id, &b.name)?;
                            let sections = b
                                .sections
                                .iter()
                                .filter_map(|s| st.add_section(&board.id, s))
                                .collect();
                            Some(SeededBoard { board, sections })
                        })
                        .collect();
                    SeededAccount {
                        id,
                        username: a.username.clone(),
                        boards,
                    }
                })
                .collect()
        })
    }
    /// A token pair for `account`, as if it had gone through OAuth.
    pub fn issue_tokens(&self, account: &str) -> Option<TokenResponse> {
        let now = self.app().clock.now();
        self.with(|st| {
            st.issue_tokens(
                account,
                "boards:read,pins:read,pins:write",
                "authorization_code",
                now,
            )
        })
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.with(|st| st.faults.push(rule));
    }
    pub fn clear_faults(&self) {
        self.with(|st| st.faults.clear());
    }
    /// Replaces the policies in force (for accounts without an override).
    pub fn set_limits(&self, limits: Vec<LimitSpec>) {
        self.with(|st| st.limits = limits);
    }
    /// Replaces `account`'s user-scope policies.
    pub fn set_account_limits(&self, account: &str, limits: Vec<LimitSpec>) -> bool {
        let Some(id) = self.account_id(account) else {
            return false;
        };
        let user = limits
            .into_iter()
            .filter(|p| p.scope == Scope::User)
            .collect();
        self.with(|st| st.account_limits.insert(id, user));
        true
    }
    /// Lowers (or sets) one of `account`'s user-scope limits, without notice.
    pub fn lower_limit(
        &self,
        account: &str,
        category: LimitCategory,
        window_secs: u64,
        limit: u32,
    ) -> bool {
        let Some(id) = self.account_id(account) else {
            return false;
        };
        self.with(|st| st.lower_limit(&id, category, window_secs, limit));
        true
    }
    /// Every access token of `account` expires now (next call answers 401).
    pub fn expire_access_tokens(&self, account: &str) -> bool {
        let now = self.app().clock.now();
        let Some(id) = self.account_id(account) else {
            return false;
        };
        self.with(|st| st.expire_access_tokens(&id, now));
        true
    }
    pub fn revoke_refresh_tokens(&self, account: &str) -> bool {
        let Some(id) = self.account_id(account) else {
            return false;
        };
        self.with(|st| st.revoke_refresh_tokens(&id));
        true
    }
    /// Blocks (or unblocks) `account` for spam: every call answers a spam 429 until cleared.
    pub fn set_spam_block(&self, account: &str, blocked: bool) -> bool {
        self.with(|st| {
            st.account_mut(account)
                .map(|a| a.spam_blocked = blocked)
                .is_some()
        })
    }
    /// Replaces the quirks of every account without an override of its own.
    pub fn set_quirks(&self, quirks: Quirks) {
        self.with(|st| st.quirks.default = quirks);
    }
    pub fn quirks(&self) -> Quirks {
        self.with(|st| st.quirks.default)
    }
    /// Replaces (as a whole, not field by field) the quirks of `account`.
    pub fn set_account_quirks(&self, account: &str, quirks: Quirks) -> bool {
        self.replace_account_quirks(account, Some(quirks))
    }
    /// `account` follows the default quirks again.
    pub fn clear_account_quirks(&self, account: &str) -> bool {
        self.replace_account_quirks(account, None)
    }
    fn replace_account_quirks(&self, account: &str, quirks: Option<Quirks>) -> bool {
        self.with(|st| {
            let Some(a) = st.find_account(account).cloned() else {
                return false;
            };
            st.quirks.set(&a.id, &a.username, quirks);
            true
        })
    }
    /// The quirks in force for `account` (its override or the default).
    pub fn quirks_for(&self, account: &str) -> Option<Quirks> {
        self.with(|st| {
            let id = st.find_account(account)?.id.clone();
            Some(st.quirks_of(&id))
        })
    }
    pub fn set_trial_production(&self, on: bool) {
        self.with(|st| st.config.trial_production = on);
    }
    pub fn set_auto_approve(&self, on: bool) {
        self.with(|st| st.config.auto_approve = on);
    }
    pub fn set_media_processing_polls(&self, polls: u32) {
        self.with(|st| st.config.media_processing_polls = polls);
    }

    /// Every pin ever created, in creation order (deleted ones flagged).
    pub fn created_pins(&self) -> Vec<CreatedPin> {
        self.with(|st| st.pins.values().cloned().collect())
    }
    pub fn stats(&self) -> RequestStats {
        self.with(|st| st.stats.clone())
    }
    /// The client credentials (id, secret) each `POST /oauth/token` presented, in order.
    pub fn token_clients(&self) -> Vec<(String, String)> {
        self.with(|st| st.token_clients.clone())
    }
    /// Every secret handed out so far (each access and refresh token and authorization code
    /// ever issued, and the app's client secret), for tests that search logs for leaks.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.with(|st| {
            let issued = st
                .access
                .keys()
                .chain(st.refresh.keys())
                .chain(st.codes.keys());
            let mut all: Vec<String> = issued.cloned().collect();
            all.push(st.config.client_secret.clone());
            all
        })
    }

    pub async fn is_running(&self) -> bool {
        self.0.running.lock().await.is_some()
    }
    /// Stops serving: the port refuses connections and open connections are cut. Data stays.
    pub async fn stop(&self) {
        if let Some(r) = self.0.running.lock().await.take() {
            r.stop().await;
        }
    }
    /// Serves again on the same port, with the same data.
    pub async fn restart(&self) -> std::io::Result<()> {
        let mut running = self.0.running.lock().await;
        if running.is_none() {
            let listener = TcpListener::bind(("127.0.0.1", self.0.port)).await?;
            *running = Some(server::serve(listener, self.0.router.clone()));
        }
        Ok(())
    }
}

/// Used by the admin API to reach the handle that owns the server.
pub(crate) fn handle_of(app: &App) -> Option<SimHandle> {
    app.handle.get().and_then(Weak::upgrade).map(SimHandle)
}
