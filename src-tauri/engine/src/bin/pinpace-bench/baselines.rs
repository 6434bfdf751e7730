//! The three schedulers PinPace is measured against, written as their descriptions say and run
//! on the same client, simulator and clock. Each account is one sequential loop (as in PinPace),
//! holding each pin until its due time.
//! - Naive: send as fast as possible; on a 429 sleep for Retry-After (or 2^attempt s) and retry,
//!   up to 3 retries, then the pin is dropped.
//! - Fixed 80%: one pin every window / (0.8 × limit) per account, exponential backoff on errors.
//! - Token buckets: per account 50 tokens refilled at 1/s, global 200 tokens at 3/s, backoff on 429.

use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use pinpace_engine::clock::SharedClock;
use pinpace_engine::pinterest::types::{MediaSource, PinCreate};
use pinpace_engine::pinterest::{Outcome, PinterestClient, Secret};
use pinpace_engine::PinText;

use crate::harness::{Pin, World};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Naive,
    Fixed80,
    TokenBuckets,
}

impl Baseline {
    pub const ALL: [Baseline; 3] = [Baseline::Naive, Baseline::Fixed80, Baseline::TokenBuckets];
    pub fn name(self) -> &'static str {
        match self {
            Baseline::Naive => "naive loop",
            Baseline::Fixed80 => "fixed 80%",
            Baseline::TokenBuckets => "token buckets",
        }
    }
}

/// A token bucket on the injected clock.
struct Bucket {
    capacity: f64,
    per_sec: f64,
    tokens: f64,
    at: DateTime<Utc>,
}

impl Bucket {
    fn new(capacity: f64, per_sec: f64, now: DateTime<Utc>) -> Self {
        Bucket {
            capacity,
            per_sec,
            tokens: capacity,
            at: now,
        }
    }
    /// Takes a token if there is one; otherwise says how long until there is.
    fn take(&mut self, now: DateTime<Utc>) -> Option<Duration> {
        let elapsed = (now - self.at).num_milliseconds().max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.capacity);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64((1.0 - self.tokens) / self.per_sec))
        }
    }
}

/// Runs `kind` on the workload. `per`/`window` is the limit the strategy believes: `per` requests
/// per `window` per account.
pub async fn run(
    kind: Baseline,
    world: &World,
    pins: &[Pin],
    per: u32,
    window: TimeDelta,
    limit: TimeDelta,
) {
    let global = Arc::new(Mutex::new(Bucket::new(200.0, 3.0, world.now())));
    let mut tasks = Vec::new();
    for (lane_idx, lane) in world.lanes.iter().enumerate() {
        let mut mine: Vec<Pin> = pins
            .iter()
            .filter(|p| p.lane == lane_idx)
            .cloned()
            .collect();
        mine.sort_by_key(|p| p.due);
        let ctx = Lane {
            kind,
            client: world.client(),
            clock: world.shared_clock(),
            token: lane.token.clone(),
            board: lane.board_id.clone(),
            interval: Duration::from_secs_f64(
                window.num_milliseconds() as f64 / 1000.0 / (0.8 * f64::from(per)),
            ),
            own: Bucket::new(50.0, 1.0, world.now()),
            global: global.clone(),
            end: world.now() + limit,
        };
        tasks.push(tokio::spawn(ctx.run(mine)));
    }
    for t in tasks {
        let _ = t.await;
    }
}

struct Lane {
    kind: Baseline,
    client: PinterestClient,
    clock: SharedClock,
    token: Secret,
    board: String,
    interval: Duration,
    own: Bucket,
    global: Arc<Mutex<Bucket>>,
    end: DateTime<Utc>,
}

impl Lane {
    /// Sleeps until `t`, or until the run's end if that comes first (a baseline told to wait a
    /// day must not hold the bench for a day).
    async fn sleep_until(&self, t: DateTime<Utc>) {
        if let Ok(d) = (t.min(self.end) - self.clock.now()).to_std() {
            self.clock.sleep(d).await;
        }
    }

    async fn sleep(&self, d: Duration) {
        let until = TimeDelta::from_std(d)
            .ok()
            .and_then(|d| self.clock.now().checked_add_signed(d))
            .unwrap_or(self.end);
        self.sleep_until(until).await;
    }

    async fn run(mut self, pins: Vec<Pin>) {
        let mut next_send = self.clock.now();
        for pin in pins {
            if self.clock.now() > self.end {
                return;
            }
            self.sleep_until(pin.due).await;
            let request = PinCreate {
                board_id: self.board.clone(),
                board_section_id: None,
                text: PinText {
                    title: Some(pin.title.clone()),
                    description: None,
                    link: None,
                    alt_text: None,
                },
                dominant_color: None,
                media_source: MediaSource::ImageUrl {
                    url: "https://example.com/bench.jpg".into(),
                },
            };
            let max_retries = if self.kind == Baseline::Naive { 3 } else { 6 };
            for attempt in 0..=max_retries {
                self.pace(&mut next_send).await;
                let reply = self.client.create_pin(&self.token, &request).await;
                let wait = match reply.outcome {
                    Outcome::Success(_) | Outcome::Terminal { .. } => break,
                    Outcome::RateLimited { .. } if self.kind == Baseline::Naive => reply
                        .retry_after(self.clock.now())
                        .unwrap_or(Duration::from_secs(1 << (attempt + 1))),
                    _ => Duration::from_secs(1 << (attempt + 1)),
                };
                if attempt == max_retries || self.clock.now() > self.end {
                    break; // dropped: counted as lost
                }
                self.sleep(wait).await;
            }
        }
    }

    /// Waits for this strategy's permission to send.
    async fn pace(&mut self, next_send: &mut DateTime<Utc>) {
        match self.kind {
            Baseline::Naive => {}
            Baseline::Fixed80 => {
                self.sleep_until(*next_send).await;
                *next_send = self.clock.now() + TimeDelta::from_std(self.interval).unwrap();
            }
            Baseline::TokenBuckets => loop {
                let now = self.clock.now();
                let wait = match self.own.take(now) {
                    Some(w) => Some(w),
                    None => {
                        let global = self.global.lock().take(now);
                        if global.is_some() {
                            self.own.tokens += 1.0; // give the account's token back
                        }
                        global
                    }
                };
                match wait {
                    None => return,
                    Some(_) if self.clock.now() > self.end => return,
                    Some(w) => self.sleep(w).await,
                }
            },
        }
    }
}
