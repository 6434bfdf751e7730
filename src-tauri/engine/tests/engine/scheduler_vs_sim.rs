//! The scheduler against the simulator, on one manual clock: pacing at the documented limit with
//! no 429, learning a lower limit, Retry-After never undercut, backoff within the budget,
//! terminal versus transient, offline and back, token refresh and needs-reconnect, a hot account
//! that does not slow the others, the catch-up policy. Answers that may have created a pin (lost,
//! unreadable, left in flight by a crash) are in `scheduler_reconcile`.

use crate::support::engine_env::{t0, test_config, world, World};
use chrono::TimeDelta;
use pinpace_engine::compose::{compose, BoardTarget, ComposeRequest};
use pinpace_engine::pinterest::PinterestClient;
use pinpace_engine::pinterest::Secret;
use pinpace_engine::scheduler::events::EngineEvent;
use pinpace_engine::scheduler::tokens::TokenStore;
use pinpace_engine::sim::{FaultKind, FaultRule, LimitCategory, SimConfig};
use pinpace_engine::store::job_error::JobErrorCode;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::PinText;
use std::sync::Arc;

/// Each pin was created once, and `expected` were created (also used by `scheduler_reconcile`).
pub(crate) fn assert_each_title_once(w: &World, expected: usize) {
    let pins = w.sim.created_pins();
    let mut titles: Vec<_> = pins
        .iter()
        .map(|p| (p.account_id.clone(), p.text.title.clone()))
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
    assert_eq!(job.error_code, Some(JobErrorCode::RetryBudgetSpent));
    assert_eq!(w.sim.stats().count("POST /pins", 503), 4);
    let history = w.engine().store().job_history(ids[0]).unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|e| e.to_state == JobState::WaitingRetry)
            .count(),
        8,
        "a 5xx may have created the pin: each of the three retries first peeks at the board \
         after its backoff, then (a listing may lag) waits for the lag before it resends; then \
         one final look, again after the lag"
    );
    assert_eq!(w.sim.stats().count("POST /pins", 503), 4, "no fifth send");
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
    assert_eq!(job.error_code, Some(JobErrorCode::Pinterest(29)));
    let explained = job.error_message.unwrap_or_default();
    assert!(
        explained.contains("trial access") && explained.contains("sandbox"),
        "{explained}"
    );
    w.stop().await;
}

#[tokio::test]
async fn offline_pauses_without_spending_budget_and_resumes_within_seconds() {
    let mut w = world(SimConfig::default(), 1).await;
    let ids = w.queue(0, 1, t0(), "p");
    w.sim.stop().await;
    w.start(test_config());
    w.advance_for(TimeDelta::minutes(10), TimeDelta::seconds(1))
        .await;
    let job = w.engine().store().job(ids[0]).unwrap();
    assert_eq!(job.state, JobState::Due, "offline: waiting, not failed");
    assert_eq!(job.attempt, 0, "no budget spent while offline");
    w.sim.restart().await.unwrap();
    let back = w.clock_now();
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(1), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    assert!(
        w.clock_now() - back <= TimeDelta::seconds(3),
        "resumed {} after",
        w.clock_now() - back
    );
    assert_each_title_once(&w, 1);
    w.stop().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_rotated_one_kept() {
    let mut w = world(SimConfig::default(), 1).await;
    let acct = w.lanes[0].sim_account.clone();
    let before = w.tokens.tokens(w.lanes[0].id).unwrap();
    w.sim.expire_access_tokens(&acct);
    w.queue(0, 2, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) == 2
    })
    .await;
    let after = w.tokens.tokens(w.lanes[0].id).unwrap();
    assert_ne!(before.access.expose(), after.access.expose());
    assert_ne!(
        before.refresh.unwrap().expose(),
        after.refresh.unwrap().expose(),
        "rotated refresh token stored"
    );
    assert_eq!(
        w.sim.stats().count("POST /oauth/token", 200),
        1,
        "one refresh, not one per pin"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_refused_refresh_moves_jobs_to_needs_reconnect_not_failed() {
    let mut w = world(SimConfig::default(), 2).await;
    let acct = w.lanes[0].sim_account.clone();
    w.sim.expire_access_tokens(&acct);
    w.sim.revoke_refresh_tokens(&acct);
    w.queue(0, 3, t0(), "a");
    w.queue(1, 3, t0(), "b");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::NeedsReconnect) == 3
    })
    .await;
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) == 3
    })
    .await;
    assert_eq!(w.count(JobState::Failed), 0);
    let status = w.engine().store().account(w.lanes[0].id).unwrap().status;
    assert_eq!(
        status,
        pinpace_engine::store::accounts::AccountStatus::NeedsReconnect
    );
    // A pin scheduled for later waits too when its time comes.
    let later = w.queue(0, 1, w.clock_now() + TimeDelta::minutes(10), "later");
    w.run_until(TimeDelta::seconds(5), TimeDelta::minutes(15), |w| {
        w.count(JobState::NeedsReconnect) == 4
    })
    .await;
    let job = w.engine().store().job(later[0]).unwrap();
    assert_eq!(job.state, JobState::NeedsReconnect);
    w.stop().await;
}

#[tokio::test]
async fn a_hot_account_does_not_slow_the_others() {
    let mut w = world(SimConfig::default(), 3).await;
    let hot = w.lanes[0].sim_account.clone();
    w.sim.set_spam_block(&hot, true);
    for lane in 0..3 {
        w.queue(lane, 150, t0(), &format!("l{lane}"));
    }
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(10), |w| {
        w.count(JobState::Published) == 300
    })
    .await;
    // 150 pins at 100/min each: one minute and a moment, as if the hot account did not exist.
    assert!(
        w.clock_now() - t0() <= TimeDelta::seconds(62),
        "{}",
        w.clock_now() - t0()
    );
    let spam_blocked = w.engine().store().account(w.lanes[0].id).unwrap().status;
    assert_eq!(
        spam_blocked,
        pinpace_engine::store::accounts::AccountStatus::SpamBlocked
    );
    assert_eq!(
        w.sim.stats().rate_limited_by_account.get(&hot).copied(),
        Some(1),
        "stopped after the first"
    );
    w.stop().await;
}

#[tokio::test]
async fn the_catch_up_policy_sends_recent_pins_and_marks_old_ones_missed() {
    let mut w = world(SimConfig::default(), 1).await;
    let late = w.queue(0, 1, t0() + TimeDelta::minutes(10), "late");
    let old = w.queue(0, 1, t0() + TimeDelta::minutes(1), "old");
    // The app was closed for twenty minutes: one pin is 10 min late, the other 19 (grace: 15).
    w.clock.advance(TimeDelta::minutes(20));
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(1), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    assert_eq!(
        w.engine().store().job(late[0]).unwrap().state,
        JobState::Published,
        "10 min late: within the grace"
    );
    assert_eq!(
        w.engine().store().job(old[0]).unwrap().state,
        JobState::Missed,
        "late beyond the grace"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_wall_clock_jump_re_arms_the_timers() {
    let mut w = world(SimConfig::default(), 1).await;
    w.queue(0, 1, t0() + TimeDelta::minutes(30), "p");
    w.start(test_config());
    w.quiesce().await;
    assert_eq!(w.count(JobState::Published), 0);
    // The laptop slept through the publish time: time jumps 40 minutes at once.
    w.clock.advance(TimeDelta::minutes(40));
    w.run_until(TimeDelta::seconds(1), TimeDelta::seconds(5), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    w.stop().await;
}

#[tokio::test]
async fn a_restart_does_not_burst_into_a_window_already_used() {
    let mut w = world(SimConfig::default(), 1).await;
    w.queue(0, 80, t0(), "first");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(2), |w| {
        w.count(JobState::Published) == 80
    })
    .await;
    w.stop().await;
    // Ten seconds later the app starts again with 50 more pins: only 20 fit this minute.
    w.clock.advance(TimeDelta::seconds(10));
    w.queue(0, 50, w.clock_now(), "second");
    w.start(test_config());
    w.quiesce().await;
    assert_eq!(
        w.count(JobState::Published),
        100,
        "the window's 80 sends were remembered"
    );
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(3), |w| {
        w.count(JobState::Published) == 130
    })
    .await;
    assert_eq!(w.sim.stats().rate_limited, 0);
    w.stop().await;
}

/// Breaks "only PinPace sends on this account": another app made 60 of the minute's 100 pins
/// before PinPace starts, one pin a second. The first answer's `remaining` (39 where our count
/// says 99) is the only sign of them; learned from it, the 41st pin waits for the other app's
/// sends to leave the window instead of meeting a 429.
#[tokio::test]
async fn sends_another_app_made_on_the_account_are_learned_from_remaining() {
    let mut w = world(SimConfig::default(), 1).await;
    let lane = &w.lanes[0];
    let other_token = Secret::new(w.sim.issue_tokens(&lane.sim_account).unwrap().access_token);
    let base = url::Url::parse(&format!("{}/", w.sim.base_url())).unwrap();
    let other_app = PinterestClient::new(base, Arc::new(w.clock.clone()));
    for i in 0..60 {
        let pin = crate::client_vs_sim::pin(&lane.board.id, &format!("other app {i}"));
        let reply = other_app.create_pin(&other_token, &pin).await;
        assert_eq!(reply.status, Some(201), "{:?}", reply.outcome);
    }
    for i in 0..60 {
        w.queue(0, 1, t0() + TimeDelta::seconds(1 + i), &format!("ours {i}"));
    }
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(3), |w| {
        w.count(JobState::Published) == 60
    })
    .await;
    let stats = w.sim.stats();
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    let mut ours: Vec<_> = w
        .sim
        .created_pins()
        .into_iter()
        .filter(|p| {
            p.text
                .title
                .as_deref()
                .is_some_and(|t| t.starts_with("ours"))
        })
        .map(|p| p.created_at)
        .collect();
    ours.sort();
    assert_eq!(ours.len(), 60);
    assert!(
        ours[40] >= t0() + TimeDelta::seconds(60),
        "the 41st pin went at {} (the other app's sends leave at t0 + 60 s)",
        ours[40]
    );
    w.stop().await;
}

#[tokio::test]
async fn an_app_wide_limit_is_shared_fairly() {
    use pinpace_engine::pacing::{LimitScope, LimitSpec};
    use pinpace_engine::pinterest::types::Category;
    let config = SimConfig {
        limits: vec![pinpace_engine::sim::LimitSpec {
            scope: pinpace_engine::sim::Scope::App,
            category: LimitCategory::OrgWrite,
            limit: 12,
            window_secs: 60,
        }],
        ..SimConfig::default()
    };
    let mut w = world(config, 3).await;
    for lane in 0..3 {
        w.queue(lane, 20, t0(), &format!("l{lane}"));
    }
    let mut engine_config = test_config();
    engine_config.app_limits = vec![LimitSpec {
        scope: LimitScope::App,
        category: Some(Category::OrgWrite),
        limit: 12,
        window_secs: 60,
    }];
    w.start(engine_config);
    w.quiesce().await;
    let per_account: Vec<usize> = w
        .lanes
        .iter()
        .map(|l| {
            w.sim
                .created_pins()
                .iter()
                .filter(|p| p.account_id == l.sim_account)
                .count()
        })
        .collect();
    assert_eq!(
        per_account,
        vec![4, 4, 4],
        "the first minute's 12 are split evenly"
    );
    assert_eq!(w.sim.stats().rate_limited, 0);
    w.stop().await;
}

#[tokio::test]
async fn a_token_expiring_mid_run_with_requests_in_flight_is_refreshed_once() {
    let mut w = world(SimConfig::default(), 1).await;
    w.queue(0, 200, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) >= 50
    })
    .await;
    let acct = w.lanes[0].sim_account.clone();
    w.sim.expire_access_tokens(&acct);
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) == 200
    })
    .await;
    assert_eq!(w.count(JobState::NeedsReconnect), 0);
    assert_eq!(
        w.sim.stats().count("POST /oauth/token", 200),
        1,
        "one refresh for all the 401s"
    );
    assert_each_title_once(&w, 200);
    w.stop().await;
}

#[tokio::test]
async fn a_board_gone_on_pinterest_fails_its_pin_clearly_and_refreshes_the_board_list() {
    let mut w = world(SimConfig::default(), 1).await;
    let lane_id = w.lanes[0].id;
    // The account's cache knows one board that Pinterest no longer has, and not the real one.
    let stale = pinpace_engine::pinterest::types::Board {
        id: "999000111".into(),
        name: "Deleted board".into(),
        ..w.lanes[0].board.clone()
    };
    w.with_store(|s| s.replace_boards(lane_id, &[(stale.clone(), vec![])], t0()))
        .unwrap();
    let req = ComposeRequest {
        text: PinText {
            title: Some("gone".into()),
            ..Default::default()
        },
        image_url: Some("https://example.com/p.jpg".into()),
        account_id: Some(lane_id),
        boards: vec![BoardTarget {
            board_id: stale.id.clone(),
            section_id: None,
        }],
        at: Some(t0()),
        ..Default::default()
    };
    let now = w.clock_now();
    let ids = w.with_store(|s| compose(s, &req, now)).unwrap();
    w.start(test_config());
    let mut events = w.engine().events().subscribe();
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Failed) == 1
    })
    .await;
    let job = w.engine().store().job(ids[0]).unwrap();
    assert_eq!(job.attempt, 1, "a missing board is not retried");
    assert_eq!(job.error_code, Some(JobErrorCode::Pinterest(40)));
    let shown = job.error_message.unwrap_or_default();
    assert!(
        shown.contains("no longer exists") && shown.contains("999000111"),
        "{shown}"
    );
    let synced = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Ok(EngineEvent::BoardsSynced {
                account_id,
                boards,
                error,
            }) = events.recv().await
            {
                return (account_id, boards, error);
            }
        }
    })
    .await
    .expect("the board list is fetched again");
    assert_eq!(synced, (lane_id, Some(1), None));
    let cached = w.engine().store().boards(lane_id).unwrap();
    assert_eq!(cached.len(), 1);
    assert_eq!(
        cached[0].board_id, w.lanes[0].board.id,
        "the stale board is gone"
    );
    w.stop().await;
}

#[tokio::test]
async fn pause_all_holds_every_due_pin_until_resumed_and_survives_a_restart() {
    let mut w = world(SimConfig::default(), 2).await;
    w.start(test_config());
    w.engine().set_paused_all(true).unwrap();
    w.advance_for(TimeDelta::seconds(2), TimeDelta::seconds(1))
        .await;
    let now = w.clock_now();
    w.queue(0, 2, now, "a");
    w.queue(1, 2, now, "b");
    w.advance_for(TimeDelta::minutes(5), TimeDelta::seconds(5))
        .await;
    assert_eq!(
        w.count(JobState::Published),
        0,
        "nothing is sent while paused"
    );
    assert_eq!(w.sim.created_pins().len(), 0);
    let lanes = w.engine().lanes().await;
    assert!(lanes
        .iter()
        .all(|l| l.pause_reason == Some(pinpace_engine::pacing::PauseReason::User)));
    // The pause is kept across a restart.
    w.stop().await;
    w.start(test_config());
    w.advance_for(TimeDelta::minutes(1), TimeDelta::seconds(5))
        .await;
    assert_eq!(
        w.count(JobState::Published),
        0,
        "still paused after a restart"
    );
    w.engine().set_paused_all(false).unwrap();
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) == 4
    })
    .await;
    assert_each_title_once(&w, 4);
    w.stop().await;
}

#[tokio::test]
async fn a_tier_change_applies_at_once_and_counts_what_was_already_sent() {
    use pinpace_engine::pacing::{AccountLimits, LimitScope, LimitSpec};
    use pinpace_engine::pinterest::types::Category;
    let mut w = world(SimConfig::default(), 1).await;
    w.start(test_config());
    let now = w.clock_now();
    w.queue(0, 3, now, "before");
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(1), |w| {
        w.count(JobState::Published) == 3
    })
    .await;
    // Three went out this minute; the user now sets 4 writes a minute for this account.
    let slow = AccountLimits {
        preset: None,
        custom: Some(vec![LimitSpec {
            scope: LimitScope::User,
            category: Some(Category::OrgWrite),
            limit: 4,
            window_secs: 60,
        }]),
    };
    let id = w.lanes[0].id;
    w.with_store(|s| s.set_account_limits(id, &slow)).unwrap();
    w.engine().limits_changed(id);
    w.queue(0, 5, w.clock_now(), "after");
    w.advance_for(TimeDelta::seconds(20), TimeDelta::seconds(1))
        .await;
    assert_eq!(w.count(JobState::Published), 4, "one slot was left");
    let lanes = w.engine().lanes().await;
    assert!(lanes[0].windows.iter().any(|u| u.limit == 4), "{lanes:?}");
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(3), |w| {
        w.count(JobState::Published) == 8
    })
    .await;
    assert_each_title_once(&w, 8);
    w.stop().await;
}
