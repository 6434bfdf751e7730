//! Walks bookmark-paged lists to the end. Stops on the first page that is not a success and
//! returns that reply with what was gathered so far, so the caller can act on a 429 mid-listing.

use std::future::Future;

use super::client::PageRequest;
use super::outcome::{Outcome, Reply};
use super::types::{limits, Page};

/// Safety stop: more pages than this means the server's bookmarks loop.
pub const MAX_PAGES: usize = 10_000;

pub async fn collect_all<T, F, Fut>(mut fetch: F) -> (Vec<T>, Reply<()>)
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Reply<Page<T>>>,
{
    let mut items = Vec::new();
    let mut bookmark: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let request = PageRequest {
            bookmark: bookmark.clone(),
            page_size: Some(limits::MAX_PAGE_SIZE),
        };
        let mut next = None;
        let reply = fetch(request).await.map(|page| {
            items.extend(page.items);
            next = page.bookmark.filter(|b| !b.is_empty());
        });
        if !reply.outcome.is_success() {
            return (items, reply);
        }
        match next {
            // A bookmark equal to the one just used would loop forever: treat it as the end.
            Some(b) if Some(&b) != bookmark.as_ref() => bookmark = Some(b),
            _ => return (items, reply),
        }
    }
    let message = format!("the listing did not end after {MAX_PAGES} pages");
    let reply = Reply {
        outcome: Outcome::Terminal {
            status: 0,
            code: None,
            message,
        },
        signals: Default::default(),
        status: None,
        received_at: chrono::DateTime::UNIX_EPOCH,
    };
    (items, reply)
}
