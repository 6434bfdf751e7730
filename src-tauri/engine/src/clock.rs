//! Time, injected (DESIGN invariant 4). The engine and the simulator read "now" and sleep only
//! through a `Clock`, so tests run on a manual clock and benchmarks on a scaled one (an hour of
//! Pinterest rate-limit windows in a minute) with the same code that runs on the system clock.

use parking_lot::Mutex;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};

pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

pub trait Clock: Send + Sync + Debug + 'static {
    /// The current UTC time as this clock sees it.
    fn now(&self) -> DateTime<Utc>;
    /// Sleeps for `d` of this clock's time.
    fn sleep(&self, d: Duration) -> SleepFuture;
}

pub type SharedClock = Arc<dyn Clock>;

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn sleep(&self, d: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(d))
    }
}

/// Time that runs `factor` times faster than real time, from a chosen origin. Two components
/// sharing one `ScaledClock` (the engine and the simulator in a benchmark) agree on "now".
#[derive(Debug, Clone)]
pub struct ScaledClock {
    origin: DateTime<Utc>,
    started: Instant,
    factor: f64,
}

impl ScaledClock {
    pub fn new(origin: DateTime<Utc>, factor: f64) -> Self {
        assert!(
            factor > 0.0 && factor.is_finite(),
            "scale factor must be positive"
        );
        ScaledClock {
            origin,
            started: Instant::now(),
            factor,
        }
    }
    pub fn factor(&self) -> f64 {
        self.factor
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        let scaled = self.started.elapsed().mul_f64(self.factor);
        self.origin + TimeDelta::from_std(scaled).unwrap_or(TimeDelta::MAX)
    }
    fn sleep(&self, d: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(d.div_f64(self.factor)))
    }
}

/// A clock that moves only when told to. Sleepers wake when `advance` carries time past their
/// deadline, so tests of minute- and day-long windows are instant and deterministic.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<ManualInner>,
}

#[derive(Debug)]
struct ManualInner {
    now: Mutex<DateTime<Utc>>,
    changed: tokio::sync::watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        let (changed, _) = tokio::sync::watch::channel(start);
        ManualClock {
            inner: Arc::new(ManualInner {
                now: Mutex::new(start),
                changed,
            }),
        }
    }

    /// Moves time forward (or, to test clock jumps, backward) by `d`.
    pub fn advance(&self, d: TimeDelta) {
        let mut now = self.inner.now.lock();
        *now += d;
        self.inner.changed.send_replace(*now);
    }

    pub fn set(&self, t: DateTime<Utc>) {
        let mut now = self.inner.now.lock();
        *now = t;
        self.inner.changed.send_replace(t);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.inner.now.lock()
    }
    fn sleep(&self, d: Duration) -> SleepFuture {
        let deadline = self.now() + TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX);
        let mut rx = self.inner.changed.subscribe();
        Box::pin(async move {
            // Ends when time reaches the deadline; if the clock is dropped, never wakes.
            let _ = rx.wait_for(|now| *now >= deadline).await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_only_past_their_deadline() {
        let clock = ManualClock::new(DateTime::UNIX_EPOCH);
        let sleeper = tokio::spawn(clock.sleep(Duration::from_secs(60)));
        clock.advance(TimeDelta::seconds(59));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(TimeDelta::seconds(1));
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .expect("woke")
            .unwrap();
    }

    #[tokio::test]
    async fn scaled_clock_runs_faster() {
        let clock = ScaledClock::new(DateTime::UNIX_EPOCH, 1000.0);
        let before = Instant::now();
        clock.sleep(Duration::from_secs(20)).await;
        assert!(before.elapsed() < Duration::from_secs(1));
        assert!(clock.now() >= DateTime::UNIX_EPOCH + TimeDelta::seconds(20));
    }
}
