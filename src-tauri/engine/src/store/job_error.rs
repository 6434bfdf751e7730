//! Why a job failed, or why its last attempt did not publish it: the code stored in
//! `jobs.error_code` (TEXT) and shown beside the message, so that the engine, the CLI and the UI
//! match on a variant rather than on a string typed in several places.
//!
//! The codes are written by the scheduler's outcome rules only (`scheduler::outcome`,
//! `scheduler::prepare`); none is taken from `EngineError`'s `ErrorCode`. Two carry what
//! Pinterest answered (`pinterest_40`, `http_500`), so this is not a plain list of names and
//! its text is made by hand (`Display`/`FromStr`) rather than by strum: serde, SQLite and the
//! TypeScript type all go through that one text.
//!
//! A name this PinPace does not know (a database written by another version) is read as
//! `Other` with its text kept as it was: it is shown and written back unchanged, and it never
//! stops a job from being read.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde_with::{DeserializeFromStr, SerializeDisplay};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Hash, SerializeDisplay, DeserializeFromStr, TS)]
#[ts(
    export,
    type = "\"invalid_pin\" | \"retry_budget_spent\" | \"board_check_inconclusive\" | \
            \"final_board_check\" | \"transient\" | `pinterest_${number}` | `http_${number}` | \
            (string & {})"
)]
pub enum JobErrorCode {
    /// The pin cannot be sent as it is (no image, an image that cannot be read): nothing was
    /// sent.
    InvalidPin,
    /// Every attempt failed and, if one may have created the pin, the board was checked.
    RetryBudgetSpent,
    /// The board check could not decide whether the pin is there: nothing is resent blind.
    BoardCheckInconclusive,
    /// The budget is spent after an attempt that may have created the pin: the board is checked
    /// once (a read, no send) before the job is called failed.
    FinalBoardCheck,
    /// A temporary failure (a timeout, a 5xx, a dropped connection): the job retries.
    Transient,
    /// Pinterest refused the pin with its own code (`pinterest_40`: the board is gone).
    Pinterest(i64),
    /// Pinterest refused the pin with an HTTP status and no code of its own (`http_400`).
    Http(u16),
    /// A name this version does not know, kept as it was read.
    Other(String),
}

impl JobErrorCode {
    /// The codes with a fixed name; `FromStr` looks names up here, `Display` names them.
    const FIXED: [JobErrorCode; 5] = [
        JobErrorCode::InvalidPin,
        JobErrorCode::RetryBudgetSpent,
        JobErrorCode::BoardCheckInconclusive,
        JobErrorCode::FinalBoardCheck,
        JobErrorCode::Transient,
    ];

    fn fixed_name(&self) -> Option<&'static str> {
        match self {
            JobErrorCode::InvalidPin => Some("invalid_pin"),
            JobErrorCode::RetryBudgetSpent => Some("retry_budget_spent"),
            JobErrorCode::BoardCheckInconclusive => Some("board_check_inconclusive"),
            JobErrorCode::FinalBoardCheck => Some("final_board_check"),
            JobErrorCode::Transient => Some("transient"),
            JobErrorCode::Pinterest(_) | JobErrorCode::Http(_) | JobErrorCode::Other(_) => None,
        }
    }

    /// The code of a refusal: Pinterest's own code when it gave one, else the HTTP status.
    pub fn refused(status: u16, code: Option<i64>) -> Self {
        code.map_or(JobErrorCode::Http(status), JobErrorCode::Pinterest)
    }

    /// Reads a stored name; never fails (see `Other`).
    pub fn from_name(name: &str) -> Self {
        if let Some(fixed) = Self::FIXED
            .into_iter()
            .find(|c| c.fixed_name() == Some(name))
        {
            return fixed;
        }
        let numbered = if let Some(n) = name.strip_prefix("pinterest_") {
            n.parse().ok().map(JobErrorCode::Pinterest)
        } else if let Some(s) = name.strip_prefix("http_") {
            s.parse().ok().map(JobErrorCode::Http)
        } else {
            None
        };
        // Only the exact text `Display` writes (not `http_070`), so a name reads back as it was.
        if let Some(code) = numbered.filter(|c| c.to_string() == name) {
            return code;
        }
        JobErrorCode::Other(name.to_string())
    }
}

impl fmt::Display for JobErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobErrorCode::Pinterest(c) => write!(f, "pinterest_{c}"),
            JobErrorCode::Http(s) => write!(f, "http_{s}"),
            JobErrorCode::Other(raw) => f.write_str(raw),
            fixed => f.write_str(fixed.fixed_name().unwrap_or_default()),
        }
    }
}

impl FromStr for JobErrorCode {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(JobErrorCode::from_name(s))
    }
}

impl ToSql for JobErrorCode {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for JobErrorCode {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str().map(JobErrorCode::from_name)
    }
}

#[cfg(test)]
mod tests {
    use super::JobErrorCode::{self, *};

    #[test]
    fn every_code_reads_back_as_it_was_written() {
        let mut codes = JobErrorCode::FIXED.to_vec();
        codes.extend([
            Pinterest(40),
            Pinterest(-1),
            Http(500),
            Other("gone_away".into()),
        ]);
        for code in codes {
            let name = code.to_string();
            assert_eq!(JobErrorCode::from_name(&name), code, "{name}");
            let json = serde_json::to_value(&code).unwrap();
            assert_eq!(json, serde_json::Value::String(name.clone()));
            assert_eq!(serde_json::from_value::<JobErrorCode>(json).unwrap(), code);
        }
    }

    #[test]
    fn the_names_are_the_ones_stored_before_the_enum() {
        let names: Vec<String> = JobErrorCode::FIXED.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            names,
            [
                "invalid_pin",
                "retry_budget_spent",
                "board_check_inconclusive",
                "final_board_check",
                "transient"
            ]
        );
        assert_eq!(
            JobErrorCode::refused(404, Some(40)).to_string(),
            "pinterest_40"
        );
        assert_eq!(JobErrorCode::refused(400, None).to_string(), "http_400");
    }

    #[test]
    fn an_unknown_or_odd_name_is_kept_as_text() {
        for odd in [
            "",
            "pinterest_",
            "pinterest_x",
            "http_070",
            "http_+5",
            "http_99999",
            "pinterest_-01",
            "Transient",
        ] {
            assert_eq!(
                JobErrorCode::from_name(odd),
                Other(odd.to_string()),
                "{odd:?}"
            );
            assert_eq!(JobErrorCode::from_name(odd).to_string(), odd);
        }
    }

    #[test]
    fn it_round_trips_through_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (c TEXT)").unwrap();
        for code in [
            FinalBoardCheck,
            Pinterest(29),
            Other("from_the_future".into()),
        ] {
            conn.execute("DELETE FROM t", []).unwrap();
            conn.execute("INSERT INTO t (c) VALUES (?1)", [&code])
                .unwrap();
            let text: String = conn.query_row("SELECT c FROM t", [], |r| r.get(0)).unwrap();
            assert_eq!(text, code.to_string());
            let back: JobErrorCode = conn.query_row("SELECT c FROM t", [], |r| r.get(0)).unwrap();
            assert_eq!(back, code);
        }
    }
}
