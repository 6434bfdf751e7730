//! Rate limits as Pinterest applies them, modelled as *rolling* windows: a policy of L requests
//! per W seconds admits a request at time t only if fewer than L requests were admitted in the
//! half-open interval (t - W, t]. We chose rolling over fixed windows because it is the stricter
//! reading of "N per minute" (a fixed window would allow 2L across a boundary), so a client that
//! paces to it never meets a 429 on the real service either; the engine models the same thing.
//!
//! Each policy keeps the instants of the requests it admitted. A request must fit every policy
//! that applies to it (universal + its category, per user and per app); if one is full the request
//! is refused and consumes nothing. Header text is produced here too, so the exact format the
//! client parses is decided in one place:
//! `x-ratelimit-limit: <L>, <L1>;w=<W1>, <L2>;w=<W2>` where the leading value is the limit of the
//! policy closest to exhaustion (fewest requests left; on a tie the one that frees up last),
//! `x-ratelimit-remaining` and `x-ratelimit-reset` describe that same policy.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};

use super::config::{LimitCategory, LimitSpec, Scope};
use super::quirks::saturating_add;
use crate::pinterest::types::Category;

/// The three rate-limit headers of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateHeaders {
    pub limit: String,
    pub remaining: u32,
    pub reset_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Admitted and counted. `None` when no policy applies.
    Allowed(Option<RateHeaders>),
    /// Refused; nothing was counted. `retry_after_secs` is when every full policy has a slot.
    Limited {
        retry_after_secs: u64,
        headers: RateHeaders,
    },
}

/// Admitted instants per (account or app, category, window).
#[derive(Debug, Default)]
pub struct Limiter {
    windows: HashMap<(Option<String>, LimitCategory, u64), VecDeque<DateTime<Utc>>>,
}

pub fn applies(spec: &LimitSpec, category: Category) -> bool {
    match spec.category {
        LimitCategory::All => true,
        LimitCategory::OrgRead => category == Category::OrgRead,
        LimitCategory::OrgWrite => category == Category::OrgWrite,
    }
}

/// A policy's window as a time span. `window_secs` comes from a config file or the admin API,
/// so it saturates (`TimeDelta::seconds` panics past ~292 million years) and every sum with it
/// goes through `saturating_add`.
fn window(secs: u64) -> TimeDelta {
    i64::try_from(secs)
        .ok()
        .and_then(TimeDelta::try_seconds)
        .unwrap_or(TimeDelta::MAX)
}

fn ceil_secs(d: TimeDelta) -> u64 {
    let ms = d.num_milliseconds().max(0) as u64;
    ms.div_ceil(1000)
}

impl Limiter {
    /// Checks and, if admitted, counts one request of `account` in `category` against
    /// `policies` (user policies already resolved for this account, plus the app's).
    pub fn check(
        &mut self,
        now: DateTime<Utc>,
        account: &str,
        category: Category,
        policies: &[LimitSpec],
    ) -> Decision {
        let applicable: Vec<LimitSpec> = policies
            .iter()
            .copied()
            .filter(|p| applies(p, category))
            .collect();
        if applicable.is_empty() {
            return Decision::Allowed(None);
        }
        let limit_text = header_limit_text(&applicable);
        let keys: Vec<_> = applicable
            .iter()
            .map(|p| {
                let who = match p.scope {
                    Scope::User => Some(account.to_string()),
                    Scope::App => None,
                };
                (who, p.category, p.window_secs)
            })
            .collect();
        // Drop instants that have left each window, then look for a full policy.
        let mut full: Option<(LimitSpec, u64)> = None;
        for (p, key) in applicable.iter().zip(&keys) {
            let w = window(p.window_secs);
            let d = self.windows.entry(key.clone()).or_default();
            let gone = saturating_add(now, -w);
            while d.front().is_some_and(|t| *t <= gone) {
                d.pop_front();
            }
            if d.len() >= p.limit as usize {
                let free_at = if p.limit == 0 || d.is_empty() {
                    saturating_add(now, w)
                } else {
                    // In bounds: `d.len() >= limit > 0`.
                    saturating_add(d[d.len() - p.limit as usize], w)
                };
                let wait = ceil_secs(free_at - now).max(1);
                if full.is_none_or(|(_, worst)| wait > worst) {
                    full = Some((*p, wait));
                }
            }
        }
        if let Some((p, wait)) = full {
            return Decision::Limited {
                retry_after_secs: wait,
                headers: RateHeaders {
                    limit: format!("{}, {limit_text}", p.limit),
                    remaining: 0,
                    reset_secs: wait,
                },
            };
        }
        let mut lead: Option<(u32, u64, u32)> = None; // (remaining, reset, limit)
        for (p, key) in applicable.iter().zip(&keys) {
            let d = self.windows.entry(key.clone()).or_default();
            d.push_back(now);
            let remaining = p.limit.saturating_sub(d.len() as u32);
            let oldest = *d.front().unwrap_or(&now);
            let reset = ceil_secs(saturating_add(oldest, window(p.window_secs)) - now);
            let better = match lead {
                None => true,
                Some((r, s, _)) => remaining < r || (remaining == r && reset > s),
            };
            if better {
                lead = Some((remaining, reset, p.limit));
            }
        }
        let (remaining, reset_secs, limit) = lead.unwrap_or((0, 0, 0));
        Decision::Allowed(Some(RateHeaders {
            limit: format!("{limit}, {limit_text}"),
            remaining,
            reset_secs,
        }))
    }

    /// How many requests `account` (or the app, for `None`) has counted in a window now.
    pub fn used(
        &mut self,
        now: DateTime<Utc>,
        who: Option<&str>,
        category: LimitCategory,
        window_secs: u64,
    ) -> usize {
        let key = (who.map(str::to_string), category, window_secs);
        let gone = saturating_add(now, -window(window_secs));
        self.windows.get_mut(&key).map_or(0, |d| {
            while d.front().is_some_and(|t| *t <= gone) {
                d.pop_front();
            }
            d.len()
        })
    }
}

/// `100;w=1, 1000;w=60`: every applicable policy, in configuration order.
pub fn header_limit_text(policies: &[LimitSpec]) -> String {
    policies
        .iter()
        .map(|p| format!("{};w={}", p.limit, p.window_secs))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::config::Preset;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(secs)
    }

    #[test]
    fn standard_headers_after_one_read() {
        let mut l = Limiter::default();
        let d = l.check(t(0), "a", Category::OrgRead, &Preset::Standard.limits());
        let Decision::Allowed(Some(h)) = d else {
            panic!("{d:?}")
        };
        assert_eq!(h.limit, "100, 100;w=1, 1000;w=60");
        assert_eq!((h.remaining, h.reset_secs), (99, 1));
    }

    #[test]
    fn rolling_window_frees_one_slot_per_expired_request() {
        let p = [LimitSpec::new(Scope::User, LimitCategory::All, 2, 10)];
        let mut l = Limiter::default();
        assert!(matches!(
            l.check(t(0), "a", Category::OrgRead, &p),
            Decision::Allowed(_)
        ));
        assert!(matches!(
            l.check(t(4), "a", Category::OrgRead, &p),
            Decision::Allowed(_)
        ));
        let d = l.check(t(6), "a", Category::OrgRead, &p);
        assert!(
            matches!(
                d,
                Decision::Limited {
                    retry_after_secs: 4,
                    ..
                }
            ),
            "{d:?}"
        );
        assert!(matches!(
            l.check(t(10), "a", Category::OrgRead, &p),
            Decision::Allowed(_)
        ));
        // Another account has its own window.
        assert!(matches!(
            l.check(t(10), "b", Category::OrgRead, &p),
            Decision::Allowed(_)
        ));
        assert_eq!(l.used(t(10), Some("a"), LimitCategory::All, 10), 2);
    }
}
