//! Accounts: a name, the environment its API lives in, its pacing limits and whether it is
//! usable. Tokens are not here: secrets live in the OS keychain (DESIGN invariant 8).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::time::to_db;
use super::Store;
use crate::error::{EngineError, ErrorCode};
use crate::pinterest::Environment;

impl Store {
    pub fn insert_account(
        &mut self,
        name: &str,
        environment: &Environment,
        now: DateTime<Utc>,
    ) -> Result<i64, EngineError> {
        if name.trim().is_empty() {
            return Err(EngineError::new(
                ErrorCode::InvalidInput,
                "an account needs a name",
            ));
        }
        let env = serde_json::to_string(environment).expect("environment serialises");
        self.conn
            .execute(
                "INSERT INTO accounts (name, environment, created_at) VALUES (?1, ?2, ?3)",
                params![name.trim(), env, to_db(now)],
            )
            .map_err(super::open::classify)?;
        Ok(self.conn.last_insert_rowid())
    }
}
