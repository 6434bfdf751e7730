//! Properties of `transition_for` over any job and any result (proptest), and a few examples.

use crate::{AccountId, JobId, PinId};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;
use crate::pin_text::PinText;
use crate::pinterest::types::{Category, Pin};
use crate::pinterest::TransientReason;

fn now() -> DateTime<Utc> {
    "2026-11-23T12:00:00Z".parse().unwrap()
}

fn pin(id: &str) -> Pin {
    Pin {
        id: id.into(),
        created_at: None,
        board_id: "1".into(),
        board_section_id: None,
        text: PinText {
            title: None,
            description: None,
            link: None,
            alt_text: None,
        },
        media: None,
    }
}

fn in_flight(attempt: i64, needs_reconcile: bool, final_check: bool, delay_ms: i64) -> Job {
    Job {
        id: JobId(1),
        pin_id: PinId(1),
        account_id: Some(AccountId(1)),
        board_id: Some("1".into()),
        section_id: None,
        state: JobState::InFlight,
        due_at: Some(now()),
        attempt,
        retry_delay_ms: delay_ms,
        next_attempt_at: None,
        sent_at: Some(now()),
        pinterest_pin_id: None,
        pinterest_url: None,
        error_code: final_check.then_some(JobErrorCode::FinalBoardCheck),
        error_message: None,
        needs_reconcile,
        last_sent_at: Some(now()),
    }
}

fn outcome() -> impl Strategy<Value = Outcome<()>> {
    prop_oneof![
        (any::<bool>(), proptest::option::of(0i64..3600)).prop_map(|(spam, secs)| {
            Outcome::RateLimited {
                category: Category::OrgWrite,
                retry_at: secs.map(|s| now() + TimeDelta::seconds(s)),
                spam_block: spam,
                message: None,
            }
        }),
        (
            prop_oneof![
                Just(TransientReason::Timeout),
                Just(TransientReason::ConnectionReset),
                Just(TransientReason::MalformedBody),
                Just(TransientReason::ResponseTooLarge),
                Just(TransientReason::ServerError(503)),
            ],
            any::<bool>()
        )
            .prop_map(|(reason, maybe)| Outcome::Transient {
                reason,
                maybe_delivered: maybe,
                detail: "x".into(),
            }),
        Just(Outcome::Auth {
            code: None,
            message: "no".into()
        }),
        prop_oneof![Just(None), Just(Some(29)), Just(Some(40)), Just(Some(1))].prop_map(|code| {
            Outcome::Terminal {
                status: 400,
                code,
                message: "bad".into(),
            }
        }),
        Just(Outcome::Offline {
            detail: "down".into()
        }),
    ]
}

fn result() -> impl Strategy<Value = AttemptResult> {
    prop_oneof![
        Just(AttemptResult::Created(pin("7"))),
        Just(AttemptResult::FoundOnBoard(pin("8"))),
        Just(AttemptResult::NeedsReconnect("revoked".into())),
        Just(AttemptResult::NotOnBoard),
        Just(AttemptResult::NotYetListed),
        Just(AttemptResult::Undecided("cap".into())),
        Just(AttemptResult::SecretsLocked("locked".into())),
        Just(AttemptResult::Unsendable("gone".into())),
        outcome().prop_map(AttemptResult::Failed),
    ]
}

fn pause() -> impl Strategy<Value = Option<(DateTime<Utc>, PauseReason)>> {
    proptest::option::of((
        1i64..100_000,
        prop_oneof![
            Just(PauseReason::RateLimited),
            Just(PauseReason::SpamBlock),
            Just(PauseReason::Offline),
            Just(PauseReason::NeedsReconnect),
            Just(PauseReason::LocalError),
            Just(PauseReason::SecretsLocked),
        ],
    ))
    .prop_map(|p| p.map(|(secs, r)| (now() + TimeDelta::seconds(secs), r)))
}

fn may_have_created(result: &AttemptResult) -> bool {
    matches!(
        result,
        AttemptResult::Failed(Outcome::Transient {
            maybe_delivered: true,
            ..
        })
    )
}

proptest! {
    #[test]
    fn never_lost_never_twice(
        attempt in 1i64..8,
        needs_reconcile in any::<bool>(),
        final_check in any::<bool>(),
        delay_ms in 0i64..30_000_000,
        result in result(),
        pause in pause(),
        seed in any::<u64>(),
    ) {
        let policy = RetryPolicy::default();
        let job = in_flight(attempt, needs_reconcile, final_check, delay_ms);
        let ctx = Context {
            now: now(),
            policy: &policy,
            pause,
            trust_at: Some(now() + TimeDelta::seconds(60)),
            offline_probe: Duration::from_secs(2),
        };
        let t = transition_for(&job, &result, &ctx, &mut StdRng::seed_from_u64(seed));
        // Every transition is one the store accepts from in flight.
        prop_assert!(JobState::InFlight.can_move_to(t.to), "{:?}", t.to);
        // Only a pin Pinterest showed us publishes a job, and it always does.
        let shown = matches!(result, AttemptResult::Created(_) | AttemptResult::FoundOnBoard(_));
        prop_assert_eq!(t.to == JobState::Published, shown);
        if shown {
            prop_assert!(t.patch.pinterest_pin_id.is_some());
        }
        // While the pin may exist, the flag that makes the next attempt look first stays set.
        let unsure = needs_reconcile || may_have_created(&result);
        let clears = t.patch.needs_reconcile == Some(false);
        if unsure && clears {
            prop_assert!(
                t.to == JobState::Published || matches!(result, AttemptResult::NotOnBoard),
                "flag cleared by {:?}", result
            );
        }
        if may_have_created(&result) {
            prop_assert_eq!(t.patch.needs_reconcile, Some(true));
        }
        // A passing failure during a pause only the user can end never fails the pin.
        let long = matches!(pause, Some((_, PauseReason::NeedsReconnect | PauseReason::SpamBlock)));
        if long && matches!(result, AttemptResult::Failed(Outcome::Transient { .. })) {
            prop_assert!(t.to != JobState::Failed);
            prop_assert!(t.patch.attempt.is_none(), "the wait spends no budget");
        }
        // A retry is never earlier than now, nor than the lane's pause.
        if let Some(Some(at)) = t.patch.next_attempt_at {
            prop_assert!(at >= now());
            if t.to == JobState::WaitingRetry && t.reason.contains("backoff") {
                if let Some((until, _)) = pause {
                    prop_assert!(at >= until);
                }
            }
        }
        // An attempt number handed back never goes below zero or up.
        if let Some(a) = t.patch.attempt {
            prop_assert!(a >= 0 && a < attempt);
        }
    }
}

#[test]
fn a_final_check_that_finds_nothing_fails_with_the_budget_spent() {
    let policy = RetryPolicy::default();
    let ctx = Context {
        now: now(),
        policy: &policy,
        pause: None,
        trust_at: None,
        offline_probe: Duration::from_secs(2),
    };
    let job = in_flight(6, true, true, 0);
    let t = transition_for(
        &job,
        &AttemptResult::NotOnBoard,
        &ctx,
        &mut StdRng::seed_from_u64(1),
    );
    assert_eq!(t.to, JobState::Failed);
    assert_eq!(
        t.patch.error.unwrap().unwrap().0,
        JobErrorCode::RetryBudgetSpent
    );
}

#[test]
fn a_refusal_is_coded_with_pinterests_code_or_else_the_status() {
    let policy = RetryPolicy::default();
    let ctx = Context {
        now: now(),
        policy: &policy,
        pause: None,
        trust_at: None,
        offline_probe: Duration::from_secs(2),
    };
    let job = in_flight(1, false, false, 0);
    for (code, expected) in [
        (Some(BOARD_NOT_FOUND_CODE), JobErrorCode::Pinterest(40)),
        (None, JobErrorCode::Http(400)),
    ] {
        let refused = AttemptResult::Failed(Outcome::Terminal {
            status: 400,
            code,
            message: "no".into(),
        });
        let t = transition_for(&job, &refused, &ctx, &mut StdRng::seed_from_u64(1));
        assert_eq!(t.to, JobState::Failed);
        assert_eq!(t.patch.error.unwrap().unwrap().0, expected);
    }
}

#[test]
fn a_peek_that_finds_nothing_looks_again_when_the_listing_can_be_trusted() {
    let policy = RetryPolicy::default();
    let trust = now() + TimeDelta::seconds(57);
    let ctx = Context {
        now: now(),
        policy: &policy,
        pause: None,
        trust_at: Some(trust),
        offline_probe: Duration::from_secs(2),
    };
    let t = transition_for(
        &in_flight(1, true, false, 0),
        &AttemptResult::NotYetListed,
        &ctx,
        &mut StdRng::seed_from_u64(1),
    );
    assert_eq!(t.to, JobState::WaitingRetry);
    assert_eq!(t.patch.next_attempt_at, Some(Some(trust)));
    assert_eq!(t.patch.needs_reconcile, None, "still to be checked");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Issue 16 item 10: `retry_delay_ms` and `attempt` are read from the database, and the
    /// policy's delays from the settings table. Before, a stored delay near `i64::MAX` overflowed
    /// `retry_delay_ms + wait` (a panic in debug builds) and a policy whose delays reach
    /// `Duration::MAX` overflowed `now + wait`; any such job now gets a transition.
    #[test]
    fn stored_numbers_at_their_extremes_never_panic(
        attempt in prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0i64), any::<i64>()],
        delay_ms in prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(i64::MAX - 1), any::<i64>()],
        huge in any::<bool>(),
        result in result(),
        seed in any::<u64>(),
    ) {
        let policy = if huge {
            RetryPolicy {
                max_attempts: u32::MAX,
                max_total_delay: Duration::MAX,
                base_delay: Duration::MAX,
                max_delay: Duration::MAX,
            }
        } else {
            RetryPolicy::default()
        };
        let job = in_flight(attempt, false, false, delay_ms);
        let ctx = Context {
            now: now(),
            policy: &policy,
            pause: None,
            trust_at: None,
            offline_probe: Duration::from_secs(2),
        };
        let t = transition_for(&job, &result, &ctx, &mut StdRng::seed_from_u64(seed));
        prop_assert!(JobState::InFlight.can_move_to(t.to), "{:?}", t.to);
    }
}
