//! The engine's settings: the retry budget, catch-up grace, app-wide limits, in-flight cap and
//! the listing lag the board check allows for. Defaults, overridden by what the user stored.

use std::time::Duration;

use super::retry::RetryPolicy;
use crate::pacing::LimitSpec;
use crate::store::Store;

/// The longest catch-up grace a stored setting may name: the settings screen saves at most a
/// day (1440 minutes).
pub const LONGEST_GRACE_SECS: u64 = 86_400;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub retry: RetryPolicy,
    /// A scheduled pin found late by less than this is still published; later, it is missed.
    pub catch_up_grace: Duration,
    /// Limits shared by every account of the Pinterest app (the trial app's daily quota).
    pub app_limits: Vec<LimitSpec>,
    /// How soon a lane that found the network down tries again.
    pub offline_probe: Duration,
    /// Requests one account may have out at once (each is paced and marked in flight first).
    pub max_in_flight: usize,
    /// The longest the loop sleeps without looking at the clock again.
    pub max_sleep: Duration,
    /// How late a new pin may show in its board's listing (see `reconcile`).
    pub listing_lag: Duration,
    pub seed: u64,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            retry: RetryPolicy::default(),
            catch_up_grace: Duration::from_secs(15 * 60),
            app_limits: Vec::new(),
            offline_probe: Duration::from_secs(2),
            max_in_flight: 8,
            max_sleep: Duration::from_secs(30),
            listing_lag: super::reconcile::DEFAULT_LISTING_LAG,
            seed: rand::random(),
        }
    }
}

impl EngineConfig {
    /// The defaults, overridden by what the user set in the settings table. A stored value out
    /// of bounds (only a hand-edited table holds one) is ignored with a warning, like an
    /// unreadable one: the default runs rather than a value that overflows a time later.
    pub fn from_settings(store: &Store) -> Self {
        use crate::store::settings::keys;
        let mut config = EngineConfig::default();
        if let Some(retry) = store.setting::<RetryPolicy>(keys::RETRY_POLICY) {
            if retry.within_bounds() {
                config.retry = retry;
            } else {
                tracing::warn!(
                    ?retry,
                    "settings: the stored retry policy is out of bounds; the default is used"
                );
            }
        }
        if let Some(secs) = store.setting::<u64>(keys::CATCH_UP_GRACE_SECS) {
            if secs <= LONGEST_GRACE_SECS {
                config.catch_up_grace = Duration::from_secs(secs);
            } else {
                tracing::warn!(
                    secs,
                    "settings: the stored catch-up grace is out of bounds; the default is used"
                );
            }
        }
        config
    }
}
