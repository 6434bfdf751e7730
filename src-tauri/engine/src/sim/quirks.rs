//! Quirks: per-account ways the simulated Pinterest breaks what a client may assume about it
//! (a board listing that lags behind creation, a server clock that is off, rate-limit times as
//! dates instead of deltas, the listing's order, bookmarks that loop or never end), so the scheduler can be tested against them.
//!
//! Shape: `Quirks` is plain serde data (one JSON shape for the config file, the admin API and
//! tests); `QuirkTable` holds a default for all accounts and whole-value overrides matched by
//! account id or username at request time, like fault rules (so a config file can name an
//! account by username before it exists). A quirk changes only how the server *writes* times
//! and lists: the limiter, Retry-After enforcement and stats keep the true clock. The `Date`
//! stamp is one middleware around all of `/v5`, so no answer (401, 429, fault) escapes it.

use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Response as HttpResponse};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::limits::RateHeaders;
use super::server::{bearer, App};
use super::state::SimState;

/// The order of `GET /boards/{board_id}/pins`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingOrder {
    #[default]
    NewestFirst,
    OldestFirst,
}

/// How `GET /boards` and `GET /boards/{board_id}/sections` hand out bookmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bookmarks {
    /// A bookmark while more follows, none on the last page.
    #[default]
    Honest,
    /// Every page, the last too, names the same bookmark again (a loop of one page).
    Repeat,
    /// Every page names a new bookmark, past the end too (empty pages without end).
    Endless,
}

/// How one account's server misbehaves. Every field defaults to Pinterest's documented
/// behaviour, so `{}` is no quirk at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Quirks {
    /// A pin created at true time t shows in its board's listing only from t + this; `GET
    /// /pins/{id}` shows it at once (a lagging search index). Fixed when the pin is created.
    pub listing_delay_ms: u64,
    /// The server's clock reads the true clock plus this (may be negative): pins' `created_at`
    /// and every `Date` header are written in it.
    pub clock_offset_secs: i64,
    /// Retry-After as an HTTP-date and `x-ratelimit-reset` as a Unix epoch in seconds, both in
    /// the server's clock, instead of delta-seconds.
    pub absolute_rate_times: bool,
    pub listing_order: ListingOrder,
    /// Breaks "a listing ends": see `Bookmarks`.
    pub bookmarks: Bookmarks,
}

/// One account's quirks, replacing the default as a whole. `account` is an id or a username.
/// JSON is flat: `{"account": "alice", "clock_offset_secs": -90}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountQuirks {
    pub account: String,
    #[serde(flatten)]
    pub quirks: Quirks,
}

/// By hand, because `#[serde(flatten)]` would silently accept a misspelt quirk: the fields
/// other than `account` must be a valid `Quirks` on their own.
impl<'de> Deserialize<'de> for AccountQuirks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut fields = serde_json::Map::<String, Value>::deserialize(d)?;
        let account = match fields.remove("account") {
            Some(Value::String(a)) => a,
            Some(_) => return Err(D::Error::custom("account must be a string")),
            None => return Err(D::Error::missing_field("account")),
        };
        let quirks = Quirks::deserialize(Value::Object(fields)).map_err(D::Error::custom)?;
        Ok(AccountQuirks { account, quirks })
    }
}

/// The quirks in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuirkTable {
    pub default: Quirks,
    /// Later entries win when several name the same account.
    pub accounts: Vec<AccountQuirks>,
}

impl QuirkTable {
    pub fn for_account(&self, id: &str, username: &str) -> Quirks {
        self.accounts
            .iter()
            .rev()
            .find(|a| a.account == id || a.account == username)
            .map_or(self.default, |a| a.quirks)
    }
    /// Drops every override naming this account; with `Some`, adds one by id.
    pub fn set(&mut self, id: &str, username: &str, quirks: Option<Quirks>) {
        self.accounts
            .retain(|a| a.account != id && a.account != username);
        if let Some(quirks) = quirks {
            self.accounts.push(AccountQuirks {
                account: id.to_string(),
                quirks,
            });
        }
    }
}

impl SimState {
    /// The quirks of the account with this id (the default for an unknown one).
    pub fn quirks_of(&self, account_id: &str) -> Quirks {
        let username = self
            .accounts
            .get(account_id)
            .map_or("", |a| a.username.as_str());
        self.quirks.for_account(account_id, username)
    }
}

/// `t + d`, held at chrono's first or last instant instead of panicking (config values and
/// admin-API numbers are outside input).
pub(super) fn saturating_add(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(if d > TimeDelta::zero() {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    })
}

impl Quirks {
    /// What the server's clock reads when the true clock reads `now`.
    pub fn server_time(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let d = TimeDelta::try_seconds(self.clock_offset_secs).unwrap_or(
            if self.clock_offset_secs > 0 {
                TimeDelta::MAX
            } else {
                TimeDelta::MIN
            },
        );
        saturating_add(now, d)
    }
    /// The true instant from which a pin created at `created` shows in its board's listing.
    pub fn listed_at(&self, created: DateTime<Utc>) -> DateTime<Utc> {
        let ms = i64::try_from(self.listing_delay_ms).unwrap_or(i64::MAX);
        saturating_add(
            created,
            TimeDelta::try_milliseconds(ms).unwrap_or(TimeDelta::MAX),
        )
    }
}

/// `t`, or the next whole second if it has a fraction.
pub fn ceil_second(t: DateTime<Utc>) -> DateTime<Utc> {
    match t.timestamp_subsec_nanos() {
        0 => t,
        n => saturating_add(t, TimeDelta::nanoseconds(1_000_000_000 - i64::from(n))),
    }
}

/// RFC 7231 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (clamped to years 1970..=9999,
/// which is all the format can write). The fraction of a second is cut.
pub fn http_date(t: DateTime<Utc>) -> String {
    let last = DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap_or(t);
    let t = t.clamp(DateTime::<Utc>::UNIX_EPOCH, last);
    httpdate::fmt_http_date(SystemTime::from(t))
}

/// Writes the three `x-ratelimit-*` headers computed at true time `now`.
pub fn put_rate_headers<B>(
    resp: &mut HttpResponse<B>,
    h: &RateHeaders,
    q: &Quirks,
    now: DateTime<Utc>,
) {
    let hs = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&h.limit) {
        hs.insert("x-ratelimit-limit", v);
    }
    hs.insert("x-ratelimit-remaining", HeaderValue::from(h.remaining));
    let reset = if q.absolute_rate_times {
        let secs = TimeDelta::try_seconds(h.reset_secs as i64).unwrap_or(TimeDelta::MAX);
        HeaderValue::from(ceil_second(saturating_add(q.server_time(now), secs)).timestamp())
    } else {
        HeaderValue::from(h.reset_secs)
    };
    hs.insert("x-ratelimit-reset", reset);
}

/// Writes `Retry-After` for a wait of `secs` from true time `now`; returns the true instant it
/// names (as a date it is rounded up to the second, so it never ends before the wait does).
pub fn put_retry_after<B>(
    resp: &mut HttpResponse<B>,
    secs: u64,
    q: &Quirks,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let wait = TimeDelta::try_seconds(secs as i64).unwrap_or(TimeDelta::MAX);
    let (value, until) = if q.absolute_rate_times {
        let server_now = q.server_time(now);
        let at = ceil_second(saturating_add(server_now, wait));
        let true_until = saturating_add(at, now - server_now);
        match HeaderValue::from_str(&http_date(at)) {
            Ok(v) => (v, true_until),
            Err(_) => (HeaderValue::from(secs), saturating_add(now, wait)),
        }
    } else {
        (HeaderValue::from(secs), saturating_add(now, wait))
    };
    resp.headers_mut().insert(header::RETRY_AFTER, value);
    until
}

/// A response extension naming the account an answer belongs to when no bearer token says so
/// (the OAuth token endpoint), for the `Date` stamp.
#[derive(Debug, Clone)]
pub struct QuirkAccount(pub String);

/// Around all of `/v5`: sets `Date` to the server clock of the account the request (bearer
/// token, expired or not) or the answer (`QuirkAccount`) belongs to, the default otherwise.
/// hyper adds a true-clock `Date` only when none is set.
pub async fn stamp_date(State(app): State<App>, req: Request, next: Next) -> Response {
    let token = bearer(req.headers());
    let mut resp = next.run(req).await;
    let now = app.clock.now();
    let q = {
        let st = app.lock();
        let account = resp
            .extensions()
            .get::<QuirkAccount>()
            .map(|a| a.0.clone())
            .or_else(|| token.and_then(|t| st.access.get(&t).map(|rec| rec.account.clone())));
        match account {
            Some(a) => st.quirks_of(&a),
            None => st.quirks.default,
        }
    };
    if let Ok(v) = HeaderValue::from_str(&http_date(q.server_time(now))) {
        resp.headers_mut().insert(header::DATE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64, ms: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + TimeDelta::seconds(secs) + TimeDelta::milliseconds(ms)
    }

    #[test]
    fn json_shape_defaults_and_overrides() {
        let q: Quirks = serde_json::from_str("{}").unwrap();
        assert_eq!(q, Quirks::default());
        assert_eq!(q.listing_order, ListingOrder::NewestFirst);
        let a: AccountQuirks = serde_json::from_str(
            r#"{"account":"alice","clock_offset_secs":-90,"listing_order":"oldest_first"}"#,
        )
        .unwrap();
        assert_eq!(a.account, "alice");
        assert_eq!(a.quirks.clock_offset_secs, -90);
        assert_eq!(a.quirks.listing_order, ListingOrder::OldestFirst);
        assert_eq!(a.quirks.listing_delay_ms, 0);
        assert!(serde_json::from_str::<Quirks>(r#"{"listing_delay":5}"#).is_err());
        let typo = r#"{"account":"alice","listing_delay":5}"#;
        assert!(serde_json::from_str::<AccountQuirks>(typo).is_err());
        assert!(serde_json::from_str::<AccountQuirks>(r#"{"listing_delay_ms":5}"#).is_err());
        let back = serde_json::to_value(&a).unwrap();
        assert_eq!(back["account"], "alice");
        assert_eq!(back["clock_offset_secs"], -90);
        assert_eq!(serde_json::from_value::<AccountQuirks>(back).unwrap(), a);
        let mut table = QuirkTable {
            default: Quirks {
                clock_offset_secs: 5,
                ..Quirks::default()
            },
            accounts: vec![a],
        };
        assert_eq!(table.for_account("17", "alice").clock_offset_secs, -90);
        assert_eq!(table.for_account("18", "bob").clock_offset_secs, 5);
        table.set("17", "alice", None);
        assert_eq!(table.for_account("17", "alice").clock_offset_secs, 5);
    }

    #[test]
    fn absolute_retry_after_rounds_up_and_names_the_true_end() {
        let q = Quirks {
            clock_offset_secs: 3600,
            absolute_rate_times: true,
            ..Quirks::default()
        };
        let mut r = HttpResponse::new(());
        let now = t(1_700_000_000, 400);
        let until = put_retry_after(&mut r, 30, &q, now);
        assert_eq!(until, t(1_700_000_031, 0));
        assert_eq!(
            r.headers()[header::RETRY_AFTER],
            http_date(t(1_700_003_631, 0)).as_str()
        );
        let h = RateHeaders {
            limit: "3, 3;w=60".into(),
            remaining: 0,
            reset_secs: 30,
        };
        put_rate_headers(&mut r, &h, &q, now);
        assert_eq!(r.headers()["x-ratelimit-reset"], "1700003631");
        // Delta mode is untouched by the offset.
        let q = Quirks {
            clock_offset_secs: 3600,
            ..Quirks::default()
        };
        assert_eq!(put_retry_after(&mut r, 30, &q, now), t(1_700_000_030, 400));
        assert_eq!(r.headers()[header::RETRY_AFTER], "30");
    }

    #[test]
    fn extreme_times_do_not_panic() {
        let q = Quirks {
            clock_offset_secs: i64::MIN,
            listing_delay_ms: u64::MAX,
            ..Quirks::default()
        };
        assert_eq!(
            http_date(q.server_time(t(0, 0))),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(q.listed_at(t(0, 0)), DateTime::<Utc>::MAX_UTC);
        assert_eq!(ceil_second(t(5, 1)), t(6, 0));
        assert_eq!(ceil_second(t(5, 0)), t(5, 0));
    }
}
