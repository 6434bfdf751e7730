//! Faults the simulator injects, as data: a list of rules, each matching an account and an
//! endpoint, firing with a probability drawn from a seeded RNG (the same seed and request order
//! give the same faults), optionally only `count` times. Rules are plain serde values so they
//! come from the config file, the admin API or a test alike; the server decides how each kind
//! is acted out (see `server.rs`).

use rand::rngs::StdRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

fn one() -> f64 {
    1.0
}
fn service_unavailable() -> u16 {
    503
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// A 5xx answer with a Pinterest error body; nothing happens.
    ServerError {
        #[serde(default = "service_unavailable")]
        status: u16,
    },
    /// After `delay_ms` (clock time), a 5xx answer; nothing happens (a gateway that gave up on
    /// a slow backend: the answer comes late and says nothing was done).
    LateError {
        delay_ms: u64,
        #[serde(default = "service_unavailable")]
        status: u16,
    },
    /// The request is carried out, then the answer is held for `hold_ms` (clock time).
    Timeout { hold_ms: u64 },
    /// The connection closes with no answer; nothing happens.
    Drop,
    /// `delay_ms` (clock time) is added before the request is carried out.
    Slow { delay_ms: u64 },
    /// The request is carried out; the answer is a 200 whose body is broken JSON.
    Malformed,
    /// A 429 with no rate-limit headers and no Retry-After (use `count` for a burst of N).
    Burst429,
    /// The account is blocked for spam: every request answers 429 until cleared.
    Spam,
    /// The request is carried out (the pin exists), then the connection drops.
    CreatedButLost,
    /// The request is carried out; its answer is padded with spaces to `bytes` (still valid
    /// JSON), sent with a `Content-Length`, or `chunked` without one (so only reading tells).
    Oversized {
        bytes: u64,
        #[serde(default)]
        chunked: bool,
    },
    /// A 429 whose `Retry-After` says `secs`, enforced like a limiter's (early retries are
    /// counted); nothing happens.
    RetryAfter { secs: u64 },
}

/// One rule. `account` matches an account id or username; `endpoint` is `"METHOD /path"` with
/// the route's parameters as in the spec, e.g. `"POST /pins"`, `"GET /boards/{board_id}/pins"`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default = "one")]
    pub probability: f64,
    /// Fires at most this many times, then is removed.
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(flatten)]
    pub kind: FaultKind,
}

impl FaultRule {
    /// A rule that always fires, for any account and endpoint.
    pub fn always(kind: FaultKind) -> Self {
        FaultRule {
            account: None,
            endpoint: None,
            probability: 1.0,
            count: None,
            kind,
        }
    }
    pub fn for_account(mut self, account: &str) -> Self {
        self.account = Some(account.to_string());
        self
    }
    pub fn on(mut self, endpoint: &str) -> Self {
        self.endpoint = Some(endpoint.to_string());
        self
    }
    pub fn times(mut self, n: u32) -> Self {
        self.count = Some(n);
        self
    }
    pub fn with_probability(mut self, p: f64) -> Self {
        self.probability = p;
        self
    }

    fn matches(&self, account_id: &str, username: &str, endpoint: &str) -> bool {
        let acct = self
            .account
            .as_deref()
            .is_none_or(|a| a == account_id || a == username);
        let ep = self.endpoint.as_deref().is_none_or(|e| e == endpoint);
        acct && ep
    }
}

/// Picks the fault for one request: the first matching rule whose dice roll fires.
pub fn pick(
    rules: &mut Vec<FaultRule>,
    rng: &mut StdRng,
    account_id: &str,
    username: &str,
    endpoint: &str,
) -> Option<FaultKind> {
    let mut fired = None;
    for (i, rule) in rules.iter_mut().enumerate() {
        if !rule.matches(account_id, username, endpoint) {
            continue;
        }
        let roll: f64 = rng.random();
        if roll < rule.probability {
            if let Some(c) = rule.count.as_mut() {
                *c = c.saturating_sub(1);
            }
            fired = Some((i, rule.kind.clone()));
            break;
        }
    }
    let (i, kind) = fired?;
    if rules[i].count == Some(0) {
        rules.remove(i);
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn rule_json_shape() {
        let r: FaultRule = serde_json::from_str(
            r#"{"kind":"server_error","account":"alice","endpoint":"POST /pins","probability":0.5}"#,
        )
        .unwrap();
        assert_eq!(r.kind, FaultKind::ServerError { status: 503 });
        let b: FaultRule = serde_json::from_str(r#"{"kind":"burst429","count":3}"#).unwrap();
        assert_eq!(b.count, Some(3));
    }

    #[test]
    fn counted_rules_run_out_and_seeds_repeat() {
        let mut rules = vec![FaultRule::always(FaultKind::Drop).times(2)];
        let mut rng = StdRng::seed_from_u64(7);
        assert!(pick(&mut rules, &mut rng, "1", "a", "GET /boards").is_some());
        assert!(pick(&mut rules, &mut rng, "1", "a", "GET /boards").is_some());
        assert!(pick(&mut rules, &mut rng, "1", "a", "GET /boards").is_none());
        let run = |seed| {
            let mut rules = vec![FaultRule::always(FaultKind::Malformed).with_probability(0.3)];
            let mut rng = StdRng::seed_from_u64(seed);
            (0..50)
                .map(|_| pick(&mut rules, &mut rng, "1", "a", "GET /boards").is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(5), run(5));
    }
}
