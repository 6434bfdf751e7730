use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::pacing::limits::Preset;
use crate::pinterest::ratelimit::RateLimitPolicy;

fn t(s: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(s)
}

fn standard() -> Pacer {
    let mut p = Pacer::new(&Preset::Standard.limits());
    p.set_account_limits(AccountId(1), &Preset::Standard.limits());
    p.set_account_limits(AccountId(2), &Preset::Standard.limits());
    p
}

#[test]
fn paces_org_write_at_exactly_100_a_minute() {
    let mut p = standard();
    let mut now = t(0);
    for _ in 0..250 {
        now = p.next_slot(AccountId(1), Category::OrgWrite, now);
        p.record_send(AccountId(1), Category::OrgWrite, now);
    }
    // 100 at t=0 (the 100/s universal limit lets them go within a second), 100 at 60, 50 at 120.
    assert!(now >= t(120) && now < t(122), "{now}");
}

#[test]
fn one_paused_lane_does_not_hold_another() {
    let mut p = standard();
    p.pause(AccountId(1), t(600), PauseReason::RateLimited);
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(0)), t(600));
    assert_eq!(p.next_slot(AccountId(2), Category::OrgWrite, t(0)), t(0));
}

#[test]
fn a_lower_limit_in_the_headers_is_learned_and_held() {
    let mut p = standard();
    let signals = RateLimitSignals {
        limit: Some(60),
        policies: vec![RateLimitPolicy {
            limit: 60,
            window: Duration::from_secs(60),
        }],
        remaining: Some(59),
        ..Default::default()
    };
    p.record_send(AccountId(1), Category::OrgWrite, t(0));
    p.observe(AccountId(1), Category::OrgWrite, &signals, t(0));
    let usage = p.usage(AccountId(1), t(0));
    assert!(
        usage
            .iter()
            .any(|u| u.category == Some(Category::OrgWrite) && u.limit == 60),
        "{usage:?}"
    );
}

#[test]
fn remaining_below_our_count_is_taken_as_unseen_sends() {
    let mut p = standard();
    let signals = RateLimitSignals {
        limit: Some(100),
        remaining: Some(10),
        ..Default::default()
    };
    p.observe(AccountId(1), Category::OrgWrite, &signals, t(0));
    let write = p
        .usage(AccountId(1), t(0))
        .into_iter()
        .find(|u| u.category == Some(Category::OrgWrite))
        .unwrap();
    assert_eq!(write.used, 90);
}

#[test]
fn a_bare_429_caps_the_busiest_window_and_pauses() {
    let mut p = standard();
    for s in 0..60 {
        p.record_send(AccountId(1), Category::OrgWrite, t(s));
    }
    // The 60th send was refused with no headers at all.
    p.observe_429(
        AccountId(1),
        Category::OrgWrite,
        &RateLimitSignals::default(),
        t(59),
    );
    let write = p
        .usage(AccountId(1), t(59))
        .into_iter()
        .find(|u| u.category == Some(Category::OrgWrite))
        .unwrap();
    assert_eq!(write.limit, 59);
    assert!(p.paused(AccountId(1), t(59)).is_some());
    assert!(p.next_slot(AccountId(1), Category::OrgWrite, t(59)) >= t(60));
}

#[test]
fn retry_after_is_a_floor_that_is_never_shortened() {
    let mut p = standard();
    let long = RateLimitSignals {
        retry_after_at: Some(t(300)),
        ..Default::default()
    };
    p.observe_429(AccountId(1), Category::OrgWrite, &long, t(0));
    let short = RateLimitSignals {
        retry_after_at: Some(t(10)),
        ..Default::default()
    };
    p.observe_429(AccountId(1), Category::OrgWrite, &short, t(1));
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(1)), t(300));
}

#[test]
fn trial_apps_share_the_daily_quota_across_accounts() {
    let mut p = Pacer::new(&Preset::Trial.limits());
    for s in 0..300 {
        p.record_send(AccountId(1 + (s % 2)), Category::OrgWrite, t(s));
    }
    assert!(p.next_slot(AccountId(2), Category::OrgWrite, t(300)) >= t(86_400));
    assert_eq!(p.next_slot(AccountId(2), Category::OrgRead, t(300)), t(300));
}

#[test]
fn unexplained_remaining_goes_to_the_longest_window_the_policy_list_names() {
    let mut p = standard();
    let second = RateLimitPolicy {
        limit: 100,
        window: Duration::from_secs(1),
    };
    let minute = RateLimitPolicy {
        limit: 100,
        window: Duration::from_secs(60),
    };
    let signals = RateLimitSignals {
        limit: Some(100),
        policies: vec![second, minute],
        remaining: Some(40),
        ..Default::default()
    };
    p.observe(AccountId(1), Category::OrgWrite, &signals, t(0));
    let usage = p.usage(AccountId(1), t(0));
    let universal = usage.iter().find(|u| u.category.is_none()).unwrap();
    assert_eq!(universal.used, 0);
    let write = usage
        .iter()
        .find(|u| u.category == Some(Category::OrgWrite))
        .unwrap();
    assert_eq!(
        write.used, 60,
        "both listed policies have a limit of 100: the longer wait is the safe mistake"
    );
}

/// At a window's edge the server's `remaining` (of its minute) is low while our second is
/// empty: the minute we counted explains it, and nothing is added to the second (which held
/// every next send back by up to a second, at each edge).
#[test]
fn remaining_that_one_of_the_named_windows_explains_adds_nothing() {
    let mut p = standard();
    for s in 0..97 {
        p.record_send(
            AccountId(1),
            Category::OrgWrite,
            t(0) + TimeDelta::milliseconds(500 * s),
        );
    }
    let policies = [1, 60].map(|w| RateLimitPolicy {
        limit: 100,
        window: Duration::from_secs(w),
    });
    let signals = RateLimitSignals {
        limit: Some(100),
        policies: policies.to_vec(),
        remaining: Some(3),
        ..Default::default()
    };
    let answered = t(48) + TimeDelta::milliseconds(500);
    p.observe_answered(
        AccountId(1),
        Category::OrgWrite,
        &signals,
        answered,
        answered,
    );
    let usage = p.usage(AccountId(1), answered);
    let universal = usage.iter().find(|u| u.category.is_none()).unwrap();
    assert_eq!(universal.used, 1, "only our own send of the last second");
    assert_eq!(
        p.next_slot(AccountId(1), Category::OrgWrite, answered),
        answered
    );
}

/// The server's `remaining` is compared with our count when the request left: the server
/// counted it at some moment of the round trip, and sends that left our window after the
/// request left (while it was on its way, or while the answer waited for the loop) may still
/// have been in the server's window then. Taken as unseen, each held a slot until the
/// server's reset, a second into the next window.
#[test]
fn remaining_is_compared_with_our_count_when_the_request_left() {
    let mut p = standard();
    for s in 0..100 {
        p.record_send(
            AccountId(1),
            Category::OrgWrite,
            t(0) + TimeDelta::milliseconds(10 * s),
        );
    }
    // Sent at 60.0 s, when one of ours (the one of 0 s) had left; the server counted it at
    // 60.2 s, when 20 of its had left (19 left with this one); answered at 60.5 s, read at
    // 60.6 s.
    let sent = t(60);
    p.record_send(AccountId(1), Category::OrgWrite, sent);
    let signals = RateLimitSignals {
        limit: Some(100),
        policies: vec![RateLimitPolicy {
            limit: 100,
            window: Duration::from_secs(60),
        }],
        remaining: Some(19),
        reset_at: Some(t(61)),
        ..Default::default()
    };
    let read = t(60) + TimeDelta::milliseconds(600);
    p.observe_answered(AccountId(1), Category::OrgWrite, &signals, sent, read);
    let usage = p.usage(AccountId(1), read);
    let write = usage
        .iter()
        .find(|u| u.category == Some(Category::OrgWrite))
        .unwrap();
    // Compared at the answer's time (60.5 s, 50 left) it would have looked like 31 unseen.
    assert_eq!(
        write.used, 40,
        "39 of the first 100 and the new one; nothing added"
    );
}

#[test]
fn a_bare_429_at_low_usage_backs_off_without_lowering_any_limit() {
    let mut p = standard();
    p.record_send(AccountId(1), Category::OrgWrite, t(0));
    p.observe_429(
        AccountId(1),
        Category::OrgWrite,
        &RateLimitSignals::default(),
        t(0),
    );
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(0)), t(5));
    p.record_send(AccountId(1), Category::OrgWrite, t(5));
    p.observe_429(
        AccountId(1),
        Category::OrgWrite,
        &RateLimitSignals::default(),
        t(5),
    );
    assert_eq!(
        p.next_slot(AccountId(1), Category::OrgWrite, t(5)),
        t(15),
        "doubled"
    );
    let write = p
        .usage(AccountId(1), t(5))
        .into_iter()
        .find(|u| u.category == Some(Category::OrgWrite))
        .unwrap();
    assert_eq!(
        write.limit, 100,
        "nothing learned from a 429 that said nothing"
    );
    p.observe(
        AccountId(1),
        Category::OrgWrite,
        &RateLimitSignals::default(),
        t(20),
    );
    p.record_send(AccountId(1), Category::OrgWrite, t(20));
    p.observe_429(
        AccountId(1),
        Category::OrgWrite,
        &RateLimitSignals::default(),
        t(20),
    );
    assert_eq!(
        p.next_slot(AccountId(1), Category::OrgWrite, t(20)),
        t(25),
        "a success resets the streak"
    );
}

#[test]
fn a_429_with_only_a_reset_waits_for_the_reset() {
    let mut p = standard();
    let signals = RateLimitSignals {
        reset_at: Some(t(40)),
        limit: Some(7),
        remaining: Some(0),
        ..Default::default()
    };
    p.observe_429(AccountId(1), Category::OrgWrite, &signals, t(0));
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(0)), t(40));
}

#[test]
fn a_429_that_names_no_wait_still_backs_off() {
    let mut p = standard();
    // Headers that match none of our windows and no Retry-After: no reason to send at once.
    let odd = RateLimitSignals {
        limit: Some(7),
        remaining: Some(3),
        ..Default::default()
    };
    p.observe_429(AccountId(1), Category::OrgWrite, &odd, t(0));
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(0)), t(5));
}

#[test]
fn retry_after_on_any_answer_is_a_floor_that_resume_keeps() {
    let mut p = standard();
    let busy = RateLimitSignals {
        retry_after_at: Some(t(120)),
        ..Default::default()
    };
    p.observe(AccountId(1), Category::OrgWrite, &busy, t(0));
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(0)), t(120));
    p.pause(AccountId(1), t(10), PauseReason::NeedsReconnect);
    p.resume(AccountId(1));
    assert_eq!(
        p.next_slot(AccountId(1), Category::OrgWrite, t(0)),
        t(120),
        "the user's resume does not undercut the server"
    );
    assert_eq!(
        p.paused(AccountId(1), t(0)),
        Some((t(120), PauseReason::RateLimited))
    );
}

#[test]
fn a_429s_wait_outlives_a_reconnect_and_the_users_resume() {
    // A 429's Retry-After, and a 429 that only says when its window resets: each is the
    // server's floor, and neither is a window the lane models (so only the floor holds it).
    let retry_after = RateLimitSignals {
        retry_after_at: Some(t(300)),
        ..Default::default()
    };
    let reset_only = RateLimitSignals {
        reset_at: Some(t(300)),
        limit: Some(7),
        remaining: Some(0),
        ..Default::default()
    };
    for signals in [retry_after, reset_only] {
        let mut p = standard();
        p.record_send(AccountId(1), Category::OrgWrite, t(0));
        p.observe_429(AccountId(1), Category::OrgWrite, &signals, t(0));
        assert_eq!(
            p.server_floor(AccountId(1), t(0)),
            Some(t(300)),
            "{signals:?}"
        );
        // The token went bad meanwhile; the user reconnects (the engine then resumes the lane),
        // and resumes once more for good measure, with the account's limits set again.
        p.pause(
            AccountId(1),
            t(0) + TimeDelta::days(3650),
            PauseReason::NeedsReconnect,
        );
        p.resume(AccountId(1));
        p.set_account_limits(AccountId(1), &Preset::Standard.limits());
        p.resume(AccountId(1));
        assert_eq!(
            p.next_slot(AccountId(1), Category::OrgWrite, t(1)),
            t(300),
            "a resume must not undercut the server: {signals:?}"
        );
        assert_eq!(p.server_floor(AccountId(1), t(1)), Some(t(300)));
        assert_eq!(
            p.paused(AccountId(1), t(1)),
            Some((t(300), PauseReason::RateLimited))
        );
        assert_eq!(
            p.next_slot(AccountId(1), Category::OrgWrite, t(299)),
            t(300)
        );
        // Once the floor has passed, the lane sends at once.
        assert_eq!(
            p.next_slot(AccountId(1), Category::OrgWrite, t(300)),
            t(300)
        );
        assert_eq!(p.paused(AccountId(1), t(300)), None);
    }
}

#[test]
fn a_window_the_server_lists_and_we_lack_is_taken_on() {
    let mut p = standard();
    // The server enforces 5 writes per 10 s, which no preset window covers.
    let signals = RateLimitSignals {
        limit: Some(5),
        policies: vec![
            RateLimitPolicy {
                limit: 5,
                window: Duration::from_secs(10),
            },
            RateLimitPolicy {
                limit: 100,
                window: Duration::from_secs(60),
            },
        ],
        remaining: Some(0),
        ..Default::default()
    };
    for _ in 0..5 {
        p.record_send(AccountId(1), Category::OrgWrite, t(0));
    }
    p.observe(AccountId(1), Category::OrgWrite, &signals, t(0));
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(0)), t(10));
    // Only that account, only that category.
    assert_eq!(p.next_slot(AccountId(1), Category::OrgRead, t(0)), t(0));
    assert_eq!(p.next_slot(AccountId(2), Category::OrgWrite, t(0)), t(0));
    // Seen twice, added once.
    p.observe(AccountId(1), Category::OrgWrite, &signals, t(1));
    let tens = p
        .usage(AccountId(1), t(1))
        .into_iter()
        .filter(|u| u.window_secs == 10)
        .count();
    assert_eq!(tens, 1);
}

#[test]
fn new_limits_keep_what_was_sent_and_the_servers_floor() {
    let mut p = standard();
    let mut sends = Vec::new();
    for i in 0..8 {
        p.record_send(AccountId(1), Category::OrgWrite, t(i));
        sends.push((AccountId(1), Category::OrgWrite, t(i)));
    }
    sends.push((AccountId(2), Category::OrgWrite, t(3)));
    p.hold_until(AccountId(1), t(20));
    let slower = [LimitSpec {
        scope: LimitScope::User,
        category: Some(Category::OrgWrite),
        limit: 8,
        window_secs: 60,
    }];
    p.replace_limits(AccountId(1), &slower, &[], &sends);
    // Eight already went out in this minute: the next waits for the first to leave the window,
    // and never before the server's floor.
    assert_eq!(p.next_slot(AccountId(1), Category::OrgWrite, t(10)), t(60));
    assert_eq!(p.server_floor(AccountId(1), t(10)), Some(t(20)));
    // Another account is not touched.
    assert_eq!(p.next_slot(AccountId(2), Category::OrgWrite, t(10)), t(10));
}

#[test]
fn a_tier_change_keeps_what_the_server_taught_and_leaves_trial_at_once() {
    let mut p = standard();
    // The server showed 6 writes a minute (not 100), and a 10-minute window nobody configured;
    // it also counted 3 sends PinPace did not see.
    let signals = RateLimitSignals {
        limit: Some(6),
        policies: vec![
            RateLimitPolicy {
                limit: 6,
                window: Duration::from_secs(60),
            },
            RateLimitPolicy {
                limit: 20,
                window: Duration::from_secs(600),
            },
        ],
        remaining: Some(2),
        ..Default::default()
    };
    p.record_send(AccountId(1), Category::OrgWrite, t(0));
    p.observe(AccountId(1), Category::OrgWrite, &signals, t(1));
    // The user picks standard again (100 a minute): the window keeps the server's 6 and the
    // four sends it counted, and the taught 10-minute window stays.
    let log = [(AccountId(1), Category::OrgWrite, t(0))];
    p.replace_limits(AccountId(1), &Preset::Standard.limits(), &[], &log);
    let usage = p.usage(AccountId(1), t(2));
    let minute = usage
        .iter()
        .find(|u| u.category == Some(Category::OrgWrite) && u.window_secs == 60)
        .unwrap();
    assert_eq!((minute.limit, minute.used), (6, 4), "{usage:?}");
    assert!(usage.iter().any(|u| u.window_secs == 600), "{usage:?}");

    // Trial access is per app: its day limit arrives counting every account's sends...
    let trial = Preset::Trial.limits();
    let many: Vec<_> = (0..300)
        .map(|i| (AccountId(1 + i % 2), Category::OrgWrite, t(100 + i)))
        .collect();
    p.replace_limits(AccountId(2), &trial, &trial, &many);
    assert!(p.has_app_limits());
    assert!(p.next_slot(AccountId(2), Category::OrgWrite, t(1000)) >= t(86_400));
    // ...and leaving it (no account on trial any more) drops the app-wide quota at once.
    p.replace_limits(AccountId(2), &Preset::Standard.limits(), &[], &many);
    assert!(!p.has_app_limits());
    assert!(p.next_slot(AccountId(2), Category::OrgWrite, t(1000)) < t(1100));
}
