//! Stored times: UTC, RFC 3339 with milliseconds and a `Z`, so that text order is time order and
//! SQL can compare them directly.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::{EngineError, ErrorCode};

pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn from_db(s: &str) -> Result<DateTime<Utc>, EngineError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            EngineError::new(
                ErrorCode::DatabaseCorrupt,
                format!("bad stored time {s:?}: {e}"),
            )
        })
}

pub fn opt_from_db(s: Option<String>) -> Result<Option<DateTime<Utc>>, EngineError> {
    s.as_deref().map(from_db).transpose()
}
