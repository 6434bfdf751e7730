//! `pinpace-cli boards`: an account's boards and their sections, straight from Pinterest (all
//! pages), as JSON, so that scripts can pick board ids rather than names.

use pinpace_engine::AccountId;
use std::sync::Arc;

use pinpace_engine::clock::SystemClock;
use pinpace_engine::pinterest::paging::collect_all;
use pinpace_engine::pinterest::{Outcome, PinterestClient};
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde_json::json;

pub async fn list(
    store: &Store,
    account: AccountId,
    tokens_stdin: bool,
) -> Result<(), EngineError> {
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
    let (boards, last) = collect_all(|page| client.list_boards(&token, page)).await;
    fail_unless_success(last.outcome)?;
    let mut out = Vec::new();
    for board in boards {
        let (sections, last) =
            collect_all(|page| client.list_sections(&token, &board.id, page)).await;
        fail_unless_success(last.outcome)?;
        out.push(json!({ "id": board.id, "name": board.name, "sections": sections }));
    }
    println!("{}", serde_json::to_string(&out).expect("json"));
    Ok(())
}

fn fail_unless_success(outcome: Outcome<()>) -> Result<(), EngineError> {
    match outcome {
        Outcome::Success(()) => Ok(()),
        other => Err(EngineError::new(
            ErrorCode::PinterestUnavailable,
            format!("Pinterest did not list the boards: {other:?}"),
        )),
    }
}
