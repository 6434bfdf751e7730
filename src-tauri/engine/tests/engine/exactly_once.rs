//! Exactly once against a Pinterest that does not share our assumptions (issue 14), on the paused
//! clock: each test turns on one of the simulator's quirks (answers lost after the pin was made,
//! connections dropped before, listings that lag, a server clock minutes off with absolute
//! rate-limit times, a listing that is not newest-first, look-alike pins that differ only in the
//! image) and judges by the simulator's own record, pin by pin and image by image.
//!
//! The table of the issue is `table_row_*`: 3 accounts, 20 pins each, org_write 10 per 6 s.

use crate::support::engine_env;
use crate::support::exactly_once_judge as judge;

use chrono::TimeDelta;
use engine_env::{t0, test_config, World};
use judge::{queue_distinct, queue_lookalikes, Verdict};
use pinpace_engine::sim::{
    FaultKind, FaultRule, LimitCategory, LimitSpec, ListingOrder, Quirks, Scope, SimConfig,
};
use pinpace_engine::store::job_error::JobErrorCode;
use pinpace_engine::store::job_state::JobState;

const PINS: usize = 20;
const ACCOUNTS: usize = 3;

fn table_config(faults: Vec<FaultRule>) -> SimConfig {
    SimConfig {
        limits: vec![LimitSpec::new(Scope::User, LimitCategory::OrgWrite, 10, 6)],
        faults,
        seed: 14,
        ..SimConfig::default()
    }
}

fn lost_answers(p: f64) -> FaultRule {
    FaultRule::always(FaultKind::CreatedButLost)
        .on("POST /pins")
        .with_probability(p)
}

fn dropped(p: f64) -> FaultRule {
    FaultRule::always(FaultKind::Drop)
        .on("POST /pins")
        .with_probability(p)
}

/// Runs the table's workload to the end and returns the simulator's verdict.
async fn run_table(name: &str, mut w: World, lookalike: bool) -> Verdict {
    let mut jobs = Vec::new();
    for lane in 0..ACCOUNTS {
        jobs.extend(if lookalike {
            queue_lookalikes(&w, lane, PINS, t0())
        } else {
            queue_distinct(&w, lane, PINS, t0())
        });
    }
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::hours(3), |w| {
        w.count(JobState::Published) + w.count(JobState::Failed) == ACCOUNTS * PINS
    })
    .await;
    let verdict = Verdict::judge(&w, &jobs);
    eprintln!("TABLE {name}: {}", verdict.summary());
    w.stop().await;
    verdict
}

#[tokio::test]
async fn table_row_1_lost_answers() {
    let w = engine_env::world(table_config(vec![lost_answers(0.12)]), ACCOUNTS).await;
    run_table("row 1", w, false)
        .await
        .assert_exactly_once(ACCOUNTS * PINS);
}

#[tokio::test]
async fn table_row_2_lost_answers_and_listings_20_s_late() {
    let w = engine_env::world(table_config(vec![lost_answers(0.12)]), ACCOUNTS).await;
    w.sim.set_quirks(Quirks {
        listing_delay_ms: 20_000,
        ..Quirks::default()
    });
    run_table("row 2", w, false)
        .await
        .assert_exactly_once(ACCOUNTS * PINS);
}

#[tokio::test]
async fn table_row_3_and_the_servers_clock_10_minutes_behind() {
    let w = engine_env::world(table_config(vec![lost_answers(0.12)]), ACCOUNTS).await;
    w.sim.set_quirks(Quirks {
        listing_delay_ms: 20_000,
        clock_offset_secs: -600,
        absolute_rate_times: true,
        ..Quirks::default()
    });
    let v = run_table("row 3", w, false).await;
    v.assert_exactly_once(ACCOUNTS * PINS);
    v.assert_no_429_and_nothing_early();
}

#[tokio::test]
async fn the_servers_clock_15_minutes_ahead_on_one_account_and_behind_on_another() {
    let w = engine_env::world(table_config(vec![lost_answers(0.12)]), ACCOUNTS).await;
    for (lane, offset) in [(0, 900), (1, -900)] {
        let account = w.lanes[lane].sim_account.clone();
        assert!(w.sim.set_account_quirks(
            &account,
            Quirks {
                listing_delay_ms: 20_000,
                clock_offset_secs: offset,
                absolute_rate_times: true,
                ..Quirks::default()
            }
        ));
    }
    let v = run_table("clocks +15/-15 min, look-alikes", w, true).await;
    v.assert_exactly_once(ACCOUNTS * PINS);
    v.assert_no_429_and_nothing_early();
}

#[tokio::test]
async fn table_row_4_dropped_connections_and_look_alike_pins() {
    // Answers that take 5 s while the pin already exists keep look-alikes unsettled while a
    // dropped one's board check runs, as on a real network with 8 requests in flight.
    let slow = FaultRule::always(FaultKind::Timeout { hold_ms: 5_000 })
        .on("POST /pins")
        .with_probability(0.3);
    let w = engine_env::world(table_config(vec![dropped(0.15), slow]), ACCOUNTS).await;
    run_table("row 4", w, true)
        .await
        .assert_exactly_once(ACCOUNTS * PINS);
}

#[tokio::test]
async fn look_alikes_with_lost_answers_late_listings_and_an_oldest_first_listing() {
    let w = engine_env::world(
        table_config(vec![lost_answers(0.12), dropped(0.1)]),
        ACCOUNTS,
    )
    .await;
    w.sim.set_quirks(Quirks {
        listing_delay_ms: 30_000,
        listing_order: ListingOrder::OldestFirst,
        ..Quirks::default()
    });
    run_table("look-alikes, 30 s lag, oldest first", w, true)
        .await
        .assert_exactly_once(ACCOUNTS * PINS);
}

#[tokio::test]
async fn a_listing_30_s_late_is_looked_at_again_before_any_resend() {
    let mut w = engine_env::world(table_config(vec![lost_answers(1.0).times(1)]), 1).await;
    w.sim.set_quirks(Quirks {
        listing_delay_ms: 30_000,
        ..Quirks::default()
    });
    let jobs = queue_distinct(&w, 0, 1, t0());
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(10), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    let v = Verdict::judge(&w, &jobs);
    v.assert_exactly_once(1);
    let history = w.engine().store().job_history(jobs[0].0).unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.reason.contains("listings can lag")),
        "the first look found nothing and was not trusted: {:#?}",
        history.iter().map(|e| &e.reason).collect::<Vec<_>>()
    );
    assert_eq!(w.sim.created_pins().len(), 1, "never resent");
    w.stop().await;
}

#[tokio::test]
async fn a_board_too_long_to_read_fails_the_check_with_its_reason_and_sends_nothing() {
    let mut w = engine_env::world(table_config(vec![lost_answers(1.0).times(1)]), 1).await;
    // An oldest-first listing of a board with more pins than the check reads: it cannot tell.
    w.sim.set_quirks(Quirks {
        listing_order: ListingOrder::OldestFirst,
        ..Quirks::default()
    });
    judge::fill_board(&w, 0, 2_100);
    let jobs = queue_distinct(&w, 0, 1, t0());
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(20), |w| {
        w.count(JobState::Failed) == 1
    })
    .await;
    let job = w.engine().store().job(jobs[0].0).unwrap();
    assert_eq!(job.error_code, Some(JobErrorCode::BoardCheckInconclusive));
    assert!(job.needs_reconcile, "a requeue checks the board again");
    let ours = w
        .sim
        .created_pins()
        .iter()
        .filter(|p| p.text.title.as_deref() == Some("Pin 0 of lane 0"))
        .count();
    assert_eq!(
        ours, 1,
        "created once by the lost attempt, never resent blind"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_passing_failure_during_a_spam_block_waits_with_the_account() {
    let mut w = engine_env::world(table_config(vec![]), 1).await;
    let warm = queue_distinct(&w, 0, 1, t0());
    w.start(test_config());
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(1), |w| {
        w.count(JobState::Published) == 1
    })
    .await;
    // A's answer is a 504 that comes 20 s late; meanwhile the account is blocked for spam,
    // which B's answer tells the engine. A's passing failure then arrives during a pause only
    // the user can end.
    w.sim.add_fault(
        FaultRule::always(FaultKind::LateError {
            delay_ms: 20_000,
            status: 504,
        })
        .on("POST /pins")
        .times(1),
    );
    let now = w.clock_now();
    let a = judge::queue_titled(&w, 0, "A", now);
    let b = judge::queue_titled(&w, 0, "B", now + TimeDelta::seconds(5));
    w.advance_for(TimeDelta::seconds(2), TimeDelta::milliseconds(500))
        .await;
    let account = w.lanes[0].sim_account.clone();
    w.sim.set_spam_block(&account, true);
    w.advance_for(TimeDelta::seconds(60), TimeDelta::seconds(1))
        .await;
    let history = w.engine().store().job_history(a.0).unwrap();
    let reasons: Vec<&str> = history.iter().map(|e| e.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("while the account is paused")),
        "{reasons:#?}"
    );
    assert!(
        !reasons.iter().any(|r| r.contains("retry budget is spent")),
        "{reasons:#?}"
    );
    assert_eq!(w.count(JobState::Failed), 0);
    // The user clears the block: both go out, A once (its board check finds it).
    w.sim.set_spam_block(&account, false);
    w.engine().resume(w.lanes[0].id);
    w.run_until(TimeDelta::seconds(1), TimeDelta::minutes(10), |w| {
        w.count(JobState::Published) == 3
    })
    .await;
    Verdict::judge(&w, &[warm[0].clone(), a, b]).assert_exactly_once(3);
    w.stop().await;
}
