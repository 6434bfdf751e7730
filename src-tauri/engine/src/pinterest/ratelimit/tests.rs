//! Unit tests: one per format the parser accepts, and the rules that combine them.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 16, 0, 0).unwrap()
}

pub(super) fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
    }
    map
}

pub(super) fn parse(pairs: &[(&str, &[u8])], body: Option<&str>) -> RateLimitSignals {
    RateLimitSignals::parse(&headers(pairs), body.map(str::as_bytes), now())
}

pub(super) fn secs(s: i64) -> Option<DateTime<Utc>> {
    Some(now() + TimeDelta::seconds(s))
}

pub(super) fn policy(limit: u64, window: u64) -> RateLimitPolicy {
    RateLimitPolicy {
        limit,
        window: Duration::from_secs(window),
    }
}

#[test]
fn pinterest_documented_example() {
    let s = parse(
        &[
            ("x-ratelimit-limit", b"100, 100;w=1, 1000;w=60"),
            ("x-ratelimit-remaining", b"99"),
            ("x-ratelimit-reset", b"1"),
        ],
        None,
    );
    assert_eq!(s.limit, Some(100));
    assert_eq!(s.policies, vec![policy(100, 1), policy(1000, 60)]);
    assert_eq!(s.remaining, Some(99));
    assert_eq!(s.reset_at, secs(1));
    assert_eq!(s.retry_after_at, None);
    assert!(!s.is_empty());
}

#[test]
fn mixed_case_names_and_bare_limit() {
    let s = parse(
        &[
            ("X-RateLimit-Limit", b"60"),
            ("X-RateLimit-Remaining", b" 45 "),
        ],
        None,
    );
    assert_eq!((s.limit, s.remaining), (Some(60), Some(45)));
    assert!(s.policies.is_empty());
}

#[test]
fn reset_delta_epoch_seconds_epoch_millis_and_dates() {
    let epoch = now().timestamp();
    let cases: Vec<(String, Option<DateTime<Utc>>)> = vec![
        ("30".into(), secs(30)),
        ("1.25".into(), Some(now() + TimeDelta::milliseconds(1250))),
        ((epoch + 60).to_string(), secs(60)),
        (
            ((epoch + 60) * 1000 + 500).to_string(),
            Some(now() + TimeDelta::milliseconds(60_500)),
        ),
        ("2026-03-09T17:00:00.000Z".into(), secs(3600)),
        ("2026-03-09T17:00:00+01:00".into(), secs(0)),
        ("2026-03-09T17:00:00+0000".into(), secs(3600)),
        ("2026-03-09 16:10:00".into(), secs(600)),
        ("Mon, 09 Mar 2026 16:02:00 GMT".into(), secs(120)),
        ("-5".into(), None),
        ("soon".into(), None),
    ];
    for (value, want) in cases {
        let s = parse(&[("x-ratelimit-reset", value.as_bytes())], None);
        assert_eq!(s.reset_at, want, "x-ratelimit-reset: {value}");
    }
}

#[test]
fn epoch_threshold_boundary() {
    let below = EPOCH_SECONDS_FROM - 1;
    let s = parse(&[("x-ratelimit-reset", below.to_string().as_bytes())], None);
    assert_eq!(
        s.reset_at,
        Some(now() + TimeDelta::from_std(MAX_WAIT).unwrap())
    );
    let at = parse(
        &[(
            "x-ratelimit-reset",
            EPOCH_SECONDS_FROM.to_string().as_bytes(),
        )],
        None,
    );
    assert_eq!(at.reset_at, DateTime::from_timestamp(1_000_000_000, 0));
    let ms = parse(
        &[(
            "x-ratelimit-reset",
            EPOCH_MILLIS_FROM.to_string().as_bytes(),
        )],
        None,
    );
    assert_eq!(ms.reset_at, DateTime::from_timestamp(1_000_000_000, 0));
}

#[test]
fn retry_after_delta_and_http_date() {
    let s = parse(&[("retry-after", b"120")], None);
    assert_eq!(s.retry_after_at, secs(120));
    assert_eq!(s.retry_after(now()), Some(Duration::from_secs(120)));

    let s = parse(&[("Retry-After", b"Mon, 09 Mar 2026 16:05:00 GMT")], None);
    assert_eq!(s.retry_after_at, secs(300));
    let s = parse(&[("Retry-After", b"Monday, 09-Mar-26 16:05:00 GMT")], None);
    assert_eq!(s.retry_after_at, secs(300));
    let s = parse(&[("Retry-After", b"Mon Mar  9 16:05:00 2026")], None);
    assert_eq!(s.retry_after_at, secs(300));
}

#[test]
fn retry_after_in_the_past_waits_zero() {
    let s = parse(&[("retry-after", b"Sun, 06 Nov 1994 08:49:37 GMT")], None);
    assert!(s.retry_after_at.unwrap() < now());
    assert_eq!(s.retry_after(now()), Some(Duration::ZERO));
    assert_eq!(
        s.retry_after(now() + TimeDelta::days(1)),
        Some(Duration::ZERO)
    );
}

#[test]
fn retry_after_takes_latest_of_all_sources() {
    let body = r#"{"error":"Too Many Requests","retryAfter":60,"limit":100,"remaining":0}"#;
    let s = parse(&[("retry-after", b"12")], Some(body));
    assert_eq!(s.retry_after_at, secs(60));
    let s = parse(&[("retry-after", b"90")], Some(body));
    assert_eq!(s.retry_after_at, secs(90));
    let s = parse(
        &[
            ("retry-after", b"10"),
            ("retry-after", b"Mon, 09 Mar 2026 16:03:00 GMT"),
        ],
        Some(r#"{"retryAfter":"45"}"#),
    );
    assert_eq!(s.retry_after_at, secs(180));
}

#[test]
fn body_of_a_429() {
    let body = r#"{"error":"Too Many Requests","message":"Rate limit exceeded",
        "retryAfter":60,"limit":100,"remaining":0,"resetTime":"2026-03-09T17:00:00.000Z"}"#;
    let s = parse(&[], Some(body));
    assert_eq!(s.limit, Some(100));
    assert_eq!(s.remaining, Some(0));
    assert_eq!(s.reset_at, secs(3600));
    assert_eq!(s.retry_after_at, secs(60));
    assert!(s.policies.is_empty());
}

#[test]
fn body_fields_inside_error_object_and_odd_types() {
    let s = parse(&[], Some(r#"{"error":{"retry_after":2.5,"remaining":-3}}"#));
    assert_eq!(
        s.retry_after_at,
        Some(now() + TimeDelta::milliseconds(2500))
    );
    assert_eq!(s.remaining, Some(0));
    let s = parse(
        &[],
        Some(r#"{"retryAfter":[1],"limit":"lots","resetTime":null,"remaining":true}"#),
    );
    assert!(s.is_empty());
    for junk in [
        "",
        "[]",
        "42",
        "not json",
        "{\"retryAfter\":",
        "\u{0}\u{ff}",
    ] {
        assert!(parse(&[], Some(junk)).is_empty(), "{junk:?}");
    }
}

#[test]
fn headers_win_over_body_for_limit_and_remaining_but_latest_reset_wins() {
    let s = parse(
        &[
            ("x-ratelimit-limit", b"10"),
            ("x-ratelimit-remaining", b"3"),
            ("x-ratelimit-reset", b"5"),
        ],
        Some(r#"{"limit":100,"remaining":0,"resetTime":"2026-03-09T16:00:30Z"}"#),
    );
    assert_eq!((s.limit, s.remaining), (Some(10), Some(3)));
    assert_eq!(s.reset_at, secs(30));
}

#[test]
fn ietf_draft_forms() {
    let s = parse(
        &[
            ("RateLimit-Limit", b"10"),
            ("RateLimit-Remaining", b"7"),
            ("RateLimit-Reset", b"20"),
            ("RateLimit-Policy", b"10;w=1, 50;w=60"),
        ],
        None,
    );
    assert_eq!(
        (s.limit, s.remaining, s.reset_at),
        (Some(10), Some(7), secs(20))
    );
    assert_eq!(s.policies, vec![policy(10, 1), policy(50, 60)]);

    let s = parse(
        &[
            (
                "ratelimit-policy",
                b"\"burst\";q=100;w=60, \"daily\";q=1000;w=86400",
            ),
            ("ratelimit", b"\"burst\";r=40;t=25"),
        ],
        None,
    );
    assert_eq!(s.policies, vec![policy(100, 60), policy(1000, 86_400)]);
    assert_eq!(
        (s.limit, s.remaining, s.reset_at),
        (None, Some(40), secs(25))
    );
}

#[test]
fn pinterest_headers_win_over_ietf() {
    let s = parse(
        &[
            ("x-ratelimit-limit", b"100, 100;w=1"),
            ("ratelimit-limit", b"5, 5;w=9"),
            ("x-ratelimit-remaining", b"99"),
            ("ratelimit-remaining", b"1"),
        ],
        None,
    );
    assert_eq!((s.limit, s.remaining), (Some(100), Some(99)));
    assert_eq!(s.policies, vec![policy(100, 1)]);
}

#[test]
fn limit_split_over_several_header_lines() {
    let s = parse(
        &[
            ("x-ratelimit-limit", b"100"),
            ("x-ratelimit-limit", b"100;w=1, 1000;w=60"),
        ],
        None,
    );
    assert_eq!(s.limit, Some(100));
    assert_eq!(s.policies, vec![policy(100, 1), policy(1000, 60)]);
}

#[test]
fn spam_block_only_on_429_any_case() {
    let spam = br#"{"code":8,"message":"Your request was blocked: SPAM-like behaviour detected"}"#;
    assert!(is_spam_block(429, Some(spam)));
    assert!(is_spam_block(429, Some(b"blocked as Spam")));
    assert!(is_spam_block(429, Some(br#"{"message":"\u0073pam"}"#)));
    assert!(!is_spam_block(403, Some(spam)));
    assert!(!is_spam_block(200, Some(spam)));
    assert!(!is_spam_block(429, None));
    assert!(!is_spam_block(
        429,
        Some(br#"{"code":429,"message":"Rate limit exceeded"}"#)
    ));
    assert!(!is_spam_block(429, Some(b"\xff\x00sp\xffam")));
}
