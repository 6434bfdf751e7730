//! Deciding whether a pin that an earlier attempt may have created is already on Pinterest.
//! After a crash or an unconfirmed attempt (timeout, dropped connection, garbled 2xx) the board
//! is read and each pin compared with the job: same board, title, description and link, created
//! no earlier than the first unconfirmed attempt left, and not already claimed by another job.
//!
//! Assumptions about Pinterest, each named and each broken on purpose by a simulator quirk in the
//! tests (`tests/engine/exactly_once.rs`):
//! - **The board cannot tell look-alikes apart** (same text, another image). The scheduler
//!   never has two look-alikes of one board unsettled at once (`store::lookalikes`), so every
//!   unclaimed match in the window is this job's own pin.
//! - **Listings lag.** A new pin may show in `GET /boards/{id}/pins` only later. A check that
//!   finds nothing is trusted only once `listing_lag` plus the client's request timeout (the
//!   server may act on a request until the client gives up on it) have passed since the job's
//!   latest creation left; before that a check is a peek that can confirm the pin but never
//!   leads to a resend: the job looks again at the trust time. Why not a single wait before the
//!   first look: most lost answers are on the board at once, and a peek confirms them within
//!   the backoff instead of after the whole lag.
//! - **Clocks differ.** `created_at` is on the server's clock, learned from its `Date` headers
//!   (`pinterest::server_clock`); the window starts at the attempt's time on that clock, less
//!   the estimate's tolerance. With no `Date` ever seen, the window widens by
//!   `UNKNOWN_CLOCK_ALLOWANCE`.
//! - **Order is not promised.** A walk stops at the first pin older than the window only while
//!   the listing has shown itself newest-first; otherwise it reads on, up to its page cap. A check
//!   that reaches the cap, or whose listing fails, decides nothing: the job waits or fails with
//!   that reason and is never resent blind.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};

use crate::pinterest::server_clock::OFFSET_TOLERANCE;
use crate::pinterest::types::Pin;
use crate::store::lookalikes::LookalikeKey;
use crate::store::pins::PinContent;

/// The window's widening when the server's clock was never learned (no `Date` header seen).
pub const UNKNOWN_CLOCK_ALLOWANCE: TimeDelta = TimeDelta::minutes(15);

/// `created_at` is written to the whole second.
const CREATED_AT_PRECISION: TimeDelta = TimeDelta::seconds(1);

/// How late a new pin may show in its board's listing, by default (an assumption; see above).
pub const DEFAULT_LISTING_LAG: std::time::Duration = std::time::Duration::from_secs(30);

/// Page size of the board listing read by a check.
pub const PINS_CHECKED: u32 = 100;

/// A check reads at most this many pages before it stops and decides nothing.
pub const MAX_PAGES_CHECKED: usize = 20;

/// The earliest `created_at` (server clock) that the job's own pin can carry: the first
/// unconfirmed attempt's departure on the server's clock, less the tolerance.
pub fn window_start(
    sent_at: Option<DateTime<Utc>>,
    server_offset: Option<TimeDelta>,
) -> Option<DateTime<Utc>> {
    let sent = sent_at?;
    Some(match server_offset {
        Some(offset) => sent + offset - OFFSET_TOLERANCE - CREATED_AT_PRECISION,
        None => sent - UNKNOWN_CLOCK_ALLOWANCE,
    })
}

/// What one board check found.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Found(Pin),
    /// The whole window was read and the pin is not in it.
    Absent,
    /// The check could not read enough to decide (the page cap was reached).
    Inconclusive(String),
}

/// Walks a board's listing page by page, comparing each pin with the job.
pub struct BoardScan<'a> {
    key: LookalikeKey,
    claimed: &'a HashSet<String>,
    start: Option<DateTime<Utc>>,
    newest_first: bool,
    last_created: Option<DateTime<Utc>>,
    reached_older: bool,
    matches: Vec<Pin>,
    pages: usize,
}

impl<'a> BoardScan<'a> {
    pub fn new(
        content: &PinContent,
        board_id: &str,
        claimed: &'a HashSet<String>,
        start: Option<DateTime<Utc>>,
    ) -> Self {
        BoardScan {
            key: LookalikeKey::new(
                Some(board_id),
                content.text.title.as_deref(),
                content.text.description.as_deref(),
                content.text.link.as_deref(),
            ),
            claimed,
            start,
            newest_first: true,
            last_created: None,
            reached_older: false,
            matches: Vec::new(),
            pages: 0,
        }
    }

    /// Takes one page; true when the walk needs the next one.
    pub fn page(&mut self, items: &[Pin]) -> bool {
        self.pages += 1;
        for pin in items {
            let created = pin.created_at.as_deref().and_then(parse_created);
            match (created, self.last_created) {
                (Some(c), Some(last)) if c > last => self.newest_first = false,
                (None, _) => self.newest_first = false,
                _ => {}
            }
            if created.is_some() {
                self.last_created = created;
            }
            let in_window = match (self.start, created) {
                (Some(start), Some(c)) => c >= start,
                _ => true,
            };
            if !in_window {
                self.reached_older = true;
            } else if !self.claimed.contains(&pin.id) && self.same_text(pin) {
                self.matches.push(pin.clone());
            }
        }
        // Any unclaimed match in the window is this job's own pin; older pins end the walk only
        // in a listing that has been newest-first all along.
        self.matches.is_empty() && !(self.reached_older && self.newest_first)
    }

    fn same_text(&self, pin: &Pin) -> bool {
        LookalikeKey::new(
            Some(&pin.board_id),
            pin.text.title.as_deref(),
            pin.text.description.as_deref(),
            pin.text.link.as_deref(),
        ) == self.key
    }

    pub fn pages_read(&self) -> usize {
        self.pages
    }

    /// The verdict once the walk stopped; `complete` says the listing ended (no next page).
    /// Several matches (only possible when the job itself was created twice, or a person made
    /// the same pin by hand) resolve to the oldest, which is the job's first creation.
    pub fn verdict(mut self, complete: bool) -> Verdict {
        self.matches
            .sort_by_key(|p| p.created_at.as_deref().and_then(parse_created));
        if let Some(first) = self.matches.into_iter().next() {
            return Verdict::Found(first);
        }
        if complete || (self.reached_older && self.newest_first) {
            Verdict::Absent
        } else {
            Verdict::Inconclusive(format!(
                "the board lists more than {} pins that could be this one's, or not newest \
                 first: PinPace read {} pages and could not tell whether the pin was created",
                PINS_CHECKED as usize * MAX_PAGES_CHECKED,
                self.pages
            ))
        }
    }
}

/// Pinterest writes `created_at` as RFC 3339, sometimes without a zone (then it is UTC).
fn parse_created(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|n| n.and_utc())
        })
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
