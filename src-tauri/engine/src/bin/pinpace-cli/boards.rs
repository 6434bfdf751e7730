//! `pinpace-cli boards`: an account's boards and their sections, straight from Pinterest (all
//! pages), as JSON, so that scripts can pick board ids rather than names. The same paced,
//! capped walk as a board sync (`accounts::boards::fetch_boards`), without touching the cache.

use pinpace_engine::AccountId;
use std::sync::Arc;

use parking_lot::Mutex;
use pinpace_engine::accounts::boards::fetch_boards;
use pinpace_engine::accounts::read_pacing::{Patience, ReadGate, Reads};
use pinpace_engine::clock::SystemClock;
use pinpace_engine::pinterest::PinterestClient;
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde_json::json;

pub async fn list(store: Store, account: AccountId, tokens_stdin: bool) -> Result<(), EngineError> {
    let env = store.account(account)?.environment;
    let tokens = super::run::load_tokens(tokens_stdin)?;
    let token = tokens
        .tokens(account)
        .ok_or_else(|| {
            EngineError::new(
                ErrorCode::InvalidInput,
                format!("no token for account {account} in PINPACE_TOKENS"),
            )
        })?
        .access;
    env.check()?;
    let base = env
        .api_base()
        .map_err(|e| EngineError::new(ErrorCode::InvalidInput, format!("bad base URL: {e}")))?;
    let client = PinterestClient::new(base, Arc::new(SystemClock));
    // Paced and capped like every board sync: no engine runs here, so a pacer rebuilt from the
    // store counts the reads, and the request log keeps them for the next start.
    let store = Mutex::new(store);
    let gate = ReadGate::new(
        &store,
        Reads::Local,
        account,
        Patience::Interactive,
        client.now(),
    )?;
    let boards = fetch_boards(&client, &token, &gate).await?;
    let out: Vec<_> = boards
        .into_iter()
        .map(
            |(board, sections)| json!({ "id": board.id, "name": board.name, "sections": sections }),
        )
        .collect();
    println!("{}", serde_json::to_string(&out).expect("json"));
    Ok(())
}
