//! The cached board and section lists of each account, with the time of the last sync. A sync
//! replaces an account's whole list in one transaction: a board deleted on Pinterest disappears
//! here too, and jobs aimed at it are told so before they are sent (see `missing_boards`). The
//! listing is data from a server: an entry the tables would refuse is skipped with a warning,
//! so one odd board never keeps an account on a stale list.

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

/// Pinterest's ids are decimal digits; the tables refuse anything else (a CHECK), so a row
/// is checked here first and an odd one is skipped rather than failing the whole sync.
fn is_pinterest_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
}

/// What `replace_boards` kept of a listing: the skipped ones are logged (`tracing::warn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BoardsReplaced {
    pub boards: usize,
    pub sections: usize,
    pub skipped_boards: usize,
    pub skipped_sections: usize,
}

impl Store {
    /// Replaces `account`'s boards and sections with what Pinterest listed, in one transaction.
    /// One odd entry in the listing does not cost the account its whole refresh: a board with
    /// an id that is not a Pinterest id (empty, not digits) or the id of a board already listed
    /// is skipped, and so is such a section (it stays off its board, the board is kept), each
    /// with a warning. A storage failure still changes nothing.
    pub fn replace_boards(
        &mut self,
        account: AccountId,
        boards: &[(Board, Vec<BoardSection>)],
        now: DateTime<Utc>,
    ) -> Result<BoardsReplaced, EngineError> {
        self.all_or_nothing(|s| {
            let c = &s.conn;
            c.execute("DELETE FROM boards WHERE account_id = ?1", [account])
                .map_err(super::open::classify)?;
            let mut done = BoardsReplaced::default();
            let mut seen = std::collections::HashSet::new();
            for (board, sections) in boards {
                if !is_pinterest_id(&board.id) || !seen.insert(board.id.as_str()) {
                    let why = if is_pinterest_id(&board.id) {
                        "listed twice"
                    } else {
                        "not a Pinterest id"
                    };
                    tracing::warn!(
                        %account,
                        board_id = %board.id.escape_debug(),
                        sections = sections.len(),
                        "boards: a board in the listing was skipped: its id is {why}"
                    );
                    done.skipped_boards += 1;
                    done.skipped_sections += sections.len();
                    continue;
                }
                c.execute(
                    "INSERT INTO boards (account_id, board_id, name, synced_at) VALUES (?1, ?2, ?3, ?4)",
                    params![account, board.id, board.name, to_db(now)],
                )
                .map_err(super::open::classify)?;
                done.boards += 1;
                let mut seen_sections = std::collections::HashSet::new();
                for section in sections {
                    if !is_pinterest_id(&section.id) || !seen_sections.insert(section.id.as_str()) {
                        tracing::warn!(
                            %account,
                            board_id = %board.id,
                            section_id = %section.id.escape_debug(),
                            "boards: a section in the listing was skipped: its id is empty, not digits or listed twice"
                        );
                        done.skipped_sections += 1;
                        continue;
                    }
                    c.execute(
                        "INSERT INTO board_sections (account_id, board_id, section_id, name) VALUES (?1, ?2, ?3, ?4)",
                        params![account, board.id, section.id, section.name],
                    )
                    .map_err(super::open::classify)?;
                    done.sections += 1;
                }
            }
            Ok(done)
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
    fn a_sync_replaces_the_list() {
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
        let later = now + chrono::TimeDelta::hours(1);
        // The board "recipes" was deleted on Pinterest.
        store
            .replace_boards(a, &[(board("1", "Garden"), vec![])], later)
            .unwrap();
        assert_eq!(store.boards(a).unwrap().len(), 1);
    }

    /// Issue 16 item 10: before, one odd board in a listing (an id that is not digits, a
    /// duplicate id, an odd section) failed the whole refresh and the account kept a stale
    /// list; now that entry is skipped and the rest is stored.
    #[test]
    fn one_odd_board_or_section_is_skipped_and_the_rest_is_kept() {
        let mut store = Store::open_in_memory().unwrap();
        let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
        let a = store
            .insert_account("A", &Environment::Sandbox, now)
            .unwrap();
        let section = |id: &str| BoardSection {
            id: id.into(),
            name: format!("s{id}"),
        };
        let done = store
            .replace_boards(
                a,
                &[
                    (board("1", "Garden"), vec![section("10"), section("")]),
                    (board("", "Empty id"), vec![section("20")]),
                    (board("x1", "Not digits"), vec![]),
                    (board("../2", "Path"), vec![]),
                    (board("1", "Garden again"), vec![section("11")]),
                    (
                        board("3", "Recipes"),
                        vec![section("30"), section("30"), section("3x")],
                    ),
                ],
                now,
            )
            .unwrap();
        assert_eq!(
            done,
            BoardsReplaced {
                boards: 2,
                sections: 2,
                skipped_boards: 4,
                skipped_sections: 5,
            }
        );
        let listed = store.boards(a).unwrap();
        let names: Vec<_> = listed.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["Garden", "Recipes"]);
        let ids = |b: &CachedBoard| -> Vec<String> {
            b.sections.iter().map(|s| s.section_id.clone()).collect()
        };
        assert_eq!(ids(&listed[0]), ["10"]);
        assert_eq!(ids(&listed[1]), ["30"]);
    }
}
