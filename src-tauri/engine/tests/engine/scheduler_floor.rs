//! The server's "not before" against the user's resume, end to end on the simulator: a 429's
//! Retry-After is kept across a restart and a reconnect (`EngineHandle::resume`, as the desktop
//! calls it), and no pin goes out before it; meanwhile the forecast names the account and the
//! reason its pins wait.

use crate::support::engine_env::{t0, test_config, world};
use chrono::TimeDelta;
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::sim::{LimitCategory, SimConfig};
use pinpace_engine::store::accounts::AccountStatus;
use pinpace_engine::store::job_state::JobState;
use serde_json::json;

#[tokio::test]
async fn a_reconnect_does_not_send_before_the_servers_retry_after() {
    let mut w = world(SimConfig::default(), 1).await;
    let id = w.lanes[0].id;
    let acct = w.lanes[0].sim_account.clone();
    // Pinterest allows this account 3 writes in 10 minutes, and another tool spent them all.
    assert!(w.sim.lower_limit(&acct, LimitCategory::OrgWrite, 600, 3));
    let token = w.tokens.tokens(id).unwrap().access.expose().to_string();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    for i in 0..3 {
        let pin = json!({
            "board_id": w.lanes[0].board.id,
            "title": format!("elsewhere {i}"),
            "media_source": {"source_type": "image_url", "url": "https://example.com/e.jpg"},
        });
        let r = http
            .post(format!("{}/pins", w.sim.base_url()))
            .bearer_auth(&token)
            .json(&pin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }

    // PinPace's first pin meets a 429 with Retry-After: 600.
    w.queue(0, 2, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(1), |w| {
        w.sim.stats().count("POST /pins", 429) == 1
    })
    .await;
    let floor = w
        .engine()
        .store()
        .account(id)
        .unwrap()
        .held_until
        .expect("the Retry-After is kept");
    assert!(floor >= t0() + TimeDelta::seconds(600), "{floor}");
    // The forecast names the account (from the store) and says why its pins wait.
    let forecast = w.engine().forecast().await.unwrap();
    assert!(
        forecast
            .warnings
            .iter()
            .any(|s| s.starts_with("Account 0: 2 pins will be up to ")
                && s.ends_with(" late (Pinterest asked PinPace to wait before sending more)")),
        "{:?}",
        forecast.warnings
    );

    // PinPace restarts (the lane's learned 10-minute window is not kept; only the floor is) with
    // the account to reconnect; the user reconnects it: new tokens, then the engine resumes it.
    w.stop().await;
    w.with_store(|s| s.set_account_status(id, AccountStatus::NeedsReconnect))
        .unwrap();
    w.start(test_config());
    w.reconnect_tokens(0);
    w.with_store(|s| s.set_account_status(id, AccountStatus::Active))
        .unwrap();
    w.engine().resume(id);
    w.engine().wake();

    // Nothing goes out before the floor (time moves in 5 s steps up to 10 s before it)...
    let before = floor - TimeDelta::seconds(10);
    w.advance_for(before - w.clock_now(), TimeDelta::seconds(5))
        .await;
    assert!(w.clock_now() < floor);
    let stats = w.sim.stats();
    assert_eq!(stats.count("POST /pins", 429), 1, "{stats:?}");
    assert_eq!(stats.count("POST /pins", 201), 3, "{stats:?}");
    assert_eq!(w.count(JobState::Due), 2);

    // ...and both pins go once it has passed, with no request early.
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) == 2
    })
    .await;
    let stats = w.sim.stats();
    assert_eq!(
        stats.early_retries_by_account.values().sum::<u64>(),
        0,
        "{stats:?}"
    );
    assert_eq!(stats.count("POST /pins", 429), 1, "{stats:?}");
    let ours: Vec<_> = w
        .sim
        .created_pins()
        .into_iter()
        .filter(|p| p.text.title.as_deref().is_some_and(|t| t.starts_with("p ")))
        .collect();
    assert_eq!(ours.len(), 2);
    assert!(ours.iter().all(|p| p.created_at >= floor), "{ours:?}");
    w.stop().await;
}
