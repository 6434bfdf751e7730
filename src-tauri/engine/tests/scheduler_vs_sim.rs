//! The scheduler against the simulator, on one manual clock: pacing at the documented limit with
//! no 429, learning a lower limit, Retry-After never undercut, backoff within the budget,
//! terminal versus transient, offline and back, token refresh and needs-reconnect, a hot account
//! that does not slow the others, the catch-up policy, and reconciliation of a lost answer.

mod support;

use chrono::TimeDelta;
use pinpace_engine::sim::{FaultKind, FaultRule, LimitCategory, SimConfig};
use pinpace_engine::store::job_state::JobState;
use support::engine_env::{t0, test_config, world, World};

fn assert_each_title_once(w: &World, expected: usize) {
    let pins = w.sim.created_pins();
    let mut titles: Vec<_> = pins
        .iter()
        .map(|p| (p.account_id.clone(), p.title.clone()))
        .collect();
    titles.sort();
    let before = titles.len();
    titles.dedup();
    assert_eq!(before, titles.len(), "a pin was created twice");
    assert_eq!(before, expected);
}

#[tokio::test]
async fn paces_right_up_to_the_documented_limit_with_no_429() {
    let mut w = world(SimConfig::default(), 1).await;
    w.queue(0, 250, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(10), |w| {
        w.count(JobState::Published) == 250
    })
    .await;
    let stats = w.sim.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    let pins = w.sim.created_pins();
    let first = pins.iter().map(|p| p.created_at).min().unwrap();
    let last = pins.iter().map(|p| p.created_at).max().unwrap();
    let span = last - first;
    // 100 now, 100 a minute later, 50 a minute after that: the minimum is two minutes.
    assert!(
        span >= TimeDelta::seconds(120) && span <= TimeDelta::seconds(122),
        "{span}"
    );
    assert_each_title_once(&w, 250);
    w.stop().await;
}

#[tokio::test]
async fn a_lower_limit_is_learned_and_held() {
    let mut w = world(SimConfig::default(), 1).await;
    let acct = w.lanes[0].sim_account.clone();
    assert!(w.sim.lower_limit(&acct, LimitCategory::OrgWrite, 60, 60));
    w.queue(0, 150, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(10), |w| {
        w.count(JobState::Published) == 150
    })
    .await;
    let stats = w.sim.stats();
    assert!(
        stats.rate_limited <= 1,
        "learned from the headers: {stats:?}"
    );
    assert_eq!(
        stats.early_retries_by_account.values().sum::<u64>(),
        0,
        "never before Retry-After"
    );
    assert_each_title_once(&w, 150);
    w.stop().await;
}

#[tokio::test]
async fn retry_after_is_never_undercut_and_bare_429s_are_survived() {
    let mut w = world(SimConfig::default(), 1).await;
    w.sim.add_fault(
        FaultRule::always(FaultKind::Burst429)
            .on("POST /pins")
            .times(3),
    );
    w.queue(0, 20, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(30), |w| {
        w.count(JobState::Published) == 20
    })
    .await;
    let stats = w.sim.stats();
    assert_eq!(
        stats.early_retries_by_account.values().sum::<u64>(),
        0,
        "{stats:?}"
    );
    assert_each_title_once(&w, 20);
    w.stop().await;
}

#[tokio::test]
async fn transient_failures_back_off_within_the_budget_then_fail() {
    let mut w = world(SimConfig::default(), 1).await;
    w.sim
        .add_fault(FaultRule::always(FaultKind::ServerError { status: 503 }).on("POST /pins"));
    let ids = w.queue(0, 1, t0(), "p");
    let mut config = test_config();
    config.retry.max_attempts = 4;
    w.start(config);
    w.run_until(TimeDelta::seconds(1), TimeDelta::hours(2), |w| {
        w.count(JobState::Failed) == 1
    })
    .await;
    let job = w.engine().store().job(ids[0]).unwrap();
    assert_eq!(job.attempt, 4);
    assert_eq!(job.error_code.as_deref(), Some("retry_budget_spent"));
    assert_eq!(w.sim.stats().count("POST /pins", 503), 4);
    let history = w.engine().store().job_history(ids[0]).unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|e| e.to_state == "waiting_retry")
            .count(),
        3
    );
    w.stop().await;
}

#[tokio::test]
async fn terminal_errors_are_never_retried() {
    let mut w = world(SimConfig::default(), 1).await;
    w.sim.set_trial_production(true);
    let ids = w.queue(0, 1, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Failed) == 1
    })
    .await;
    w.advance_for(TimeDelta::minutes(30), TimeDelta::minutes(1))
        .await;
    let job = w.engine().store().job(ids[0]).unwrap();
    assert_eq!(job.attempt, 1);
    assert_eq!(job.error_code.as_deref(), Some("pinterest_29"));
    w.stop().await;
}
