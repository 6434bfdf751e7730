//! The simulator against Pinterest's OpenAPI spec: the user account, boards and their
//! sections and pins, page by page (see `support/spec_answer.rs` for what is checked).

use crate::support::spec_answer;

use serde_json::json;
use spec_answer::*;

#[tokio::test]
async fn account_boards_sections_and_board_pins_match_the_spec() {
    let e = standard().await;
    let second = e.sim.add_board(&e.account, "Desserts").unwrap();
    e.sim.add_section(&e.board.id, "Stews").unwrap();

    let r = get(&e, "/user_account").await;
    assert_eq!(r.status, 200, "{}", r.what());
    let account = r.conforms_counted();
    assert_eq!(account["username"], "alice");

    // Two pages of boards: a bookmark, then `"bookmark": null` (nullable in the spec).
    let r = get(&e, "/boards?page_size=1").await;
    assert_eq!(r.status, 200, "{}", r.what());
    let page = r.conforms_counted();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let bookmark = page["bookmark"]
        .as_str()
        .expect("a first page has a bookmark");
    let r = get(&e, &format!("/boards?page_size=1&bookmark={bookmark}")).await;
    let page = r.conforms_counted();
    assert_eq!(page["items"][0]["id"], json!(second.id));
    assert!(page["bookmark"].is_null(), "{page}");

    let r = get(&e, &format!("/boards/{}/sections", e.board.id)).await;
    assert_eq!(r.status, 200, "{}", r.what());
    let page = r.conforms_counted();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let r = get(&e, &format!("/boards/{}/sections?page_size=1", e.board.id)).await;
    assert!(r.conforms_counted()["bookmark"].is_string());

    // Board pins, empty and then with a pin of each kind of image.
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    assert_eq!(r.status, 200, "{}", r.what());
    assert_eq!(r.conforms_counted()["items"], json!([]));
    for source in [
        json!({"source_type": "image_url", "url": "https://example.com/a.jpg"}),
        json!({"source_type": "multiple_image_urls", "items": [
            {"url": "https://example.com/1.jpg"}, {"url": "https://example.com/2.jpg"}]}),
    ] {
        assert_eq!(post(&e, "/pins", &pin(&e, source)).await.status, 201);
    }
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    let page = r.conforms_counted();
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    let r = get(&e, &format!("/boards/{}/pins?page_size=1", e.board.id)).await;
    assert!(r.conforms_counted()["bookmark"].is_string());
}
