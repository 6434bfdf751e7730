//! Names to ids, once per import: accounts are read once, and each account's cached boards and
//! sections the first time a row names that account. Matching is case-insensitive on trimmed
//! names; a name that matches several boards is refused (ambiguous) rather than guessed, and a
//! digits-only value is taken as an id when it is one (or when the account's boards were never
//! synced, so there is nothing to check it against).

use crate::AccountId;
use std::collections::HashMap;

use super::report::RowErrorCode as Code;
use crate::error::EngineError;
use crate::store::boards::CachedBoard;
use crate::store::Store;

pub(crate) type Miss = (Code, String);

pub(crate) struct Lookup {
    accounts: Vec<(AccountId, String)>,
    boards: HashMap<AccountId, Vec<CachedBoard>>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn is_id(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A resolved board (and section).
pub(crate) struct Target {
    pub board_id: String,
    pub board_name: Option<String>,
    pub section_id: Option<String>,
    pub section_name: Option<String>,
}

impl Lookup {
    pub(crate) fn new(store: &Store) -> Result<Self, EngineError> {
        Ok(Lookup {
            accounts: store
                .accounts()?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect(),
            boards: HashMap::new(),
        })
    }

    pub(crate) fn account(&self, text: &str) -> Result<AccountId, Miss> {
        if let Ok(id) = text.parse::<AccountId>() {
            if self.accounts.iter().any(|(a, _)| *a == id) {
                return Ok(id);
            }
        }
        let k = key(text);
        let found: Vec<AccountId> = self
            .accounts
            .iter()
            .filter(|(_, name)| key(name) == k)
            .map(|(id, _)| *id)
            .collect();
        match found.as_slice() {
            [id] => Ok(*id),
            [] => Err((
                Code::UnknownAccount,
                format!("there is no account {text:?} (give its id or its name)"),
            )),
            _ => Err((
                Code::AmbiguousAccount,
                format!(
                    "{} accounts are named {text:?}; give the account's id",
                    found.len()
                ),
            )),
        }
    }

    fn boards_of(
        &mut self,
        store: &Store,
        account: AccountId,
    ) -> Result<&[CachedBoard], EngineError> {
        if let std::collections::hash_map::Entry::Vacant(e) = self.boards.entry(account) {
            e.insert(store.boards(account)?);
        }
        Ok(&self.boards[&account])
    }

    /// Resolves a board (by id or name) and, if given, one of its sections.
    pub(crate) fn target(
        &mut self,
        store: &Store,
        account: AccountId,
        board: &str,
        section: Option<&str>,
    ) -> Result<Result<Target, Miss>, EngineError> {
        let boards = self.boards_of(store, account)?;
        Ok(resolve(boards, board, section))
    }

    /// Pinterest's CSV may write `Board/Section` in its board column: tried when the whole
    /// text names no board.
    pub(crate) fn target_with_slash(
        &mut self,
        store: &Store,
        account: AccountId,
        board: &str,
    ) -> Result<Result<Target, Miss>, EngineError> {
        let boards = self.boards_of(store, account)?;
        let whole = resolve(boards, board, None);
        if let (Err((Code::UnknownBoard, _)), Some((b, s))) = (&whole, board.rsplit_once('/')) {
            if let Ok(t) = resolve(boards, b.trim(), Some(s.trim())) {
                return Ok(Ok(t));
            }
        }
        Ok(whole)
    }
}

fn resolve(boards: &[CachedBoard], board: &str, section: Option<&str>) -> Result<Target, Miss> {
    let found: Vec<&CachedBoard> = match boards.iter().find(|b| b.board_id == board) {
        Some(b) => vec![b],
        None => {
            let k = key(board);
            boards.iter().filter(|b| key(&b.name) == k).collect()
        }
    };
    let b = match found.as_slice() {
        [b] => *b,
        [] if boards.is_empty() && is_id(board) => {
            // Never synced: an id is taken on trust (compose checks its syntax).
            return match section {
                Some(s) if !is_id(s) => Err((
                    Code::UnknownSection,
                    format!("section {s:?}: the account's boards were never synced, so give the section's id"),
                )),
                _ => Ok(Target {
                    board_id: board.to_string(),
                    board_name: None,
                    section_id: section.map(str::to_string),
                    section_name: None,
                }),
            };
        }
        [] if boards.is_empty() => {
            return Err((
                Code::UnknownBoard,
                format!("no board named {board:?}: the account's boards were never synced (sync them, or give the board's id)"),
            ))
        }
        [] => {
            return Err((
                Code::UnknownBoard,
                format!("the account has no board named {board:?}"),
            ))
        }
        several => {
            let ids: Vec<&str> = several.iter().map(|b| b.board_id.as_str()).collect();
            return Err((
                Code::AmbiguousBoard,
                format!(
                    "{} boards are named {board:?} (ids {}); give the board's id",
                    several.len(),
                    ids.join(", ")
                ),
            ));
        }
    };
    let mut target = Target {
        board_id: b.board_id.clone(),
        board_name: Some(b.name.clone()),
        section_id: None,
        section_name: None,
    };
    if let Some(s) = section {
        let found: Vec<_> = match b.sections.iter().find(|x| x.section_id == s) {
            Some(x) => vec![x],
            None => b
                .sections
                .iter()
                .filter(|x| key(&x.name) == key(s))
                .collect(),
        };
        match found.as_slice() {
            [x] => {
                target.section_id = Some(x.section_id.clone());
                target.section_name = Some(x.name.clone());
            }
            [] => {
                return Err((
                    Code::UnknownSection,
                    format!("the board {:?} has no section {s:?}", b.name),
                ))
            }
            several => {
                return Err((
                    Code::AmbiguousSection,
                    format!(
                        "the board {:?} has {} sections named {s:?}",
                        b.name,
                        several.len()
                    ),
                ))
            }
        }
    }
    Ok(target)
}
