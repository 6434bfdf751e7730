//! What the one-off benchmarks (import, screens) start from: an empty store in a temporary
//! directory with one account and its boards, each board with one section ("Ideas").

use pinpace_engine::pinterest::types::{Board, BoardSection};
use pinpace_engine::pinterest::Environment;
use pinpace_engine::Store;

/// The store (in `dir`), the account's id, and `boards` boards named "Board 0".. with ids from
/// 1000 and a section each with ids from 5000.
pub fn store_with_boards(
    dir: &std::path::Path,
    boards: usize,
) -> (Store, pinpace_engine::AccountId) {
    let mut store = Store::open_in_dir(&dir.join("data")).unwrap();
    let now = chrono::Utc::now();
    let account = store
        .insert_account("Bench", &Environment::Sandbox, now)
        .unwrap();
    let boards: Vec<(Board, Vec<BoardSection>)> = (0..boards)
        .map(|i| {
            let board = Board {
                id: format!("{}", 1000 + i),
                name: format!("Board {i}"),
                description: None,
                privacy: None,
            };
            let sections = vec![BoardSection {
                id: format!("{}", 5000 + i),
                name: "Ideas".into(),
            }];
            (board, sections)
        })
        .collect();
    store.replace_boards(account, &boards, now).unwrap();
    (store, account)
}
