//! Property tests: no input panics, written policies read back, and the wait is a floor.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::*;

const NAMES: &[&str] = &[
    "x-ratelimit-limit",
    "X-RateLimit-Remaining",
    "x-ratelimit-reset",
    "retry-after",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "RateLimit",
];

/// Any instant chrono can represent.
fn any_now() -> impl Strategy<Value = DateTime<Utc>> {
    let (lo, hi) = (
        DateTime::<Utc>::MIN_UTC.timestamp(),
        DateTime::<Utc>::MAX_UTC.timestamp(),
    );
    prop_oneof![
        (lo..=hi, 0u32..1_000_000_000),
        (1_500_000_000i64..2_000_000_000, 0u32..1_000_000_000),
        (hi - 1_000_000..=hi, 0u32..1_000_000_000),
    ]
    .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap_or(DateTime::<Utc>::MAX_UTC))
}

/// An instant httpdate can write (years 1970..=9999), with room for the offsets used below.
fn http_now() -> impl Strategy<Value = DateTime<Utc>> {
    (
        200_000i64..253_402_300_799 - 8 * 86_400,
        0u32..1_000_000_000,
    )
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap())
}

/// Header values: raw bytes, or text built from the pieces the grammars react to.
fn any_value() -> impl Strategy<Value = Vec<u8>> {
    let raw =
        proptest::collection::vec(prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff], 0..48);
    let piece = prop_oneof![
        "[0-9]{1,25}",
        Just(",".to_string()),
        Just(";".to_string()),
        Just("w=".to_string()),
        Just("q=".to_string()),
        Just("-".to_string()),
        Just(".".to_string()),
        Just(" ".to_string()),
        Just("\"".to_string()),
        Just("9999-12-31T23:59:59Z".to_string()),
        Just("Fri, 31 Dec 9999 23:59:59 GMT".to_string()),
        "[a-zA-Z=:+]{1,4}",
    ];
    let built = proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat().into_bytes());
    prop_oneof![raw, built]
}

fn any_body() -> impl Strategy<Value = Option<Vec<u8>>> {
    let json_value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        "[0-9a-zA-Z:. -]{0,24}".prop_map(|s| format!("\"{s}\"")),
        Just("null".to_string()),
        Just("[1,{\"x\":2}]".to_string()),
        Just("\"9999-12-31T23:59:59Z\"".to_string()),
    ];
    let key = prop_oneof![
        Just("retryAfter"),
        Just("retry_after"),
        Just("limit"),
        Just("remaining"),
        Just("resetTime"),
        Just("message"),
    ];
    let object = proptest::collection::vec((key, json_value), 0..6).prop_map(|fields| {
        let inner: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{},\"error\":{{{}}}}}", inner.join(","), inner.join(",")).into_bytes()
    });
    prop_oneof![
        Just(None),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(Some),
        object.prop_map(Some),
    ]
}

fn map(pairs: &[(&str, Vec<u8>)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), value);
        }
    }
    headers
}

fn http_date(at: DateTime<Utc>) -> String {
    let secs = u64::try_from(at.timestamp()).unwrap();
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_input_never_panics_and_respects_the_cap(
        pairs in proptest::collection::vec((proptest::sample::select(NAMES), any_value()), 0..8),
        body in any_body(),
        now in any_now(),
        status in prop_oneof![Just(429u16), any::<u16>()],
    ) {
        let s = RateLimitSignals::parse(&map(&pairs), body.as_deref(), now);
        let cap = now.checked_add_signed(TimeDelta::from_std(MAX_WAIT).unwrap())
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        prop_assert!(s.retry_after_at.is_none_or(|at| at <= cap));
        prop_assert!(s.reset_at.is_none_or(|at| at <= cap));
        prop_assert!(s.retry_after(now).is_none_or(|d| d <= MAX_WAIT));
        prop_assert!(s.policies.iter().all(|p| p.window >= Duration::from_secs(1)));
        let _ = (s.is_empty(), s.reset_after(now), is_spam_block(status, body.as_deref()));
    }

    #[test]
    fn formatted_policies_parse_back(
        lead in proptest::option::of(any::<u64>()),
        policies in proptest::collection::vec((any::<u64>(), 1u64..=u64::MAX), 0..6),
        spaced in any::<bool>(),
        name in prop_oneof![Just("x-ratelimit-limit"), Just("X-RateLimit-Limit")],
    ) {
        let sep = if spaced { " ,  " } else { "," };
        let items: Vec<String> = lead.iter().map(u64::to_string)
            .chain(policies.iter().map(|(l, w)| format!("{l};w={w}")))
            .collect();
        let headers = map(&[(name, items.join(sep).into_bytes())]);
        let s = RateLimitSignals::parse(&headers, None, Utc::now());
        let want: Vec<RateLimitPolicy> = policies.iter()
            .map(|&(limit, w)| RateLimitPolicy { limit, window: Duration::from_secs(w) })
            .collect();
        prop_assert_eq!(&s.policies, &want);
        prop_assert_eq!(s.limit, lead.or(policies.first().map(|p| p.0)));
    }

    #[test]
    fn wait_is_never_earlier_than_any_source(
        now in http_now(),
        deltas in proptest::collection::vec(0u64..=MAX_WAIT.as_secs(), 0..3),
        date_offsets in proptest::collection::vec(-100_000i64..=MAX_WAIT.as_secs() as i64, 0..3),
        body_wait in proptest::option::of((0u64..=MAX_WAIT.as_secs(), any::<bool>())),
    ) {
        let mut pairs = Vec::new();
        let mut sources = Vec::new();
        for d in &deltas {
            pairs.push(("retry-after", d.to_string().into_bytes()));
            sources.push(now + TimeDelta::seconds(*d as i64));
        }
        for off in &date_offsets {
            let at = now + TimeDelta::seconds(*off);
            pairs.push(("Retry-After", http_date(at).into_bytes()));
            sources.push(DateTime::from_timestamp(at.timestamp(), 0).unwrap());
        }
        let body = body_wait.map(|(secs, as_string)| {
            sources.push(now + TimeDelta::seconds(secs as i64));
            if as_string { format!("{{\"retryAfter\":\"{secs}\"}}") } else { format!("{{\"retryAfter\":{secs}}}") }
        });
        let s = RateLimitSignals::parse(&map(&pairs), body.as_deref().map(str::as_bytes), now);
        prop_assert_eq!(s.retry_after_at, sources.iter().copied().max());
        for source in &sources {
            let floor = source.signed_duration_since(now).to_std().unwrap_or_default();
            prop_assert!(s.retry_after(now).unwrap() >= floor);
        }
    }
}
