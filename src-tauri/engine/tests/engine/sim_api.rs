//! The simulator's `/v5` operations over real loopback HTTP: accounts, boards, sections,
//! paging, pin create/get/delete, ownership, trial mode and the created-pins record.

use std::collections::HashSet;

use crate::support::sim::*;
use pinpace_engine::pinterest::types::{Board, BoardSection, Page, Pin, UserAccount};
use pinpace_engine::sim::codes;

#[tokio::test]
async fn user_account_and_auth() {
    let e = env(quiet()).await;
    let me: UserAccount = e.get(&e.token, "/user_account").await.json().await.unwrap();
    assert_eq!(me.username, "alice");
    assert_eq!(me.id.as_deref(), Some(e.account.as_str()));
    let r = e.get("pina_nonsense", "/user_account").await;
    assert_eq!(status_code(r).await, (401, codes::AUTHENTICATION_FAILED));
    let r = e.http.get(e.url("/user_account")).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn boards_page_with_bookmarks_covering_every_item_once() {
    let e = env(quiet()).await;
    for i in 0..260 {
        e.sim.add_board(&e.account, &format!("b{i}")).unwrap();
    }
    // page_size limits
    for bad in ["0", "251", "x"] {
        let r = e.get(&e.token, &format!("/boards?page_size={bad}")).await;
        assert_eq!(
            status_code(r).await,
            (400, codes::INVALID_PARAMETERS),
            "{bad}"
        );
    }
    let full: Page<Board> = e
        .get(&e.token, "/boards?page_size=250")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(full.items.len(), 250);
    assert!(full.bookmark.is_some());
    let first: Page<Board> = e.get(&e.token, "/boards").await.json().await.unwrap();
    assert_eq!(first.items.len(), 25, "default page size");
    // walk with bookmarks
    let mut seen = Vec::new();
    let mut bookmark: Option<String> = None;
    loop {
        let path = match &bookmark {
            Some(b) => format!("/boards?page_size=7&bookmark={b}"),
            None => "/boards?page_size=7".to_string(),
        };
        let page: Page<Board> = e.get(&e.token, &path).await.json().await.unwrap();
        seen.extend(page.items.into_iter().map(|b| b.id));
        match page.bookmark {
            Some(b) => bookmark = Some(b),
            None => break,
        }
    }
    assert_eq!(seen.len(), 261);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 261);
    // Only alice's boards.
    assert!(!seen.contains(&e.other_board.id));
    let r = e.get(&e.token, "/boards?bookmark=garbage!").await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn sections_of_own_board_only() {
    let e = env(quiet()).await;
    let page: Page<BoardSection> = e
        .get(&e.token, &format!("/boards/{}/sections", e.board.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.items, vec![e.section.clone()]);
    let r = e
        .get(&e.token, &format!("/boards/{}/sections", e.other_board.id))
        .await;
    assert_eq!(status_code(r).await, (403, codes::NOT_AUTHORIZED));
    let r = e.get(&e.token, "/boards/999/sections").await;
    assert_eq!(status_code(r).await, (404, codes::BOARD_NOT_FOUND));
}

#[tokio::test]
async fn create_get_list_delete_pins_and_the_record() {
    let e = env(quiet()).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let mut body = pin_body(&e.board.id, &format!("pin {i}"));
        if i == 1 {
            body["board_section_id"] = e.section.id.clone().into();
        }
        let r = e.post_pin(&e.token, &body).await;
        assert_eq!(r.status(), 201);
        let pin: Pin = r.json().await.unwrap();
        assert_eq!(pin.text.title.as_deref(), Some(format!("pin {i}").as_str()));
        assert_eq!(pin.board_id, e.board.id);
        assert!(pin.id.bytes().all(|b| b.is_ascii_digit()));
        ids.push(pin.id);
        e.advance_secs(60);
    }
    let got: Pin = e
        .get(&e.token, &format!("/pins/{}", ids[1]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got.board_section_id.as_deref(), Some(e.section.id.as_str()));
    // Newest first.
    let page: Page<Pin> = e
        .get(&e.token, &format!("/boards/{}/pins", e.board.id))
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<_> = page.items.iter().map(|p| p.id.clone()).collect();
    assert_eq!(listed, ids.iter().rev().cloned().collect::<Vec<_>>());
    // Another account cannot see it.
    let r = e.get(&e.other_token, &format!("/pins/{}", ids[0])).await;
    assert_eq!(status_code(r).await, (404, codes::PIN_NOT_FOUND));
    // Delete.
    let r = e
        .http
        .delete(e.url(&format!("/pins/{}", ids[0])))
        .bearer_auth(&e.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = e.get(&e.token, &format!("/pins/{}", ids[0])).await;
    assert_eq!(r.status(), 404);
    // The record keeps everything, in order, with what was sent.
    let rec = e.sim.created_pins();
    assert_eq!(rec.len(), 3);
    assert_eq!(rec.iter().map(|p| p.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert!(rec[0].deleted && !rec[1].deleted);
    assert_eq!(rec[1].account_id, e.account);
    assert_eq!(
        rec[1].board_section_id.as_deref(),
        Some(e.section.id.as_str())
    );
    assert_eq!(
        rec[1].text.link.as_deref(),
        Some("https://example.com/recipe")
    );
    assert_eq!(rec[1].text.alt_text.as_deref(), Some("soup"));
    assert!(rec[1].media_fingerprint.starts_with("png:"));
    assert_eq!(
        rec[2].created_at - rec[0].created_at,
        chrono::TimeDelta::seconds(120)
    );
    let stats = e.sim.stats();
    assert_eq!(stats.count("POST /pins", 201), 3);
    assert_eq!(stats.count("DELETE /pins/{pin_id}", 204), 1);
}

#[tokio::test]
async fn trial_app_in_production_gets_code_29() {
    let e = env(quiet()).await;
    e.sim.set_trial_production(true);
    let r = e.post_pin(&e.token, &pin_body(&e.board.id, "t")).await;
    assert_eq!(status_code(r).await, (403, codes::TRIAL_ACCESS));
    assert!(e.sim.created_pins().is_empty());
}

#[tokio::test]
async fn admin_api_drives_the_simulator() {
    let e = env(quiet()).await;
    let admin = e.sim.admin_url();
    let r = e
        .admin
        .post(format!("{admin}/accounts"))
        .json(&serde_json::json!({"username": "carol"}))
        .send()
        .await
        .unwrap();
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let board: Board = e
        .admin
        .post(format!("{admin}/boards"))
        .json(&serde_json::json!({"account": "carol", "name": "Gardens"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tokens: serde_json::Value = e
        .admin
        .post(format!("{admin}/tokens"))
        .json(&serde_json::json!({"account": id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    let r = e.post_pin(token, &pin_body(&board.id, "via admin")).await;
    assert_eq!(r.status(), 201);
    let pins: serde_json::Value = e
        .admin
        .get(format!("{admin}/pins"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pins[0]["title"], "via admin");
    let stats: serde_json::Value = e
        .admin
        .get(format!("{admin}/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["by_endpoint"]["POST /pins"]["201"], 1);
}
