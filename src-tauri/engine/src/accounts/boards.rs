//! Fetching an account's boards and each board's sections from Pinterest, every page, so the
//! store can replace its cached list in one go (`Store::replace_boards`). A listing that fails
//! midway, or breaks a cap, changes nothing: the old list and its sync time stay.
//!
//! Every page is paced (`read_pacing::ReadGate`: an `org_read` slot, the request log, the
//! server's floor), and every listing is capped (`paging::BOARDS`, `paging::SECTIONS`). An
//! account with hundreds of boards needs hundreds of requests, one sections listing per board:
//! assumption about Pinterest, sections come only per board (there is no account-wide listing in
//! API v5), so the caps bound the whole sync at 5,000 boards' listings.

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::outcome::Reply;
use crate::pinterest::paging::{collect_all, ListingEnd, BOARDS, SECTIONS};
use crate::pinterest::types::{Board, BoardSection};
use crate::pinterest::{Outcome, PinterestClient, Secret, TransientReason};

use super::read_pacing::ReadGate;

/// Every board of the account with its sections, each page sent through `gate`.
pub async fn fetch_boards(
    client: &PinterestClient,
    token: &Secret,
    gate: &ReadGate<'_>,
) -> Result<Vec<(Board, Vec<BoardSection>)>, EngineError> {
    let (boards, end) = collect_all(BOARDS, |page| {
        gate.send(client, move || client.list_boards(token, page.clone()))
    })
    .await?;
    check(end)?;
    let mut out = Vec::with_capacity(boards.len());
    for board in boards {
        let id = board.id.clone();
        let (sections, end) = collect_all(SECTIONS, |page| {
            let id = &id;
            gate.send(client, move || {
                client.list_sections(token, id, page.clone())
            })
        })
        .await?;
        check(end)?;
        out.push((board, sections));
    }
    Ok(out)
}

fn check(end: ListingEnd) -> Result<(), EngineError> {
    let outcome = match end {
        ListingEnd::Complete(_) => return Ok(()),
        ListingEnd::TooLong(why) => {
            return Err(EngineError::new(
                ErrorCode::ListingTooLong,
                format!("{why}; the board list was not refreshed"),
            ))
        }
        ListingEnd::Failed(Reply { outcome, .. }) => outcome,
    };
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
            ErrorCode::RateLimited,
            "Pinterest asked to slow down; the board list was not refreshed, try again later",
        )),
        Outcome::Transient {
            reason: TransientReason::ResponseTooLarge,
            detail,
            ..
        } => Err(EngineError::new(
            ErrorCode::ResponseTooLarge,
            format!("Pinterest's answer was too large to read ({detail}); the board list was not refreshed"),
        )),
        Outcome::Offline { .. } | Outcome::Transient { .. } => Err(EngineError::new(
            ErrorCode::PinterestUnavailable,
            "Pinterest could not be reached; the board list was not refreshed",
        )),
    }
}
