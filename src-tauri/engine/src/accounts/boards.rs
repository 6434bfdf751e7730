//! Fetching an account's boards and each board's sections from Pinterest, every page, so the
//! store can replace its cached list in one go (`Store::replace_boards`). A listing that fails
//! midway changes nothing: the old list and its sync time stay.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::client::PageRequest;
use crate::pinterest::outcome::Reply;
use crate::pinterest::paging::collect_all;
use crate::pinterest::types::{Board, BoardSection, Page};
use crate::pinterest::{Outcome, PinterestClient, Secret};

/// How many times one page is asked for again after a 429, and the longest wait accepted.
const RATE_LIMITED_TRIES: u32 = 5;
const LONGEST_WAIT: Duration = Duration::from_secs(120);

/// Every board of the account with its sections. An account with hundreds of boards needs
/// hundreds of requests: the listing follows the server's pace (it waits out a window whose
/// `remaining` reached 0, and a 429's Retry-After, up to two minutes).
pub async fn fetch_boards(
    client: &PinterestClient,
    token: &Secret,
) -> Result<Vec<(Board, Vec<BoardSection>)>, EngineError> {
    let (boards, last) = collect_all(|page| boards_page(client, token, page)).await;
    check(last.outcome)?;
    let mut out = Vec::with_capacity(boards.len());
    for board in boards {
        let id = board.id.clone();
        let (sections, last) = collect_all(|page| sections_page(client, token, &id, page)).await;
        check(last.outcome)?;
        out.push((board, sections));
    }
    Ok(out)
}

async fn boards_page(
    client: &PinterestClient,
    token: &Secret,
    page: PageRequest,
) -> Reply<Page<Board>> {
    polite(client, || client.list_boards(token, page.clone())).await
}

async fn sections_page(
    client: &PinterestClient,
    token: &Secret,
    board: &str,
    page: PageRequest,
) -> Reply<Page<BoardSection>> {
    polite(client, || client.list_sections(token, board, page.clone())).await
}

/// Sends `call`, again after each 429 once its wait ran out; after an answer that says the
/// window is used up, waits for the window's reset before returning.
async fn polite<T, F, Fut>(client: &PinterestClient, call: F) -> Reply<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Reply<T>>,
{
    let mut tries = 0;
    loop {
        let reply = call().await;
        let now = client.now();
        let wait_until = |at: Option<DateTime<Utc>>| {
            at.and_then(|t| (t - now).to_std().ok())
                .filter(|w| *w <= LONGEST_WAIT)
        };
        match &reply.outcome {
            Outcome::RateLimited {
                retry_at,
                spam_block: false,
                ..
            } if tries < RATE_LIMITED_TRIES => {
                tries += 1;
                let wait = wait_until(*retry_at).unwrap_or(Duration::from_secs(1));
                tracing::info!(
                    try_number = tries,
                    wait_ms = wait.as_millis() as u64,
                    "boards: Pinterest asked to slow down; asking for the page again after the wait"
                );
                tokio::time::sleep(wait).await;
            }
            _ => {
                if reply.signals.remaining == Some(0) {
                    if let Some(wait) = wait_until(reply.signals.reset_at) {
                        tracing::info!(
                            wait_ms = wait.as_millis() as u64,
                            "boards: the rate-limit window is used up; waiting for its reset"
                        );
                        tokio::time::sleep(wait).await;
                    }
                }
                return reply;
            }
        }
    }
}

fn check(outcome: Outcome<()>) -> Result<(), EngineError> {
    match outcome {
        Outcome::Success(()) => Ok(()),
        Outcome::Auth { message, .. } => Err(EngineError::new(
            ErrorCode::PinterestUnavailable,
            format!("Pinterest refused the account's token ({message}); reconnect the account"),
        )),
        Outcome::Terminal { message, .. } => Err(EngineError::new(
            ErrorCode::PinterestUnavailable,
            format!("Pinterest refused to list the boards: {message}"),
        )),
        Outcome::RateLimited { .. } => Err(EngineError::new(
            ErrorCode::PinterestUnavailable,
            "Pinterest asked to slow down; the board list was not refreshed, try again later",
        )),
        Outcome::Offline { .. } | Outcome::Transient { .. } => Err(EngineError::new(
            ErrorCode::PinterestUnavailable,
            "Pinterest could not be reached; the board list was not refreshed",
        )),
    }
}
