//! The small grammars rate-limit values are written in: decimal numbers, lists of `head;k=v`
//! items, and dates. Every function here is total: bad input gives `None` (or is skipped), huge
//! numbers saturate, and times are built with checked arithmetic, then clamped to `MAX_WAIT`.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use super::{RateLimitPolicy, EPOCH_MILLIS_FROM, EPOCH_SECONDS_FROM, MAX_WAIT};

/// A decimal number as servers write it: `[+|-]digits[.digits]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Number {
    pub negative: bool,
    /// The integer part, saturated at `u64::MAX`.
    pub whole: u64,
    /// The fraction rounded up to milliseconds (0..=1000): a wait read from it is never shorter.
    pub frac_ms: u32,
}

impl Number {
    pub fn parse(text: &str) -> Option<Number> {
        let text = text.trim();
        let (negative, unsigned) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return None;
        }
        let whole = int.bytes().fold(0u64, |acc, d| {
            acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        });
        let frac = frac.as_bytes();
        let mut frac_ms = (0..3).fold(0u32, |acc, i| {
            acc * 10 + frac.get(i).map_or(0, |d| u32::from(d - b'0'))
        });
        if frac.iter().skip(3).any(|&d| d != b'0') {
            frac_ms += 1;
        }
        let negative = negative && (whole > 0 || frac_ms > 0);
        Some(Number {
            negative,
            whole,
            frac_ms,
        })
    }

    /// From a JSON value: a number, or a string holding one. Other types give `None`.
    pub fn from_json(value: &serde_json::Value) -> Option<Number> {
        match value {
            serde_json::Value::String(s) => Number::parse(s),
            serde_json::Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    return Some(Number::count(u));
                }
                let f = n.as_f64()?;
                if !f.is_finite() {
                    return None;
                }
                let magnitude = f.abs();
                // `as` saturates float-to-int conversions; it cannot panic.
                let whole = magnitude.trunc() as u64;
                let frac_ms = (magnitude.fract() * 1000.0).ceil() as u32;
                Some(Number {
                    negative: f < 0.0,
                    whole,
                    frac_ms,
                })
            }
            _ => None,
        }
    }

    fn count(whole: u64) -> Number {
        Number {
            negative: false,
            whole,
            frac_ms: 0,
        }
    }

    /// A non-negative whole number (a limit, a window, a count).
    pub fn as_count(self) -> Option<u64> {
        (!self.negative && self.frac_ms == 0).then_some(self.whole)
    }

    /// The value as milliseconds, saturating; `None` if negative.
    pub fn as_millis(self) -> Option<u64> {
        (!self.negative).then(|| {
            self.whole
                .saturating_mul(1000)
                .saturating_add(u64::from(self.frac_ms))
        })
    }
}

/// A count that may not be negative; a negative one (some servers overdraw) reads as zero.
pub(super) fn remaining_from(n: Number) -> Option<u64> {
    if n.negative {
        Some(0)
    } else {
        n.as_count()
    }
}

/// `now` plus `millis`, clamped to `MAX_WAIT` and to the last representable instant.
pub(super) fn after(now: DateTime<Utc>, millis: u64) -> DateTime<Utc> {
    let max_ms = u64::try_from(MAX_WAIT.as_millis()).unwrap_or(u64::MAX);
    let ms = i64::try_from(millis.min(max_ms)).unwrap_or(i64::MAX);
    TimeDelta::try_milliseconds(ms)
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// An absolute time from the server, clamped to at most `MAX_WAIT` from `now`.
pub(super) fn clamp(now: DateTime<Utc>, at: DateTime<Utc>) -> DateTime<Utc> {
    let max_ms = u64::try_from(MAX_WAIT.as_millis()).unwrap_or(u64::MAX);
    at.min(after(now, max_ms))
}

/// A wait in seconds (Retry-After, body `retryAfter`): always a delta.
pub(super) fn delta_seconds(now: DateTime<Utc>, n: Number) -> Option<DateTime<Utc>> {
    n.as_millis().map(|ms| after(now, ms))
}

/// A reset value: a date, or a number read by magnitude as delta-seconds, Unix seconds or Unix
/// milliseconds (see `EPOCH_SECONDS_FROM`).
pub(super) fn reset_instant(now: DateTime<Utc>, text: &str) -> Option<DateTime<Utc>> {
    match Number::parse(text) {
        Some(n) => reset_from_number(now, n),
        None => date(text).map(|at| clamp(now, at)),
    }
}

pub(super) fn reset_from_number(now: DateTime<Utc>, n: Number) -> Option<DateTime<Utc>> {
    let ms = n.as_millis()?;
    let epoch_ms = if n.whole < EPOCH_SECONDS_FROM {
        return Some(after(now, ms));
    } else if n.whole < EPOCH_MILLIS_FROM {
        ms
    } else {
        n.whole.saturating_add(u64::from(n.frac_ms > 0))
    };
    // An epoch too large for chrono lies beyond any clamp: it reads as the longest wait.
    let at = i64::try_from(epoch_ms)
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    Some(clamp(now, at))
}

/// An HTTP-date (IMF-fixdate, RFC 850 or asctime), as Retry-After carries.
pub(super) fn http_date(text: &str) -> Option<DateTime<Utc>> {
    let since = httpdate::parse_http_date(text.trim())
        .ok()?
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?;
    DateTime::<Utc>::from_timestamp(i64::try_from(since.as_secs()).ok()?, 0)
}

/// RFC 3339, the common ISO 8601 shapes (offset `+0000`, or none, read as UTC), or an HTTP-date.
pub(super) fn date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.to_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(at) = DateTime::parse_from_str(text, format) {
            return Some(at.to_utc());
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc());
        }
    }
    http_date(text)
}

/// One member of a comma-separated list: `head;key=value;...`.
pub(super) struct Item<'a> {
    pub head: &'a str,
    params: Vec<(&'a str, &'a str)>,
}

impl<'a> Item<'a> {
    /// The first value of parameter `key` (case-insensitive).
    pub fn param(&self, key: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|&(_, v)| v)
    }

    /// The quota: a numeric head (`100;w=1`) or the IETF draft's `q` parameter.
    pub fn quota(&self) -> Option<u64> {
        Number::parse(self.head)
            .or_else(|| self.param("q").and_then(Number::parse))
            .and_then(Number::as_count)
    }

    /// A policy needs a quota and a window of at least one second.
    pub fn policy(&self) -> Option<RateLimitPolicy> {
        let limit = self.quota()?;
        let secs = self
            .param("w")
            .and_then(Number::parse)
            .and_then(Number::as_count)
            .filter(|&w| w > 0)?;
        Some(RateLimitPolicy {
            limit,
            window: Duration::from_secs(secs),
        })
    }
}

/// Splits a list header into items; empty members are dropped, garbage is left to the caller.
pub(super) fn items(value: &str) -> impl Iterator<Item = Item<'_>> {
    value.split(',').filter_map(|member| {
        let mut parts = member.split(';').map(str::trim);
        let head = parts.next().unwrap_or("");
        let params: Vec<_> = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
            .collect();
        (!head.is_empty() || !params.is_empty()).then_some(Item { head, params })
    })
}
