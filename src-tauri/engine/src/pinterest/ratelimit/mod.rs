//! Rate-limit signals, read from any HTTP response into one typed value.
//!
//! Why it is shaped so: the pacer must learn limits from the server (DESIGN invariant 6: the
//! server's word wins) but must never fall over on what a server, proxy or simulator sends. So
//! parsing is one total function, `RateLimitSignals::parse`, that keeps every usable signal,
//! skips garbage item by item, and turns every time into an absolute UTC instant against an
//! injected `now` (invariant 4), so callers never deal with deltas, epochs and dates separately.
//! The small grammars live in `grammar`; this file decides which header wins.
//!
//! Sources, in order of preference: Pinterest's `x-ratelimit-*` headers (any case), the IETF
//! draft's `RateLimit-Limit` / `-Remaining` / `-Reset` / `-Policy` and its combined `RateLimit`
//! (`r=` remaining, `t=` reset), then a JSON body's `limit`, `remaining`, `resetTime`,
//! `retryAfter` (at the top level or inside an `error` object). Both times take the LATEST of
//! their sources, so a wait is never shortened by a disagreeing source.

mod grammar;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use grammar::{items, Number};

/// The longest wait any signal can impose: larger deltas, later dates and epochs are clamped to
/// `now + MAX_WAIT`. A week is past any real Pinterest window (the longest is a day) and keeps
/// every instant far from chrono's limits.
pub const MAX_WAIT: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// A bare number in a reset header below this is delta-seconds (Pinterest sends `1`); from it
/// on it is a Unix time in seconds. 10^9 s is 2001-09-09, and as a delta it would be 31 years,
/// so no real value is ambiguous. Consequence: an epoch before 2001-09-09 (e.g. a fake clock
/// near 1970) is read as a delta; a simulator should send deltas, as Pinterest does.
pub const EPOCH_SECONDS_FROM: u64 = 1_000_000_000;
/// From this on a bare reset number is a Unix time in milliseconds (10^12 ms is 2001-09-09).
pub const EPOCH_MILLIS_FROM: u64 = 1_000_000_000_000;

/// One quota policy: `limit` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimitPolicy {
    pub limit: u64,
    pub window: Duration,
}

/// Every rate-limit signal one response carried.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimitSignals {
    /// Leading value of x-ratelimit-limit (the limit of the policy closest to exhaustion): its
    /// first item that has a usable quota.
    pub limit: Option<u64>,
    /// Every `L;w=S` quota policy listed in x-ratelimit-limit (w in seconds, at least 1), in
    /// order; if the header is a bare number with no policies, empty.
    pub policies: Vec<RateLimitPolicy>,
    /// Requests left in the current window; a negative value reads as 0.
    pub remaining: Option<u64>,
    /// When the current window frees up (latest of the reset headers and body `resetTime`).
    pub reset_at: Option<DateTime<Utc>>,
    /// The server's requested wait as an absolute time: the latest of every Retry-After
    /// (delta-seconds or HTTP-date) and the body's `retryAfter` (seconds).
    pub retry_after_at: Option<DateTime<Utc>>,
}

impl RateLimitSignals {
    /// Reads every signal; never panics. `now` anchors deltas and the `MAX_WAIT` clamp.
    pub fn parse(headers: &HeaderMap, body: Option<&[u8]>, now: DateTime<Utc>) -> Self {
        let body = body.map(|b| BodySignals::parse(b, now)).unwrap_or_default();

        let (mut limit, mut policies) = limit_list(headers, "x-ratelimit-limit");
        if limit.is_none() && policies.is_empty() {
            (limit, policies) = limit_list(headers, "ratelimit-limit");
        }
        if policies.is_empty() {
            policies = limit_list(headers, "ratelimit-policy").1;
        }
        let limit = limit.or(body.limit);

        let remaining = ["x-ratelimit-remaining", "ratelimit-remaining"]
            .iter()
            .find_map(|name| {
                header_texts(headers, name).find_map(|t| {
                    items(&t)
                        .find_map(|item| Number::parse(item.head).and_then(grammar::remaining_from))
                })
            })
            .or_else(|| combined_param(headers, "r").and_then(grammar::remaining_from))
            .or(body.remaining);

        let header_resets = ["x-ratelimit-reset", "ratelimit-reset"]
            .iter()
            .flat_map(|name| header_texts(headers, name))
            .filter_map(|t| grammar::reset_instant(now, &t));
        let combined_reset =
            combined_param(headers, "t").and_then(|n| grammar::delta_seconds(now, n));
        let reset_at = header_resets
            .chain(combined_reset)
            .chain(body.reset_at)
            .max();

        let retry_after_at = header_texts(headers, RETRY_AFTER.as_str())
            .filter_map(|t| match Number::parse(&t) {
                Some(n) => grammar::delta_seconds(now, n),
                None => grammar::http_date(&t).map(|at| grammar::clamp(now, at)),
            })
            .chain(body.retry_after_at)
            .max();

        RateLimitSignals {
            limit,
            policies,
            remaining,
            reset_at,
            retry_after_at,
        }
    }

    /// Nothing usable was present.
    pub fn is_empty(&self) -> bool {
        *self == RateLimitSignals::default()
    }

    /// The server's requested wait from `now`; zero if that time has passed.
    /// The same signals with every instant moved by `by` (from the server's clock onto ours).
    pub fn shifted(mut self, by: chrono::TimeDelta) -> Self {
        self.reset_at = self.reset_at.map(|t| t + by);
        self.retry_after_at = self.retry_after_at.map(|t| t + by);
        self
    }

    pub fn retry_after(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.retry_after_at.map(|at| wait_until(now, at))
    }

    /// Time from `now` until the current window frees up; zero if it has.
    pub fn reset_after(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.reset_at.map(|at| wait_until(now, at))
    }
}

fn wait_until(now: DateTime<Utc>, at: DateTime<Utc>) -> Duration {
    at.signed_duration_since(now)
        .to_std()
        .unwrap_or(Duration::ZERO)
}

/// Pinterest answers 429 both for ordinary pacing and when it blocks an account for spam-like
/// behaviour; the latter's message mentions spam. True only for a 429 whose body mentions
/// "spam" in any case, in its raw bytes or in any JSON string (so `\u0073pam` counts too).
pub fn is_spam_block(status: u16, body: Option<&[u8]>) -> bool {
    let Some(body) = body.filter(|_| status == 429) else {
        return false;
    };
    mentions_spam(body)
        || serde_json::from_slice::<Value>(body).is_ok_and(|v| json_mentions_spam(&v))
}

fn mentions_spam(text: &[u8]) -> bool {
    text.windows(4).any(|w| w.eq_ignore_ascii_case(b"spam"))
}

fn json_mentions_spam(value: &Value) -> bool {
    match value {
        Value::String(s) => mentions_spam(s.as_bytes()),
        Value::Array(a) => a.iter().any(json_mentions_spam),
        Value::Object(o) => o
            .iter()
            .any(|(k, v)| mentions_spam(k.as_bytes()) || json_mentions_spam(v)),
        _ => false,
    }
}

/// Every value of header `name`, as text; bytes that are not UTF-8 become U+FFFD, so the ASCII
/// items around them still parse.
fn header_texts<'a>(headers: &'a HeaderMap, name: &str) -> impl Iterator<Item = String> + 'a {
    headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// A limit list over all values of `name`: the first usable quota, and every policy.
fn limit_list(headers: &HeaderMap, name: &str) -> (Option<u64>, Vec<RateLimitPolicy>) {
    let mut limit = None;
    let mut policies = Vec::new();
    for text in header_texts(headers, name) {
        for item in items(&text) {
            limit = limit.or_else(|| item.quota());
            policies.extend(item.policy());
        }
    }
    (limit, policies)
}

/// Parameter `key` of the first item of the IETF draft's combined `RateLimit` header.
fn combined_param(headers: &HeaderMap, key: &str) -> Option<Number> {
    header_texts(headers, "ratelimit")
        .find_map(|t| items(&t).find_map(|item| item.param(key).and_then(Number::parse)))
}

/// What a JSON body (e.g. a 429's) says about limits.
#[derive(Debug, Default)]
struct BodySignals {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_at: Option<DateTime<Utc>>,
    retry_after_at: Option<DateTime<Utc>>,
}

impl BodySignals {
    fn parse(body: &[u8], now: DateTime<Utc>) -> BodySignals {
        let Ok(Value::Object(top)) = serde_json::from_slice::<Value>(body) else {
            return BodySignals::default();
        };
        let nested = top.get("error").and_then(Value::as_object);
        let field = |keys: &[&str]| {
            [Some(&top), nested]
                .into_iter()
                .flatten()
                .flat_map(|obj| keys.iter().filter_map(|k| obj.get(*k)))
                .collect::<Vec<_>>()
        };
        let numbers = |keys: &[&str]| {
            field(keys)
                .into_iter()
                .filter_map(Number::from_json)
                .collect::<Vec<_>>()
        };
        let reset_at = field(&["resetTime", "reset_time"])
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => grammar::reset_instant(now, s),
                other => Number::from_json(other).and_then(|n| grammar::reset_from_number(now, n)),
            })
            .max();
        BodySignals {
            limit: numbers(&["limit"]).into_iter().find_map(Number::as_count),
            remaining: numbers(&["remaining"])
                .into_iter()
                .find_map(grammar::remaining_from),
            reset_at,
            retry_after_at: numbers(&["retryAfter", "retry_after"])
                .into_iter()
                .filter_map(|n| grammar::delta_seconds(now, n))
                .max(),
        }
    }
}
