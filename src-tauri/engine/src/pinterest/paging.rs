//! Walks bookmark-paged lists to the end, within a cap. Stops on the first page that is not a
//! success and returns that reply with what was gathered so far, so the caller can act on a 429
//! mid-listing.
//!
//! Assumptions about Pinterest, each broken in tests by the simulator: a listing ends (a page
//! without a bookmark) within a few pages (quirk `bookmarks: endless`), it never hands back a
//! bookmark it already gave in this walk (quirk `bookmarks: repeat`), and an account holds no
//! more than `ListingCap::max_items` of a kind (many boards seeded). A walk that breaks one of
//! them ends with `ListingEnd::TooLong`, naming the cap, never with a silently cut list: the
//! caller replaces a cached list with what it gets, so a partial list would drop real boards.

use std::collections::HashSet;
use std::future::Future;

use super::client::PageRequest;
use super::outcome::Reply;
use super::types::{limits, Page};

/// How far one listing may go. `max_pages` allows for a server that ignores `page_size` and
/// answers its default 25 per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingCap {
    /// What is listed, for the error: "boards of the account".
    pub what: &'static str,
    pub max_items: usize,
    pub max_pages: usize,
}

impl ListingCap {
    const fn new(what: &'static str, max_items: usize) -> Self {
        ListingCap {
            what,
            max_items,
            max_pages: max_items / 25 + 1,
        }
    }
}

/// Boards of one account: Pinterest lets a profile have 2,000 boards; group boards it joined
/// may add some, so 5,000 leaves room and still bounds a sync (one sections request per board).
pub const BOARDS: ListingCap = ListingCap::new("boards of the account", 5_000);
/// Sections of one board: far more than anyone files pins under.
pub const SECTIONS: ListingCap = ListingCap::new("sections of a board", 1_000);

/// How a walk ended.
#[derive(Debug, Clone)]
pub enum ListingEnd {
    /// The last page said there is no more; its reply (signals included).
    Complete(Reply<()>),
    /// A page failed: that reply, for the caller to act on.
    Failed(Reply<()>),
    /// The listing broke a cap or looped; the sentence says which, naming the cap.
    TooLong(String),
}

/// Walks the listing; `fetch` may fail outright with `E` (the pacer refused, the caller gave up
/// on a long wait), which ends the walk with that error.
pub async fn collect_all<T, E, F, Fut>(
    cap: ListingCap,
    mut fetch: F,
) -> Result<(Vec<T>, ListingEnd), E>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Reply<Page<T>>, E>>,
{
    let mut items = Vec::new();
    let mut bookmark: Option<String> = None;
    let mut seen = HashSet::new();
    for _ in 0..cap.max_pages {
        let request = PageRequest {
            bookmark: bookmark.clone(),
            page_size: Some(limits::MAX_PAGE_SIZE),
        };
        let mut next = None;
        let reply = fetch(request).await?.map(|page| {
            items.extend(page.items);
            next = page.bookmark.filter(|b| !b.is_empty());
        });
        if !reply.outcome.is_success() {
            return Ok((items, ListingEnd::Failed(reply)));
        }
        if items.len() > cap.max_items {
            let why = format!(
                "Pinterest listed more than {} {} (PinPace's cap); the listing was stopped",
                cap.max_items, cap.what
            );
            tracing::warn!(what = cap.what, cap = cap.max_items, "listing: {why}");
            return Ok((items, ListingEnd::TooLong(why)));
        }
        match next {
            None => return Ok((items, ListingEnd::Complete(reply))),
            Some(b) if !seen.insert(b.clone()) => {
                let why = format!(
                    "Pinterest's listing of the {} came back to a page it had already sent \
                     (its bookmarks loop); the listing was stopped",
                    cap.what
                );
                tracing::warn!(what = cap.what, pages = seen.len(), "listing: {why}");
                return Ok((items, ListingEnd::TooLong(why)));
            }
            Some(b) => bookmark = Some(b),
        }
    }
    let why = format!(
        "Pinterest's listing of the {} did not end after {} pages (PinPace's cap)",
        cap.what, cap.max_pages
    );
    tracing::warn!(what = cap.what, cap = cap.max_pages, "listing: {why}");
    Ok((items, ListingEnd::TooLong(why)))
}
