//! The demo workspace the desktop opens on a first run: both simulator accounts connected with
//! their boards, a few drafts and scheduled pins with local images; nothing added on a second run; and after a
//! restart of the (memory-only) simulator, fresh tokens that Pinterest's API accepts.

use parking_lot::Mutex;
use std::sync::Arc;

use chrono::Utc;
use pinpace_engine::accounts::client_for;
use pinpace_engine::clock::SystemClock;
use pinpace_engine::demo::{builtin_sim_config, issue_sim_tokens, seed_workspace, sim_environment};
use pinpace_engine::pinterest::Outcome;
use pinpace_engine::queue::QueueFilter;
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::secrets::{MemoryVault, VaultTokens};
use pinpace_engine::sim::Simulator;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::Store;

#[tokio::test]
async fn a_first_run_gets_two_connected_accounts_boards_drafts_and_scheduled_pins() {
    let sim = Simulator::start(builtin_sim_config(0), Arc::new(SystemClock))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Mutex::new(Store::open_in_dir(dir.path()).unwrap());
    let tokens = VaultTokens::new(Arc::new(MemoryVault::default()));
    let summary = seed_workspace(&store, &tokens, &sim, Utc::now())
        .await
        .unwrap()
        .expect("an empty workspace is seeded");
    assert_eq!(summary.accounts.len(), 2);
    assert!(summary.drafts >= 1 && summary.scheduled >= 3, "{summary:?}");
    {
        let s = store.lock();
        for id in &summary.accounts {
            assert!(!s.boards(*id).unwrap().is_empty(), "boards synced");
            assert!(tokens.tokens(*id).is_some(), "tokens stored");
        }
        assert_eq!(
            s.jobs_in_state(JobState::Scheduled).unwrap().len(),
            summary.scheduled
        );
        assert_eq!(
            s.jobs_in_state(JobState::Draft).unwrap().len(),
            summary.drafts
        );
        // Every demo pin has a local image, stored where the thumbnails are served from.
        let items = s.queue_items(&QueueFilter::default()).unwrap();
        assert_eq!(items.len(), summary.drafts + summary.scheduled);
        for it in items {
            let sha = it.media_sha256.expect("a stored image");
            let (path, _) = s
                .media_file(&sha)
                .unwrap()
                .expect("known to the media table");
            assert!(path.is_file(), "{}", path.display());
        }
    }
    let again = seed_workspace(&store, &tokens, &sim, Utc::now())
        .await
        .unwrap();
    assert!(again.is_none(), "a workspace with accounts is left alone");

    // The app quits: the simulator forgets every token. At the next start it is a new server.
    let port = sim.port();
    sim.stop().await;
    drop(sim);
    let sim = Simulator::start(builtin_sim_config(port), Arc::new(SystemClock))
        .await
        .unwrap();
    assert_eq!(
        store
            .lock()
            .account(summary.accounts[0])
            .unwrap()
            .environment,
        sim_environment(&sim)
    );
    let fresh = VaultTokens::new(Arc::new(MemoryVault::default()));
    let served = issue_sim_tokens(&store.lock(), &fresh, &sim, Utc::now()).unwrap();
    assert_eq!(served, summary.accounts);
    let client = client_for(&sim_environment(&sim)).unwrap();
    let token = fresh.tokens(served[1]).unwrap().access;
    match client.user_account(&token).await.outcome {
        Outcome::Success(u) => assert_eq!(u.username, "demo_travel"),
        other => panic!("the fresh token is refused: {other:?}"),
    }
}
