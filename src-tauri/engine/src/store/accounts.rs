//! Accounts: a name, the environment its API lives in, its pacing limits and whether it is
//! usable. Tokens are not here: secrets live in the OS keychain (DESIGN invariant 8).

use crate::AccountId;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::time::to_db;
use super::Store;
use crate::error::{EngineError, ErrorCode};
use crate::pacing::AccountLimits;
use crate::pinterest::Environment;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    TS,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum AccountStatus {
    Active,
    NeedsReconnect,
    SpamBlocked,
    Disconnected,
}

impl AccountStatus {
    fn as_str(self) -> &'static str {
        self.into()
    }

    /// A stored status. A name this build does not know is `database_corrupt` (a database from
    /// a newer PinPace is refused at open, so only a damaged or hand-edited one holds such a
    /// name). It used to read as active, which would have sent pins for an account the user
    /// had disconnected or Pinterest had blocked.
    fn from_stored(s: &str, account: AccountId) -> Result<AccountStatus, EngineError> {
        s.parse().map_err(|_| {
            EngineError::new(
                ErrorCode::DatabaseCorrupt,
                format!("account {account} has the stored status {s:?}, which this PinPace does not know"),
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub environment: Environment,
    pub username: Option<String>,
    pub limits: AccountLimits,
    pub status: AccountStatus,
    /// The server's "not before" for this account (Retry-After), kept across restarts.
    pub held_until: Option<DateTime<Utc>>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::new(
        ErrorCode::DatabaseCorrupt,
        format!("stored {what} is unreadable: {e}"),
    )
}

type RawAccount = (
    AccountId,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
);

fn read(row: &Row<'_>) -> rusqlite::Result<RawAccount> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn finish(raw: RawAccount) -> Result<Account, EngineError> {
    let (id, name, env, username, limits, status, held) = raw;
    Ok(Account {
        id,
        name,
        environment: serde_json::from_str(&env).map_err(|e| corrupt("environment", e))?,
        username,
        limits: serde_json::from_str(&limits).map_err(|e| corrupt("limits", e))?,
        status: AccountStatus::from_stored(&status, id)?,
        held_until: super::time::opt_from_db(held)?,
    })
}

const COLUMNS: &str = "id, name, environment, username, limits, status, paused_until";

impl Store {
    pub fn insert_account(
        &mut self,
        name: &str,
        environment: &Environment,
        now: DateTime<Utc>,
    ) -> Result<AccountId, EngineError> {
        if name.trim().is_empty() {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "an account needs a name",
            ));
        }
        environment.check()?;
        let env = serde_json::to_string(environment).expect("environment serialises");
        self.conn
            .execute(
                "INSERT INTO accounts (name, environment, created_at) VALUES (?1, ?2, ?3)",
                params![name.trim(), env, to_db(now)],
            )
            .map_err(super::open::classify)?;
        Ok(AccountId(self.conn.last_insert_rowid()))
    }

    pub fn accounts(&self) -> Result<Vec<Account>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM accounts ORDER BY id"))
            .map_err(super::open::classify)?;
        let rows = stmt.query_map([], read).map_err(super::open::classify)?;
        rows.map(|r| r.map_err(super::open::classify).and_then(finish))
            .collect()
    }

    /// Every account's name by id, for sentences that name accounts.
    pub fn account_names(&self) -> Result<HashMap<AccountId, String>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name FROM accounts")
            .map_err(super::open::classify)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(super::open::classify)?;
        rows.map(|r| r.map_err(super::open::classify)).collect()
    }

    pub fn account(&self, id: AccountId) -> Result<Account, EngineError> {
        let raw = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"))
            .and_then(|mut statement| statement.query_row([id], read).optional())
            .map_err(super::open::classify)?
            .ok_or_else(|| EngineError::new(ErrorCode::NotFound, format!("no account {id}")))?;
        finish(raw)
    }

    pub fn set_account_status(
        &self,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE accounts SET status = ?2 WHERE id = ?1",
                params![id, status.as_str()],
            )
            .map_err(super::open::classify)?;
        Ok(())
    }

    /// Stores an account's limits, if they are valid (see `AccountLimits::validate`). A running
    /// engine takes them on when told (`EngineHandle::limits_changed`).
    pub fn set_account_limits(
        &self,
        id: AccountId,
        limits: &AccountLimits,
    ) -> Result<(), EngineError> {
        limits.validate()?;
        let json = serde_json::to_string(limits).expect("limits serialise");
        let n = self
            .conn
            .execute(
                "UPDATE accounts SET limits = ?2 WHERE id = ?1",
                params![id, json],
            )
            .map_err(super::open::classify)?;
        if n == 0 {
            return Err(EngineError::new(
                ErrorCode::NotFound,
                format!("no account {id}"),
            ));
        }
        Ok(())
    }

    /// Records the server's "not before" for an account (or clears it with `None`).
    pub fn set_account_hold(
        &self,
        id: AccountId,
        until: Option<DateTime<Utc>>,
    ) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE accounts SET paused_until = ?2, pause_reason = CASE WHEN ?2 IS NULL THEN NULL ELSE 'rate_limited' END WHERE id = ?1",
                params![id, until.map(to_db)],
            )
            .map_err(super::open::classify)?;
        Ok(())
    }

    /// Moves an account to another address of the same server (the built-in simulator's port).
    pub fn set_account_environment(
        &self,
        id: AccountId,
        env: &Environment,
    ) -> Result<(), EngineError> {
        let json = serde_json::to_string(env).expect("environments serialise");
        self.conn
            .execute(
                "UPDATE accounts SET environment = ?2 WHERE id = ?1",
                params![id, json],
            )
            .map_err(super::open::classify)?;
        Ok(())
    }

    /// How many jobs (of `account`, or of every account with `None`) are in one of `states`.
    pub fn job_count(
        &self,
        account: Option<AccountId>,
        states: &[crate::store::job_state::JobState],
    ) -> Result<u32, EngineError> {
        let list = states
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT COUNT(*) FROM jobs WHERE (?1 IS NULL OR account_id = ?1) AND state IN ({list})"
        );
        self.conn
            .query_row(&sql, params![account], |r| r.get::<_, u32>(0))
            .map_err(super::open::classify)
    }

    pub fn set_account_username(&self, id: AccountId, username: &str) -> Result<(), EngineError> {
        self.conn
            .execute(
                "UPDATE accounts SET username = ?2 WHERE id = ?1",
                params![id, username],
            )
            .map_err(super::open::classify)?;
        Ok(())
    }
}
