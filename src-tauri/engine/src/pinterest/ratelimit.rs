//! Placeholder with the agreed API; the full parsers land from the rate-limit change.
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitPolicy {
    pub limit: u64,
    pub window: Duration,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimitSignals {
    pub limit: Option<u64>,
    pub policies: Vec<RateLimitPolicy>,
    pub remaining: Option<u64>,
    pub reset_at: Option<DateTime<Utc>>,
    pub retry_after_at: Option<DateTime<Utc>>,
}

impl RateLimitSignals {
    pub fn parse(headers: &HeaderMap, _body: Option<&[u8]>, now: DateTime<Utc>) -> Self {
        let secs = headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok());
        RateLimitSignals {
            retry_after_at: secs.map(|s| now + chrono::TimeDelta::seconds(s)),
            ..Default::default()
        }
    }
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
    pub fn retry_after(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.retry_after_at
            .map(|t| (t - now).to_std().unwrap_or(Duration::ZERO))
    }
}

pub fn is_spam_block(status: u16, body: Option<&[u8]>) -> bool {
    status == 429
        && body
            .map(|b| String::from_utf8_lossy(b).to_lowercase().contains("spam"))
            .unwrap_or(false)
}
