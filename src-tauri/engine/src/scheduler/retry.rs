//! When to try a failed job again. Transient failures back off exponentially with full jitter
//! (a uniformly random wait between zero and the capped exponential), so that many jobs failing
//! together do not retry together. A job's budget bounds both its attempts and the total time it
//! may spend waiting; past either it fails with the last error. A server's Retry-After is a floor
//! the jittered wait is raised to, never shortened.

use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// Total backoff a job may accumulate.
    pub max_total_delay: Duration,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            max_total_delay: Duration::from_secs(6 * 3600),
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    RetryAfter(Duration),
    /// The budget is spent: attempts or total delay.
    GiveUp,
}

impl RetryPolicy {
    /// The longest delay a stored policy may name (any of its three): far past what the
    /// settings screen can save (two days), and far short of what overflows a time.
    pub const LONGEST_DELAY: Duration = Duration::from_secs(30 * 86_400);
    /// The most attempts a stored policy may name (the screen saves at most 20).
    pub const MOST_ATTEMPTS: u32 = 1000;

    /// Whether a policy read from the settings table is one the scheduler can run with: the
    /// table is data, and a hand-edited value (`max_delay` of 500 years) would otherwise
    /// overflow a time when a retry is scheduled.
    pub fn within_bounds(&self) -> bool {
        (1..=Self::MOST_ATTEMPTS).contains(&self.max_attempts)
            && [self.max_total_delay, self.base_delay, self.max_delay]
                .iter()
                .all(|d| *d <= Self::LONGEST_DELAY)
    }

    /// The cap of the jitter range after `attempt` failed attempts (1 = the first failed).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        self.base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay)
    }

    /// Decides after attempt number `attempt` failed, with `spent` backoff so far and the
    /// server's floor, if it gave one.
    pub fn decide(
        &self,
        attempt: u32,
        spent: Duration,
        floor: Option<Duration>,
        rng: &mut impl Rng,
    ) -> RetryDecision {
        if attempt >= self.max_attempts {
            return RetryDecision::GiveUp;
        }
        let ceiling = self.ceiling(attempt);
        let jittered = Duration::from_secs_f64(rng.random::<f64>() * ceiling.as_secs_f64());
        let wait = floor.map_or(jittered, |f| jittered.max(f));
        if spent.saturating_add(wait) > self.max_total_delay {
            return RetryDecision::GiveUp;
        }
        RetryDecision::RetryAfter(wait)
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn waits_stay_under_the_growing_ceiling() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(7);
        for attempt in 1..p.max_attempts {
            for _ in 0..200 {
                match p.decide(attempt, Duration::ZERO, None, &mut rng) {
                    RetryDecision::RetryAfter(w) => assert!(w <= p.ceiling(attempt)),
                    RetryDecision::GiveUp => panic!("budget not spent"),
                }
            }
        }
        assert_eq!(p.ceiling(1), Duration::from_secs(2));
        assert_eq!(p.ceiling(4), Duration::from_secs(16));
        assert_eq!(p.ceiling(40), p.max_delay);
    }

    #[test]
    fn jitter_spreads_the_waits() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(1);
        let waits: Vec<_> = (0..100)
            .map(|_| p.decide(5, Duration::ZERO, None, &mut rng))
            .collect();
        let distinct: std::collections::HashSet<_> =
            waits.iter().map(|w| format!("{w:?}")).collect();
        assert!(distinct.len() > 90);
    }

    #[test]
    fn retry_after_is_a_floor() {
        let p = RetryPolicy::default();
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..100 {
            let d = p.decide(1, Duration::ZERO, Some(Duration::from_secs(30)), &mut rng);
            assert!(matches!(d, RetryDecision::RetryAfter(w) if w >= Duration::from_secs(30)));
        }
    }

    #[test]
    fn the_budget_ends_retries() {
        let p = RetryPolicy {
            max_attempts: 3,
            ..Default::default()
        };
        let mut rng = StdRng::seed_from_u64(3);
        assert_eq!(
            p.decide(3, Duration::ZERO, None, &mut rng),
            RetryDecision::GiveUp
        );
        let tight = RetryPolicy {
            max_total_delay: Duration::from_secs(10),
            ..Default::default()
        };
        let d = tight.decide(
            1,
            Duration::from_secs(9),
            Some(Duration::from_secs(5)),
            &mut rng,
        );
        assert_eq!(d, RetryDecision::GiveUp);
    }
}
