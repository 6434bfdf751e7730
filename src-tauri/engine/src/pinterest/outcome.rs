//! Every answer from Pinterest (or its absence) becomes one of a closed set of outcomes that the
//! scheduler can act on without looking at HTTP: retry later, back off, refresh the token, give
//! up, or wait for the network. The split that matters most for "never twice" is whether a failed
//! request may still have reached Pinterest (`maybe_delivered`): a timeout after a pin creation
//! was sent must be reconciled before anything is resent; a refused connection need not be.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::ratelimit::{is_spam_block, RateLimitSignals};
use super::types::{ApiError, Category};

/// Pinterest's error code for an app with trial access creating pins in production.
pub const TRIAL_ACCESS_CODE: i64 = 29;
/// Pinterest's code for a board that does not exist (deleted, or not the caller's).
pub const BOARD_NOT_FOUND_CODE: i64 = 40;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    Success(T),
    /// A 429. `retry_at` is the server's floor when it gave one; `spam_block` means that
    /// Pinterest blocked the account for spam-like behaviour: stop the account, tell the user.
    RateLimited {
        category: Category,
        retry_at: Option<DateTime<Utc>>,
        spam_block: bool,
        message: Option<String>,
    },
    /// Worth retrying with backoff: 5xx, timeout, connection reset, a garbled success body.
    Transient {
        reason: TransientReason,
        maybe_delivered: bool,
        detail: String,
    },
    /// 401: refresh the token, then retry once.
    Auth {
        code: Option<i64>,
        message: String,
    },
    /// Never retried: 400/403/404/409 and other 4xx, with Pinterest's code and message.
    Terminal {
        status: u16,
        code: Option<i64>,
        message: String,
    },
    /// Nothing reached Pinterest (DNS or connect failure): pause the lane, spend no budget.
    Offline {
        detail: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransientReason {
    ServerError(u16),
    Timeout,
    ConnectionReset,
    MalformedBody,
    /// The body went over the client's cap (`client::BODY_CAP`); it was not read further.
    ResponseTooLarge,
}

/// An outcome plus what the response said about rate limits (empty when there was no response).
#[derive(Debug, Clone)]
pub struct Reply<T> {
    pub outcome: Outcome<T>,
    pub signals: RateLimitSignals,
    pub status: Option<u16>,
    /// When the request left (just before it was handed to the HTTP client), and when its
    /// answer (or failure) came back, both by the client's clock. The server counted the
    /// request for its rate limits at some moment between the two.
    pub sent_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

impl<T> Reply<T> {
    /// The wait the server asked for, from `now`, if any.
    pub fn retry_after(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.signals.retry_after(now)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        let outcome = match self.outcome.split() {
            Ok(v) => Outcome::Success(f(v)),
            Err(failure) => failure,
        };
        Reply {
            outcome,
            signals: self.signals,
            status: self.status,
            sent_at: self.sent_at,
            received_at: self.received_at,
        }
    }
}

impl<T> Outcome<T> {
    /// The success value, or the same failure retyped for any success type.
    pub fn split<U>(self) -> Result<T, Outcome<U>> {
        match self {
            Outcome::Success(v) => Ok(v),
            Outcome::RateLimited {
                category,
                retry_at,
                spam_block,
                message,
            } => Err(Outcome::RateLimited {
                category,
                retry_at,
                spam_block,
                message,
            }),
            Outcome::Transient {
                reason,
                maybe_delivered,
                detail,
            } => Err(Outcome::Transient {
                reason,
                maybe_delivered,
                detail,
            }),
            Outcome::Auth { code, message } => Err(Outcome::Auth { code, message }),
            Outcome::Terminal {
                status,
                code,
                message,
            } => Err(Outcome::Terminal {
                status,
                code,
                message,
            }),
            Outcome::Offline { detail } => Err(Outcome::Offline { detail }),
        }
    }

    /// The same outcome without its success value.
    pub fn without_value(self) -> Outcome<()> {
        self.split()
            .map_or_else(|failure| failure, |_| Outcome::Success(()))
    }

    pub fn is_success(&self) -> bool {
        matches!(self, Outcome::Success(_))
    }

    /// True for Pinterest's "trial access cannot create pins in production" answer.
    pub fn is_trial_access_block(&self) -> bool {
        matches!(
            self,
            Outcome::Terminal {
                code: Some(TRIAL_ACCESS_CODE),
                ..
            }
        )
    }
}

/// Classifies a non-2xx response from its status and body.
pub(super) fn classify_error<T>(
    status: u16,
    body: &[u8],
    category: Category,
    signals: &RateLimitSignals,
) -> Outcome<T> {
    let api_error: Option<ApiError> = serde_json::from_slice(body).ok();
    let code = api_error.as_ref().map(|e| e.code);
    let message = api_error
        .map(|e| e.message)
        .unwrap_or_else(|| summarize_body(status, body));
    match status {
        429 => Outcome::RateLimited {
            category,
            retry_at: signals.retry_after_at,
            spam_block: is_spam_block(status, Some(body)),
            message: Some(message),
        },
        401 => Outcome::Auth { code, message },
        500..=599 => Outcome::Transient {
            reason: TransientReason::ServerError(status),
            maybe_delivered: true,
            detail: message,
        },
        // 408 Request Timeout is the server asking for a retry, not a verdict on the request.
        408 => Outcome::Transient {
            reason: TransientReason::Timeout,
            maybe_delivered: false,
            detail: message,
        },
        _ => Outcome::Terminal {
            status,
            code,
            message,
        },
    }
}

/// A short, safe description of a body that is not Pinterest's error shape.
fn summarize_body(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        format!("HTTP {status} with an empty body")
    } else {
        let short: String = text.chars().take(200).collect();
        format!("HTTP {status}: {short}")
    }
}

/// Classifies a failure to get any response at all.
pub(super) fn classify_transport<T>(err: &reqwest::Error) -> Outcome<T> {
    // reqwest's Display never includes headers, so the bearer token cannot leak through it;
    // the URL it may include holds no secret either (tokens travel in headers and bodies only).
    let detail = err.to_string();
    if err.is_connect() {
        Outcome::Offline { detail }
    } else if err.is_timeout() {
        Outcome::Transient {
            reason: TransientReason::Timeout,
            maybe_delivered: true,
            detail,
        }
    } else {
        Outcome::Transient {
            reason: TransientReason::ConnectionReset,
            maybe_delivered: true,
            detail,
        }
    }
}
