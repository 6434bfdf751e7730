//! A user's schedule is an IANA time zone plus a local date-time; the queue stores UTC. The
//! conversion is where daylight-saving bugs live: a local time that does not exist (the spring
//! gap) moves forward by the gap, as a wall clock would; a local time that happens twice (the
//! autumn overlap) takes the first. Recurring slots are recomputed from local time each day, so
//! "every day at 09:00" stays at 09:00 across a change instead of drifting an hour.

use chrono::{
    DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::error::{EngineError, ErrorCode};

pub fn parse_zone(name: &str) -> Result<Tz, EngineError> {
    name.parse::<Tz>().map_err(|_| {
        EngineError::new(
            ErrorCode::InvalidInput,
            format!("{name:?} is not an IANA time zone (e.g. Europe/Paris)"),
        )
    })
}

/// The UTC instant of `local` in `zone`, resolving gaps and overlaps as described above.
pub fn to_utc(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Inside a spring-forward gap: read the wall time with the offset in force just
            // before the gap, so 02:30 in a 02:00-03:00 gap becomes 03:30 (moved by the gap).
            let before = (1..=48).find_map(|h| {
                zone.from_local_datetime(&(local - TimeDelta::hours(h)))
                    .earliest()
            });
            let offset = before.map_or(0, |b| b.offset().fix().local_minus_utc());
            Utc.from_utc_datetime(&(local - TimeDelta::seconds(i64::from(offset))))
        }
    }
}

/// Parses `YYYY-MM-DDTHH:MM[:SS]` as a local date-time.
pub fn parse_local(text: &str) -> Result<NaiveDateTime, EngineError> {
    let t = text.trim();
    NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
        .map_err(|_| {
            EngineError::new(
                ErrorCode::InvalidInput,
                format!("{text:?} is not a local date-time like 2026-12-01T09:00"),
            )
        })
}

/// The next occurrence of `time` in `zone` strictly after `after`, on any day.
pub fn next_daily(zone: Tz, time: NaiveTime, after: DateTime<Utc>) -> DateTime<Utc> {
    let local_day: NaiveDate = after.with_timezone(&zone).date_naive();
    for offset in 0..3 {
        let day = local_day + TimeDelta::days(offset);
        let at = to_utc(zone, day.and_time(time));
        if at > after {
            return at;
        }
    }
    after + TimeDelta::days(1)
}

#[cfg(test)]
mod tests;
