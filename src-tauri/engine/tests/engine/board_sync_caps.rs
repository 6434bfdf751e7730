//! Issue 16 item 6, "answers without an end", against the simulator: a body over the client's
//! cap (with and without a Content-Length), a listing whose bookmarks repeat or never end, more
//! boards than the cap, and a long Retry-After on the board listing, interactive and in the
//! background; and board sync's reads counted by the running engine's pacer and request log.

use parking_lot::Mutex;
use std::sync::Arc;

use chrono::TimeDelta;
use pinpace_engine::accounts::read_pacing::{Patience, Reads};
use pinpace_engine::accounts::sync_boards;
use pinpace_engine::pinterest::types::Category;
use pinpace_engine::pinterest::{Environment, Outcome, PinterestClient, TransientReason};
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::sim::{Bookmarks, FaultKind, FaultRule, Quirks, SimConfig};
use pinpace_engine::store::Store;
use pinpace_engine::{EngineError, ErrorCode};

use crate::support::engine_env::{settle, t0, test_config, world, World};

const MIB: u64 = 1024 * 1024;

fn client(w: &World) -> PinterestClient {
    let env = Environment::Simulator {
        base_url: w.sim.base_url(),
    };
    PinterestClient::new(env.api_base().unwrap(), Arc::new(w.clock.clone()))
}

/// Runs one sync of lane 0 on `store`, moving the clock a second at a time while it waits.
async fn sync_on(
    w: &World,
    store: Arc<Mutex<Store>>,
    reads: Reads,
    patience: Patience,
) -> Result<usize, EngineError> {
    let client = client(w);
    let id = w.lanes[0].id;
    let token = w.tokens.tokens(id).unwrap().access;
    let task =
        tokio::spawn(
            async move { sync_boards(&store, &client, id, &token, reads, patience).await },
        );
    let end = w.clock_now() + TimeDelta::hours(1);
    while !task.is_finished() {
        settle().await;
        assert!(w.clock_now() < end, "the sync did not end within an hour");
        w.clock.advance(TimeDelta::seconds(1));
    }
    task.await.unwrap()
}

async fn sync(w: &World, patience: Patience) -> (Result<usize, EngineError>, Store) {
    let store = Arc::new(Mutex::new(w.store()));
    let result = sync_on(w, store.clone(), Reads::Local, patience).await;
    let store = Arc::try_unwrap(store).ok().unwrap().into_inner();
    (result, store)
}

fn code(r: &Result<usize, EngineError>) -> Option<ErrorCode> {
    r.as_ref().err().map(|e| e.code)
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_with_or_without_a_content_length() {
    let w = world(SimConfig::default(), 1).await;
    let c = client(&w);
    let token = w.tokens.tokens(w.lanes[0].id).unwrap().access;
    for chunked in [false, true] {
        w.sim.add_fault(
            FaultRule::always(FaultKind::Oversized {
                bytes: 5 * MIB,
                chunked,
            })
            .on("GET /user_account")
            .times(1),
        );
        let reply = c.user_account(&token).await;
        assert!(
            matches!(
                reply.outcome,
                Outcome::Transient {
                    reason: TransientReason::ResponseTooLarge,
                    maybe_delivered: true,
                    ..
                }
            ),
            "chunked {chunked}: {:?}",
            reply.outcome
        );
        // Under the cap, the same padding is read and parsed.
        w.sim.add_fault(
            FaultRule::always(FaultKind::Oversized {
                bytes: MIB,
                chunked,
            })
            .on("GET /user_account")
            .times(1),
        );
        assert!(c.user_account(&token).await.outcome.is_success());
    }
    // A listing page may be larger than a single object, up to its own cap.
    w.sim.add_fault(
        FaultRule::always(FaultKind::Oversized {
            bytes: 6 * MIB,
            chunked: true,
        })
        .on("GET /boards")
        .times(1),
    );
    let page = c.list_boards(&token, Default::default()).await;
    assert!(page.outcome.is_success(), "{:?}", page.outcome);
}

#[tokio::test]
async fn a_board_listing_too_large_to_read_fails_the_sync_and_keeps_the_old_list() {
    let w = world(SimConfig::default(), 1).await;
    let (first, store) = sync(&w, Patience::Interactive).await;
    assert_eq!(first.unwrap(), 1);
    drop(store);
    w.sim.add_board(&w.lanes[0].sim_account, "Second").unwrap();
    w.sim.add_fault(
        FaultRule::always(FaultKind::Oversized {
            bytes: 9 * MIB,
            chunked: true,
        })
        .on("GET /boards"),
    );
    let (r, store) = sync(&w, Patience::Interactive).await;
    assert_eq!(code(&r), Some(ErrorCode::ResponseTooLarge), "{r:?}");
    assert_eq!(
        store.boards(w.lanes[0].id).unwrap().len(),
        1,
        "old list kept"
    );
}

#[tokio::test]
async fn a_bookmark_that_repeats_ends_the_sync_instead_of_looping() {
    let w = world(SimConfig::default(), 1).await;
    let quirks = Quirks {
        bookmarks: Bookmarks::Repeat,
        ..Default::default()
    };
    assert!(w.sim.set_account_quirks(&w.lanes[0].sim_account, quirks));
    let (r, store) = sync(&w, Patience::Interactive).await;
    assert_eq!(code(&r), Some(ErrorCode::ListingTooLong), "{r:?}");
    assert!(r.unwrap_err().message.contains("bookmarks loop"));
    assert_eq!(
        w.sim.stats().count("GET /boards", 200),
        2,
        "stopped at the repeat"
    );
    assert!(
        store.boards(w.lanes[0].id).unwrap().is_empty(),
        "nothing cached"
    );
}

#[tokio::test]
async fn an_endless_listing_stops_at_the_page_cap() {
    let w = world(SimConfig::default(), 1).await;
    let quirks = Quirks {
        bookmarks: Bookmarks::Endless,
        ..Default::default()
    };
    assert!(w.sim.set_account_quirks(&w.lanes[0].sim_account, quirks));
    let (r, _) = sync(&w, Patience::Interactive).await;
    let cap = pinpace_engine::pinterest::paging::BOARDS.max_pages;
    assert_eq!(code(&r), Some(ErrorCode::ListingTooLong), "{r:?}");
    assert!(r.unwrap_err().message.contains(&format!("{cap} pages")));
    assert_eq!(w.sim.stats().count("GET /boards", 200), cap as u64);
    assert_eq!(w.sim.stats().rate_limited, 0, "paced: no 429 on the way");
}

#[tokio::test]
async fn more_boards_than_the_cap_are_refused_and_the_old_list_stays() {
    let w = world(SimConfig::default(), 1).await;
    let (first, store) = sync(&w, Patience::Interactive).await;
    assert_eq!(first.unwrap(), 1);
    drop(store);
    let cap = pinpace_engine::pinterest::paging::BOARDS.max_items;
    for i in 0..cap {
        w.sim
            .add_board(&w.lanes[0].sim_account, &format!("B{i}"))
            .unwrap();
    }
    let (r, store) = sync(&w, Patience::Interactive).await;
    assert_eq!(code(&r), Some(ErrorCode::ListingTooLong), "{r:?}");
    assert!(r
        .unwrap_err()
        .message
        .contains(&format!("more than {cap} boards")));
    assert_eq!(
        store.boards(w.lanes[0].id).unwrap().len(),
        1,
        "old list kept"
    );
    assert_eq!(
        w.sim.stats().count("GET /boards/{board_id}/sections", 200),
        1,
        "no sections listed for a board list that was refused"
    );
}

#[tokio::test]
async fn a_long_retry_after_gives_up_an_interactive_sync_with_the_time_to_try_again() {
    let w = world(SimConfig::default(), 1).await;
    w.sim.add_fault(
        FaultRule::always(FaultKind::RetryAfter { secs: 600 })
            .on("GET /boards")
            .times(1),
    );
    let (r, store) = sync(&w, Patience::Interactive).await;
    assert_eq!(code(&r), Some(ErrorCode::RateLimited), "{r:?}");
    assert!(r.unwrap_err().message.contains("Try again after"));
    let held = store.account(w.lanes[0].id).unwrap().held_until.unwrap();
    assert!(
        held >= t0() + TimeDelta::seconds(600),
        "the floor is kept: {held}"
    );
    drop(store);
    // Asked again at once, it refuses without sending: the server's floor was kept.
    let (again, _) = sync(&w, Patience::Interactive).await;
    assert_eq!(code(&again), Some(ErrorCode::RateLimited));
    let stats = w.sim.stats();
    assert_eq!(stats.count("GET /boards", 429), 1);
    assert_eq!(
        stats.count("GET /boards", 200),
        0,
        "nothing asked again early"
    );
    assert!(stats.early_retries_by_account.values().all(|n| *n == 0));
}

#[tokio::test]
async fn a_background_sync_waits_out_a_long_retry_after_then_finishes() {
    let w = world(SimConfig::default(), 1).await;
    w.sim.add_fault(
        FaultRule::always(FaultKind::RetryAfter { secs: 600 })
            .on("GET /boards")
            .times(1),
    );
    let (r, _) = sync(&w, Patience::Background).await;
    assert_eq!(r.unwrap(), 1);
    assert!(w.clock_now() >= t0() + TimeDelta::seconds(600));
    let stats = w.sim.stats();
    assert_eq!(stats.count("GET /boards", 200), 1);
    assert!(stats.early_retries_by_account.values().all(|n| *n == 0));
}

#[tokio::test]
async fn with_the_engine_running_a_sync_is_counted_by_its_pacer_and_request_log() {
    let mut w = world(SimConfig::default(), 1).await;
    w.start(test_config());
    let engine = w.engine();
    let reads = Reads::Engine(engine.board_reads());
    let r = sync_on(&w, engine.shared_store(), reads, Patience::Interactive).await;
    assert_eq!(r.unwrap(), 1);
    let logged = engine
        .store()
        .recent_requests(t0() - TimeDelta::days(1))
        .unwrap();
    assert_eq!(logged.len(), 2, "a boards page and a sections page");
    assert!(logged.iter().all(|r| r.category == Category::OrgRead));
    let lanes = engine.lanes().await;
    let read_window = lanes[0]
        .windows
        .iter()
        .find(|u| u.category == Some(Category::OrgRead))
        .expect("a read window");
    assert_eq!(read_window.used, 2, "the engine's pacer counted both reads");
    w.stop().await;
}
