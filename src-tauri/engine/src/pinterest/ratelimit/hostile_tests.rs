//! Unit tests of hostile input: garbage items, bytes that are not UTF-8, numbers that do not
//! fit, dates at the ends of time. Each must be skipped, saturated or clamped, never a panic.

use chrono::{DateTime, TimeDelta, Utc};

use super::tests::{headers, now, parse, policy};
use super::*;

#[test]
fn garbage_items_are_skipped_good_ones_kept() {
    let s = parse(
        &[
            (
                "x-ratelimit-limit",
                b" junk , ,100;w=1;burst=3, x;w=5, 7;w=0, 8;w=-1, 1000 ; W = 60 ,",
            ),
            ("x-ratelimit-remaining", b"lots, 12"),
        ],
        None,
    );
    assert_eq!(s.limit, Some(100));
    assert_eq!(s.policies, vec![policy(100, 1), policy(1000, 60)]);
    assert_eq!(s.remaining, Some(12));
}

#[test]
fn non_utf8_bytes_do_not_hide_ascii_items() {
    let s = parse(
        &[("x-ratelimit-limit", b"\xff\xfe, 100;w=1, \xc3(;w=2")],
        None,
    );
    assert_eq!(s.limit, Some(100));
    assert_eq!(s.policies, vec![policy(100, 1)]);
}

#[test]
fn huge_and_negative_numbers() {
    let huge = b"99999999999999999999999999999";
    let s = parse(
        &[
            ("x-ratelimit-limit", huge),
            ("x-ratelimit-remaining", b"-4"),
            ("retry-after", huge),
        ],
        None,
    );
    assert_eq!(s.limit, Some(u64::MAX));
    assert_eq!(s.remaining, Some(0));
    assert_eq!(s.retry_after(now()), Some(MAX_WAIT));
    assert_eq!(parse(&[("retry-after", b"-30")], None).retry_after_at, None);
    assert_eq!(parse(&[("x-ratelimit-limit", b"-1")], None).limit, None);
}

#[test]
fn far_dates_are_clamped_not_overflowed() {
    let s = parse(
        &[
            ("retry-after", b"Fri, 31 Dec 9999 23:59:59 GMT"),
            ("x-ratelimit-reset", b"9999-12-31T23:59:59Z"),
        ],
        None,
    );
    assert_eq!(s.retry_after(now()), Some(MAX_WAIT));
    assert_eq!(s.reset_after(now()), Some(MAX_WAIT));

    let end = DateTime::<Utc>::MAX_UTC;
    let s = RateLimitSignals::parse(&headers(&[("retry-after", b"60")]), None, end);
    assert_eq!(s.retry_after_at, Some(end));
    let start = DateTime::<Utc>::MIN_UTC;
    let s = RateLimitSignals::parse(
        &headers(&[("x-ratelimit-reset", b"1700000000")]),
        None,
        start,
    );
    assert_eq!(
        s.reset_at,
        Some(start + TimeDelta::from_std(MAX_WAIT).unwrap())
    );
}

#[test]
fn empty_when_nothing_usable() {
    assert!(parse(&[], None).is_empty());
    let s = parse(
        &[
            ("content-type", b"application/json"),
            ("x-ratelimit-limit", b"none"),
            ("retry-after", b"later"),
        ],
        Some("{}"),
    );
    assert!(s.is_empty());
    assert_eq!(s.retry_after(now()), None);
}
