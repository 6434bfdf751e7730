//! The cached board and section lists of each account, with the time of the last sync. A sync
//! replaces an account's whole list in one transaction: a board deleted on Pinterest disappears
//! here too, and jobs aimed at it are told so before they are sent (see `missing_boards`).

use crate::AccountId;
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::time::{from_db, to_db};
use super::Store;
use crate::error::EngineError;
use crate::pinterest::types::{Board, BoardSection};

/// A board as cached, with its sections.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CachedBoard {
    pub board_id: String,
    pub name: String,
    pub sections: Vec<CachedSection>,
    pub synced_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CachedSection {
    pub section_id: String,
    pub name: String,
}

impl Store {
    /// Replaces `account`'s boards and sections with what Pinterest listed, all or nothing.
    pub fn replace_boards(
        &mut self,
        account: AccountId,
        boards: &[(Board, Vec<BoardSection>)],
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.all_or_nothing(|s| {
            let c = &s.conn;
            c.execute("DELETE FROM boards WHERE account_id = ?1", [account])
                .map_err(super::open::classify)?;
            for (board, sections) in boards {
                c.execute(
                    "INSERT INTO boards (account_id, board_id, name, synced_at) VALUES (?1, ?2, ?3, ?4)",
                    params![account, board.id, board.name, to_db(now)],
                )
                .map_err(super::open::classify)?;
                for section in sections {
                    c.execute(
                        "INSERT INTO board_sections (account_id, board_id, section_id, name) VALUES (?1, ?2, ?3, ?4)",
                        params![account, board.id, section.id, section.name],
                    )
                    .map_err(super::open::classify)?;
                }
            }
            Ok(())
        })
    }

    /// `account`'s cached boards, by name.
    pub fn boards(&self, account: AccountId) -> Result<Vec<CachedBoard>, EngineError> {
        let c = &self.conn;
        let mut stmt = c
            .prepare_cached(
                "SELECT board_id, name, synced_at FROM boards WHERE account_id = ?1 ORDER BY name COLLATE NOCASE, board_id",
            )
            .map_err(super::open::classify)?;
        let rows = stmt
            .query_map([account], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(super::open::classify)?;
        let mut sections = c
            .prepare_cached(
                "SELECT section_id, name FROM board_sections WHERE account_id = ?1 AND board_id = ?2 ORDER BY name COLLATE NOCASE",
            )
            .map_err(super::open::classify)?;
        let mut out = Vec::new();
        for row in rows {
            let (board_id, name, synced) = row.map_err(super::open::classify)?;
            let list = sections
                .query_map(params![account, board_id], |r| {
                    Ok(CachedSection {
                        section_id: r.get(0)?,
                        name: r.get(1)?,
                    })
                })
                .map_err(super::open::classify)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(super::open::classify)?;
            out.push(CachedBoard {
                board_id,
                name,
                sections: list,
                synced_at: from_db(&synced)?,
            });
        }
        Ok(out)
    }

    /// When `account`'s boards were last synced, if ever.
    pub fn boards_synced_at(
        &self,
        account: AccountId,
    ) -> Result<Option<DateTime<Utc>>, EngineError> {
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT MAX(synced_at) FROM boards WHERE account_id = ?1",
                [account],
                |r| r.get(0),
            )
            .map_err(super::open::classify)?;
        at.map(|a| from_db(&a)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pinterest::Environment;

    fn board(id: &str, name: &str) -> Board {
        Board {
            id: id.into(),
            name: name.into(),
            description: None,
            privacy: None,
        }
    }

    #[test]
    fn a_sync_replaces_the_list_and_a_bad_row_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_dir(dir.path()).unwrap();
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let a = store
            .insert_account("A", &Environment::Sandbox, now)
            .unwrap();
        assert_eq!(store.boards_synced_at(a).unwrap(), None);
        let section = BoardSection {
            id: "77".into(),
            name: "Mains".into(),
        };
        store
            .replace_boards(
                a,
                &[
                    (board("2", "recipes"), vec![section.clone()]),
                    (board("1", "Garden"), vec![]),
                ],
                now,
            )
            .unwrap();
        let listed = store.boards(a).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].name, "Garden");
        assert_eq!(listed[1].sections[0].section_id, "77");
        assert_eq!(store.boards_synced_at(a).unwrap(), Some(now));
        // A board id Pinterest would never send (not digits): refused, the old list stays.
        let later = now + chrono::TimeDelta::hours(1);
        assert!(store
            .replace_boards(a, &[(board("x1", "Bad"), vec![])], later)
            .is_err());
        assert_eq!(store.boards(a).unwrap(), listed);
        // The board "recipes" was deleted on Pinterest.
        store
            .replace_boards(a, &[(board("1", "Garden"), vec![])], later)
            .unwrap();
        assert_eq!(store.boards(a).unwrap().len(), 1);
    }
}
