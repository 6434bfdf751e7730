//! What Pinterest's clock reads against this machine's, learned from each answer's `Date` header.
//!
//! ASSUMPTIONS (each broken on purpose by the simulator's `clock_offset_secs` and
//! `absolute_rate_times` quirks): the server's `Date` header, its pins' `created_at`, and any
//! absolute time in its rate-limit headers (an HTTP-date `Retry-After`, an epoch reset) are read
//! from one server clock, which may be minutes off ours (a machine with no NTP, a VM, a
//! dual-boot clock). Nothing is assumed about how large the difference is.
//!
//! Each answer gives one sample, `Date - received_at`. `Date` is truncated to the second and the
//! answer took time to arrive, so a sample is at most the true offset, by about a second plus
//! the trip, which `OFFSET_TOLERANCE` covers. The estimate is the median of the recent samples:
//! one answer from a box with another clock (a proxy, a captive portal) does not move it, and
//! keeping only recent samples lets a server whose clock is corrected be followed.

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::header::{HeaderMap, DATE};

/// How far the estimate may be from the true offset (Date's whole seconds plus a slow trip).
pub const OFFSET_TOLERANCE: TimeDelta = TimeDelta::seconds(3);

/// Samples kept: enough to smooth over one slow answer, few enough to follow a corrected clock.
const SAMPLES: usize = 16;

#[derive(Debug, Clone, Default)]
pub struct ServerClock {
    samples: Arc<Mutex<VecDeque<TimeDelta>>>,
}

impl ServerClock {
    /// Reads the `Date` header of an answer received at `received_at` (our clock), keeps the
    /// sample, and returns the server's time of that answer (for anchoring its relative times).
    pub fn observe(
        &self,
        headers: &HeaderMap,
        received_at: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let text = headers.get(DATE)?.to_str().ok()?;
        let date: DateTime<Utc> = httpdate::parse_http_date(text).ok()?.into();
        let sample = date - received_at;
        // A Date more than a year off is a broken header, not a clock.
        if sample.abs() > TimeDelta::days(365) {
            return None;
        }
        let mut samples = self.samples.lock();
        if samples.len() == SAMPLES {
            samples.pop_front();
        }
        samples.push_back(sample);
        Some(date)
    }

    /// Server time minus ours, as best known; `None` before any answer carried a `Date`.
    pub fn offset(&self) -> Option<TimeDelta> {
        let samples = self.samples.lock();
        let mut sorted: Vec<TimeDelta> = samples.iter().copied().collect();
        sorted.sort();
        sorted.get(sorted.len().saturating_sub(1) / 2).copied()
    }

    /// Our instant `local` on the server's clock (unchanged while the offset is unknown).
    pub fn to_server(&self, local: DateTime<Utc>) -> DateTime<Utc> {
        local + self.offset().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn dated(text: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(DATE, HeaderValue::from_str(text).unwrap());
        h
    }

    #[test]
    fn learns_a_clock_ten_minutes_behind_from_below() {
        let clock = ServerClock::default();
        assert_eq!(clock.offset(), None);
        // Server reads 11:50:00 when we read 12:00:00.4 (a truncated Date, then the trip).
        let seen = clock.observe(
            &dated("Mon, 23 Nov 2026 11:50:00 GMT"),
            at("2026-11-23T12:00:00.400Z"),
        );
        assert_eq!(seen, Some(at("2026-11-23T11:50:00Z")));
        let o = clock.offset().unwrap();
        assert!(o <= TimeDelta::minutes(-10) && o > TimeDelta::minutes(-10) - OFFSET_TOLERANCE);
        assert_eq!(
            clock.to_server(at("2026-11-23T12:00:00.400Z")),
            at("2026-11-23T11:50:00Z")
        );
    }

    #[test]
    fn one_answer_from_another_clock_does_not_move_the_estimate() {
        let clock = ServerClock::default();
        let now = at("2026-11-23T12:00:00Z");
        for _ in 0..3 {
            clock.observe(&dated("Mon, 23 Nov 2026 12:10:00 GMT"), now);
        }
        clock.observe(&dated("Wed, 02 Dec 2026 05:00:00 GMT"), now);
        assert_eq!(clock.offset(), Some(TimeDelta::minutes(10)));
    }

    #[test]
    fn a_missing_or_absurd_date_teaches_nothing() {
        let clock = ServerClock::default();
        assert_eq!(
            clock.observe(&HeaderMap::new(), at("2026-11-23T12:00:00Z")),
            None
        );
        assert_eq!(
            clock.observe(&dated("yesterday"), at("2026-11-23T12:00:00Z")),
            None
        );
        assert_eq!(
            clock.observe(
                &dated("Mon, 23 Nov 1998 12:00:00 GMT"),
                at("2026-11-23T12:00:00Z")
            ),
            None
        );
        assert_eq!(clock.offset(), None);
    }
}
