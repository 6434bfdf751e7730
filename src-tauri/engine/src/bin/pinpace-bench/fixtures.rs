//! What the one-off benchmarks (import, screens) and scenario 4c start from: an account with its
//! boards, each board with one section ("Ideas"), in an empty store or an engine's store; and a
//! Pinterest bulk-create CSV naming those boards.

use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
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
    let account = account_with_boards(&mut store, boards);
    (store, account)
}

/// A sandbox account named "Bench" with `boards` cached boards, as `store_with_boards` says.
pub fn account_with_boards(store: &mut Store, boards: usize) -> pinpace_engine::AccountId {
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
    account
}

/// `rows` rows of Pinterest's bulk-create CSV over `boards` boards (one in five into the
/// "Ideas" section), one pin a minute from `start`, with a two-line description; its size in MB.
pub fn pinterest_csv(
    path: &std::path::Path,
    rows: usize,
    boards: usize,
    start: DateTime<Utc>,
) -> f64 {
    let mut text = String::from(
        "\u{feff}Title,Media URL,Pinterest board,Thumbnail,Description,Link,Publish date,Keywords\n",
    );
    for k in 0..rows {
        let at = (start + TimeDelta::minutes(k as i64)).format("%Y-%m-%dT%H:%M:%S");
        let board = if k % 5 == 0 {
            format!("board {}/Ideas", k % boards)
        } else {
            format!("Board {}", k % boards)
        };
        writeln!(
            text,
            "\"Pin {k}, a title\",https://cdn.example.com/img/{k}.jpg,{board},,\"A description of pin {k}\nwith a second line\",https://example.com/p/{k},{at},"
        )
        .unwrap();
    }
    std::fs::write(path, &text).unwrap();
    text.len() as f64 / 1e6
}
