//! One rolling window: at most `limit` sends in any `window`. Keeps the send times still inside
//! the window, and those that left it less than `KEPT_AFTER_LEAVING` ago (at most `limit` in
//! all), so memory is bounded by the limit. The ones that just left are kept so that the count
//! at a request's send time (`remaining_at`) can still be read when its answer is taken in, up
//! to a request's timeout later: the server counted the request at some moment of that round
//! trip, and a send that left our window since may still have been in the server's (see
//! `Pacer::observe_answered`).

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// How long a send is kept after it left the window (see the module header): longer than a
/// request may take (`pinterest::client::REQUEST_TIMEOUT`, 30 s) plus the wait for the loop.
const KEPT_AFTER_LEAVING: TimeDelta = TimeDelta::seconds(45);

#[derive(Debug, Clone, PartialEq)]
pub struct RollingWindow {
    limit: u32,
    window: TimeDelta,
    sent: VecDeque<DateTime<Utc>>,
}

impl RollingWindow {
    pub fn new(limit: u32, window: Duration) -> Self {
        RollingWindow {
            limit: limit.max(1),
            window: TimeDelta::from_std(window).unwrap_or(TimeDelta::MAX),
            sent: VecDeque::new(),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn window(&self) -> Duration {
        self.window.to_std().unwrap_or(Duration::MAX)
    }

    /// Whether a send at `at` has left the window by `now` (a window too long to add counts
    /// every send as inside).
    fn left(&self, at: DateTime<Utc>, by: TimeDelta, now: DateTime<Utc>) -> bool {
        self.window
            .checked_add(&by)
            .and_then(|d| at.checked_add_signed(d))
            .is_some_and(|end| end <= now)
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        while let Some(&first) = self.sent.front() {
            if self.left(first, KEPT_AFTER_LEAVING, now) {
                self.sent.pop_front();
            } else {
                break;
            }
        }
    }

    /// Sends counted in the window ending at `at`, among those kept (every send after it too).
    fn inside(&self, at: DateTime<Utc>) -> usize {
        let gone = self
            .sent
            .partition_point(|&t| self.left(t, TimeDelta::zero(), at));
        self.sent.len() - gone
    }

    /// Sends inside the window ending at `now`.
    pub fn used(&mut self, now: DateTime<Utc>) -> u32 {
        self.prune(now);
        self.inside(now) as u32
    }

    pub fn remaining(&mut self, now: DateTime<Utc>) -> u32 {
        self.limit.saturating_sub(self.used(now))
    }

    /// What was left at `at`, a moment ago (a request's send time), by the sends known now:
    /// those inside the window at `at`, and every later one.
    pub fn remaining_at(&mut self, at: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
        self.prune(now);
        self.limit.saturating_sub(self.inside(at.min(now)) as u32)
    }

    /// The earliest time at or after `now` when one more send fits.
    pub fn next_free(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.prune(now);
        let used = self.inside(now);
        if used < self.limit as usize {
            return now;
        }
        // The send that must leave the window before one more fits (those inside are the
        // newest `used`).
        let blocking = self.sent[self.sent.len() - self.limit as usize];
        (blocking + self.window).max(now)
    }

    /// Records a send at `at` (kept in time order even if `at` is slightly out of order).
    pub fn record(&mut self, at: DateTime<Utc>) {
        let pos = self.sent.partition_point(|&t| t <= at);
        self.sent.insert(pos, at);
        // Never keep more than the limit needs: only the newest `limit` sends matter.
        while self.sent.len() > self.limit as usize {
            self.sent.pop_front();
        }
    }

    /// Moves a recorded send from `from` to the later `to` (the time its answer came back, a
    /// safe bound on when the server counted it). Does nothing if no send is recorded at `from`.
    pub fn restamp(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) {
        if to <= from {
            return;
        }
        if let Some(pos) = self.sent.iter().rposition(|&t| t == from) {
            self.sent.remove(pos);
            self.record(to);
        }
    }

    /// The same window under another limit, with the sends it counted (the latest `limit`).
    pub fn carried(&self, limit: u32) -> RollingWindow {
        let mut w = RollingWindow::new(limit, self.window());
        for at in &self.sent {
            w.record(*at);
        }
        w
    }

    /// Lowers (never raises) the limit, e.g. after the server showed a smaller one.
    pub fn lower_limit(&mut self, limit: u32) -> bool {
        let limit = limit.max(1);
        if limit < self.limit {
            self.limit = limit;
            while self.sent.len() > self.limit as usize {
                self.sent.pop_front();
            }
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(s)
    }

    #[test]
    fn allows_exactly_the_limit_in_any_window() {
        let mut w = RollingWindow::new(3, Duration::from_secs(60));
        for s in [0, 10, 20] {
            assert_eq!(w.next_free(t(s)), t(s));
            w.record(t(s));
        }
        assert_eq!(w.remaining(t(30)), 0);
        assert_eq!(w.next_free(t(30)), t(60));
        w.record(t(60));
        assert_eq!(w.next_free(t(60)), t(70));
        assert_eq!(w.used(t(79)), 2);
    }

    #[test]
    fn the_count_at_an_answers_time_still_holds_the_sends_that_left_since() {
        let mut w = RollingWindow::new(3, Duration::from_secs(60));
        for s in [0, 1, 2] {
            w.record(t(s));
        }
        // At 60.5 the send of 0 has left: two inside. At 59.5, when an answer was written, all
        // three were.
        let now = t(60) + TimeDelta::milliseconds(500);
        assert_eq!(w.used(now), 2);
        let answer = t(59) + TimeDelta::milliseconds(500);
        assert_eq!(w.remaining_at(answer, now), 0);
        assert_eq!(w.remaining(now), 1);
        assert_eq!(w.next_free(now), now);
        // Kept only for a while after leaving.
        assert_eq!(
            w.remaining_at(t(0) + TimeDelta::milliseconds(500), t(200)),
            3
        );
    }

    #[test]
    fn lowering_the_limit_pushes_the_next_slot_out() {
        let mut w = RollingWindow::new(5, Duration::from_secs(60));
        for s in 0..3 {
            w.record(t(s));
        }
        assert_eq!(w.next_free(t(3)), t(3));
        assert!(w.lower_limit(2));
        assert_eq!(w.next_free(t(3)), t(61));
        assert!(!w.lower_limit(9), "never raised");
    }

    proptest::proptest! {
        /// Whatever the send pattern, following next_free never puts more than `limit` sends in
        /// any window.
        #[test]
        fn following_next_free_never_exceeds_the_limit(limit in 1u32..20, window in 1i64..120, gaps in proptest::collection::vec(0i64..30, 1..200)) {
            let mut w = RollingWindow::new(limit, Duration::from_secs(window as u64));
            let mut now = t(0);
            let mut sends = vec![];
            for g in gaps {
                now += TimeDelta::seconds(g);
                let at = w.next_free(now);
                w.record(at);
                sends.push(at);
                now = at;
            }
            for (i, &s) in sends.iter().enumerate() {
                let inside = sends[i..].iter().filter(|&&x| x < s + TimeDelta::seconds(window)).count();
                proptest::prop_assert!(inside as u32 <= limit);
            }
        }
    }
}
