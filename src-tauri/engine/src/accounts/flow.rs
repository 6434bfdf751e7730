//! The whole connect flow, in the order a person lives it: bind the loopback listener, open the
//! consent page (the caller decides how: the desktop opens the system browser, the CLI prints the
//! URL), wait for the one callback, exchange the code, record account and tokens all or nothing,
//! then fetch the boards. The desktop and the CLI both run this, so they fail the same way.
//!
//! The store sits behind a mutex (the engine's, in the desktop) and is locked only for the
//! synchronous writes, never across a network wait.

use crate::AccountId;
use parking_lot::Mutex;
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use ts_rs::TS;
use url::Url;

use super::boards::fetch_boards;
use super::connect::{exchange, register, PendingConnect};
use super::read_pacing::{Patience, ReadGate, Reads};
use crate::clock::SystemClock;
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::{AppCredentials, Environment, PinterestClient, Secret};
use crate::secrets::token_store::TokenStore;
use crate::secrets::VaultTokens;
use crate::Store;

/// What to connect.
pub struct ConnectRequest<'a> {
    pub env: &'a Environment,
    pub app: &'a AppCredentials,
    /// Loopback port of the registered redirect URI (0: any free port, for the simulator).
    pub port: u16,
    /// Reconnect this account, keeping its queue.
    pub reconnect: Option<AccountId>,
    /// How long the browser has to come back.
    pub timeout: Duration,
    /// Whose pacer counts the first board sync's reads (the running engine's, if any).
    pub reads: Reads,
}

/// What a finished connect reports.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConnectSummary {
    #[ts(type = "number")]
    pub account_id: AccountId,
    pub username: String,
    /// Boards fetched, or why the first sync failed (the account is connected either way).
    pub boards: Option<u32>,
    pub boards_error: Option<String>,
}

/// Runs the flow. `open` is handed the consent page's URL once the listener is ready.
pub async fn connect_account(
    store: &Mutex<Store>,
    tokens: &VaultTokens,
    req: ConnectRequest<'_>,
    open: impl FnOnce(&Url) -> Result<(), EngineError>,
) -> Result<ConnectSummary, EngineError> {
    let pending = PendingConnect::begin(req.env, &req.app.client_id, req.port).await?;
    let redirect = pending.redirect_uri.clone();
    open(&pending.authorize_url)?;
    let code = pending.wait_for_code(req.timeout).await?;
    let client = client_for(req.env)?;
    let connection = exchange(&client, req.app, &code, &redirect).await?;
    let username = connection.user.username.clone();
    let access = connection.tokens.access.clone();
    let id = {
        let mut guard = store.lock();
        register(
            &mut guard,
            tokens,
            req.env,
            req.app,
            connection,
            req.reconnect,
            Utc::now(),
        )?
    };
    // The person is watching the connect end: a long wait gives up the sync, not the connect.
    let boards = sync_boards(
        store,
        &client,
        id,
        &access,
        req.reads,
        Patience::Interactive,
    )
    .await;
    Ok(ConnectSummary {
        account_id: id,
        username,
        boards: boards.as_ref().ok().map(|n| *n as u32),
        boards_error: boards.err().map(|e| e.message),
    })
}

/// Fetches every board and section of `account` and replaces its cached list; returns how many
/// boards it has. A failure leaves the old list and its sync time. Its reads are paced by
/// `reads`; `patience` says how long a wait it accepts (see `read_pacing`).
pub async fn sync_boards(
    store: &Mutex<Store>,
    client: &PinterestClient,
    account: AccountId,
    token: &Secret,
    reads: Reads,
    patience: Patience,
) -> Result<usize, EngineError> {
    let result: Result<_, EngineError> = async {
        let gate = ReadGate::new(store, reads, account, patience, client.now())?;
        let boards = fetch_boards(client, token, &gate).await?;
        let mut guard = store.lock();
        guard.replace_boards(account, &boards, Utc::now())
    }
    .await;
    match result {
        Ok(done) => {
            tracing::info!(
                %account,
                boards = done.boards,
                sections = done.sections,
                skipped_boards = done.skipped_boards,
                skipped_sections = done.skipped_sections,
                "boards: list replaced"
            );
            Ok(done.boards)
        }
        Err(e) => {
            tracing::warn!(
                %account,
                code = ?e.code,
                "boards: not refreshed, the old list stays: {}",
                e.message
            );
            Err(e)
        }
    }
}

/// Refreshes a connected account's boards with its stored token (the CLI's `sync-boards` and
/// the desktop's "Refresh boards"), a person waiting for it; returns how many boards it has.
pub async fn refresh_account_boards(
    store: &Mutex<Store>,
    tokens: &dyn TokenStore,
    account: AccountId,
    reads: Reads,
) -> Result<usize, EngineError> {
    let env = store.lock().account(account)?.environment;
    let token = tokens
        .tokens(account)
        .ok_or_else(|| {
            tracing::warn!(
                %account,
                "boards: not refreshed, the account has no stored token"
            );
            EngineError::new(
                ErrorCode::InvalidInput,
                format!("account {account} has no stored token: reconnect it first"),
            )
        })?
        .access;
    let client = client_for(&env)?;
    sync_boards(
        store,
        &client,
        account,
        &token,
        reads,
        Patience::Interactive,
    )
    .await
}

/// A client for an environment on the system clock.
pub fn client_for(env: &Environment) -> Result<PinterestClient, EngineError> {
    env.check()?;
    let base = env.api_base().map_err(|e| {
        EngineError::new(
            ErrorCode::InvalidInput,
            format!("the environment's base URL is not valid: {e}"),
        )
    })?;
    Ok(PinterestClient::new(base, std::sync::Arc::new(SystemClock)))
}
