//! The simulator against Pinterest's OpenAPI spec: pins of every media source through create,
//! get, list and delete, and video media through registration, upload and every status (see
//! `support/spec_answer.rs` for what is checked).

use crate::support::spec_answer;

use crate::support::sim::b64;
use reqwest::Method;
use serde_json::{json, Value};
use spec_answer::*;

#[tokio::test]
async fn pins_of_every_media_source_match_the_spec_through_create_get_list_delete() {
    let e = standard().await;
    let video = uploaded_video(&e).await;
    let sources = [
        (
            "image",
            json!({"source_type": "image_url", "url": "https://example.com/a.jpg"}),
        ),
        (
            "image",
            json!({"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG)}),
        ),
        (
            "multiple_images",
            json!({"source_type": "multiple_image_urls", "items": [
                {"url": "https://example.com/1.jpg", "title": "one"},
                {"url": "https://example.com/2.jpg", "link": "https://example.com/2"}]}),
        ),
        (
            "video",
            json!({"source_type": "video_id", "media_id": video,
                   "cover_image_url": "https://example.com/cover.jpg"}),
        ),
    ];
    let mut ids = Vec::new();
    for (media_type, source) in sources {
        let r = post(&e, "/pins", &pin(&e, source)).await;
        assert_eq!(
            r.status,
            201,
            "{}: {}",
            r.what(),
            String::from_utf8_lossy(&r.body)
        );
        let created = r.conforms_counted();
        assert_eq!(created["media"]["media_type"], media_type, "{created}");
        assert_eq!(created["board_section_id"], json!(e.section.id));
        let stamp = created["created_at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
            "created_at {stamp:?} is not RFC 3339"
        );
        let id = created["id"].as_str().unwrap().to_string();
        let r = get(&e, &format!("/pins/{id}")).await;
        assert_eq!(r.status, 200, "{}", r.what());
        assert_eq!(r.conforms_counted(), created);
        ids.push(id);
    }
    let r = get(&e, &format!("/boards/{}/pins", e.board.id)).await;
    assert_eq!(r.conforms_counted()["items"].as_array().unwrap().len(), 4);

    for id in &ids {
        let r = send(
            &e,
            Method::DELETE,
            &format!("/pins/{id}"),
            Some(&e.token),
            None,
        )
        .await;
        assert_eq!(r.status, 204, "{}", r.what());
        assert_eq!(r.conforms_counted(), Value::Null);
        assert!(r.headers.get("content-type").is_none(), "{:?}", r.headers);
    }
}

#[tokio::test]
async fn media_registration_and_every_status_match_the_spec() {
    let e = standard().await;
    // registered -> processing -> succeeded, each answer validated.
    uploaded_video(&e).await;
    // Never uploaded: registered, then failed.
    let r = post(&e, "/media", &json!({"media_type": "video"})).await;
    let id = r.conforms_counted()["media_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let r = get(&e, &format!("/media/{id}")).await;
        seen.push(r.conforms_counted()["status"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.first().map(String::as_str), Some("registered"));
    assert_eq!(seen.last().map(String::as_str), Some("failed"), "{seen:?}");
}
