//! The scheduler against the simulator when an answer may have created the pin: a spent budget,
//! a lost answer, an answer too large to read, a job left in flight by a crash. Each is checked
//! on the board before anything is sent again, and never published twice.

use crate::scheduler_vs_sim::assert_each_title_once;
use crate::support::engine_env::{t0, test_config, world};
use chrono::TimeDelta;
use pinpace_engine::sim::{FaultKind, FaultRule, SimConfig};
use pinpace_engine::store::job_error::JobErrorCode;
use pinpace_engine::store::job_state::JobState;

#[tokio::test]
async fn a_spent_budget_that_may_have_created_the_pin_checks_the_board_once_first() {
    let mut w = world(SimConfig::default(), 1).await;
    // Pin "a": its only attempt creates it and the answer is lost. Pin "b": its only attempt
    // is dropped before anything happens. Neither may be sent again (budget of one attempt).
    w.sim.add_fault(
        FaultRule::always(FaultKind::CreatedButLost)
            .on("POST /pins")
            .times(1),
    );
    let a = w.queue(0, 1, t0(), "a");
    let mut config = test_config();
    config.retry.max_attempts = 1;
    w.start(config);
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(30), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    let job = w.engine().store().job(a[0]).unwrap();
    assert_eq!(job.attempt, 1, "the board check is not an attempt");
    assert_eq!(w.sim.stats().count("POST /pins", 0), 1);
    assert_each_title_once(&w, 1);

    w.sim
        .add_fault(FaultRule::always(FaultKind::Drop).on("POST /pins").times(1));
    let b = w.queue(0, 1, w.clock_now(), "b");
    w.engine().wake();
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(30), |w| {
        w.count(JobState::Failed) == 1
    })
    .await;
    let job = w.engine().store().job(b[0]).unwrap();
    assert_eq!(job.attempt, 1);
    assert_eq!(job.error_code, Some(JobErrorCode::RetryBudgetSpent));
    assert!(
        job.error_message
            .as_deref()
            .unwrap_or("")
            .contains("not there"),
        "{:?}",
        job.error_message
    );
    assert!(!job.needs_reconcile);
    assert_eq!(w.sim.created_pins().len(), 1, "b was never sent again");
    w.stop().await;
}

#[tokio::test]
async fn a_lost_answer_is_reconciled_from_the_board_not_sent_again() {
    let mut w = world(SimConfig::default(), 1).await;
    w.sim.add_fault(
        FaultRule::always(FaultKind::CreatedButLost)
            .on("POST /pins")
            .times(1),
    );
    let ids = w.queue(0, 3, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(30), |w| {
        w.count(JobState::Published) == 3
    })
    .await;
    assert_each_title_once(&w, 3);
    let ids_on_pinterest: Vec<String> = w.sim.created_pins().iter().map(|p| p.id.clone()).collect();
    for id in ids {
        let job = w.engine().store().job(id).unwrap();
        assert!(ids_on_pinterest.contains(job.pinterest_pin_id.as_ref().unwrap()));
    }
    w.stop().await;
}

/// A 2xx too large to read is an answer lost after the pin was created: checked on the board,
/// never sent blindly again (issue 16 item 6).
#[tokio::test]
async fn a_create_answer_too_large_to_read_is_reconciled_not_sent_again() {
    let mut w = world(SimConfig::default(), 1).await;
    w.sim.add_fault(
        FaultRule::always(FaultKind::Oversized {
            bytes: 5 * 1024 * 1024,
            chunked: true,
        })
        .on("POST /pins")
        .times(1),
    );
    w.queue(0, 3, t0(), "p");
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(30), |w| {
        w.count(JobState::Published) == 3
    })
    .await;
    assert_each_title_once(&w, 3);
    assert_eq!(w.sim.created_pins().len(), 3, "no pin created twice");
    assert!(
        w.engine().counters().await.retries >= 1,
        "the unread answer went through the unknown-outcome path"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_job_left_in_flight_by_a_crash_is_checked_on_the_board_before_any_resend() {
    let mut w = world(SimConfig::default(), 1).await;
    let ids = w.queue(0, 1, t0(), "p");
    // A previous run marked the job in flight and the pin reached Pinterest, then PinPace died.
    {
        let mut store = w.store();
        let patch = |attempt| pinpace_engine::store::jobs::JobPatch {
            attempt: Some(attempt),
            sent_at: Some(Some(t0())),
            ..Default::default()
        };
        store
            .transition(
                ids[0],
                JobState::Due,
                "test",
                None,
                &Default::default(),
                t0(),
            )
            .unwrap();
        store
            .transition(ids[0], JobState::InFlight, "test", None, &patch(1), t0())
            .unwrap();
    }
    let token = w
        .sim
        .issue_tokens(&w.lanes[0].sim_account)
        .unwrap()
        .access_token;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let body = serde_json::json!({"board_id": w.lanes[0].board.id, "title": "p 0", "link": "https://example.com/p/0",
        "media_source": {"source_type": "image_url", "url": "https://example.com/p.jpg"}});
    let resp = client
        .post(format!("{}/pins", w.sim.base_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(5), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    assert_each_title_once(&w, 1);
    assert_eq!(
        w.sim.stats().count("POST /pins", 201),
        1,
        "found on the board, not resent"
    );
    w.stop().await;
}
