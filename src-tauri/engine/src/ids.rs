//! The ids of PinPace's own records: an account, a job, a pin. Each is its own type, so a job id
//! can never be passed where an account id is meant (both were `i64` once, and the compiler could
//! not tell them apart). They are SQLite's integer row ids, a plain number on the wire (a serde
//! newtype) and in TypeScript (`number`), and they print as that number in logs and the
//! CLI. Pinterest's own ids (pins, boards, sections) are strings and stay strings.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

// The structs are written out (not made by the macro) so that tests/command_bindings, which reads
// the source for `#[ts(export)]` types, finds them; the macro adds what every id does.
macro_rules! record_id {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    };
}

/// A connected Pinterest account (`accounts.id`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[ts(export, type = "number")]
pub struct AccountId(pub i64);
record_id!(AccountId);

/// One publication of a pin to one account and board (`jobs.id`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[ts(export, type = "number")]
pub struct JobId(pub i64);
record_id!(JobId);

/// A pin's content as composed (`pins.id`); each of its boards is a job.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[ts(export, type = "number")]
pub struct PinId(pub i64);
record_id!(PinId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_bare_number_on_the_wire_and_in_sqlite() {
        assert_eq!(serde_json::to_string(&JobId(7)).unwrap(), "7");
        assert_eq!(
            serde_json::from_str::<AccountId>("12").unwrap(),
            AccountId(12)
        );
        assert!(serde_json::from_str::<PinId>("\"12\"").is_err());
        let db = rusqlite::Connection::open_in_memory().unwrap();
        let back: JobId = db
            .query_row("SELECT ?1", [JobId(41)], |r| r.get(0))
            .unwrap();
        assert_eq!(back, JobId(41));
        assert_eq!(" 5".parse::<AccountId>().unwrap(), AccountId(5));
        assert_eq!(JobId(9).to_string(), "9");
    }
}
