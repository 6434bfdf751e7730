//! The video flow: register an upload, post the file to the upload URL with its parameters,
//! poll until it has been processed, then create a video pin with it.

use crate::support::sim::*;
use pinpace_engine::pinterest::types::{MediaDetails, MediaStatus, MediaUpload};
use serde_json::json;

async fn register(e: &Env) -> MediaUpload {
    let r = e
        .http
        .post(e.url("/media"))
        .bearer_auth(&e.token)
        .json(&json!({"media_type": "video"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

async fn upload(e: &Env, m: &MediaUpload, file: &[u8], tamper: bool) -> u16 {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in &m.upload_parameters {
        let v = if tamper && k == "x-amz-signature" {
            "forged".to_string()
        } else {
            v.clone()
        };
        form = form.text(k.clone(), v);
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(file.to_vec()).file_name("v.mp4"),
    );
    let url = m.upload_url.clone().unwrap();
    e.http
        .post(url)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn poll(e: &Env, id: &str) -> MediaStatus {
    let d: MediaDetails = e
        .get(&e.token, &format!("/media/{id}"))
        .await
        .json()
        .await
        .unwrap();
    d.status
}

fn video_pin(e: &Env, media_id: &str) -> serde_json::Value {
    json!({
        "board_id": e.board.id,
        "title": "video",
        "media_source": {"source_type": "video_id", "media_id": media_id, "cover_image_url": "https://e.com/c.jpg"}
    })
}

#[tokio::test]
async fn video_upload_processing_and_pin() {
    let e = env(quiet()).await;
    let m = register(&e).await;
    assert!(m
        .upload_url
        .as_deref()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    assert_eq!(poll(&e, &m.media_id).await, MediaStatus::Registered);
    assert_eq!(upload(&e, &m, b"\0\0\0\x18ftypmp42", true).await, 403);
    assert_eq!(upload(&e, &m, b"\0\0\0\x18ftypmp42", false).await, 204);
    assert_eq!(
        e.post_pin(&e.token, &video_pin(&e, &m.media_id))
            .await
            .status(),
        400,
        "not processed yet"
    );
    assert_eq!(poll(&e, &m.media_id).await, MediaStatus::Processing);
    assert_eq!(poll(&e, &m.media_id).await, MediaStatus::Processing);
    assert_eq!(poll(&e, &m.media_id).await, MediaStatus::Succeeded);
    // Another account cannot see or use it.
    assert_eq!(
        e.get(&e.other_token, &format!("/media/{}", m.media_id))
            .await
            .status(),
        404
    );
    let r = e.post_pin(&e.token, &video_pin(&e, &m.media_id)).await;
    assert_eq!(r.status(), 201);
    let rec = e.sim.created_pins();
    assert_eq!(rec[0].media_type, "video");
    assert_eq!(rec[0].media_fingerprint, format!("video:{}", m.media_id));
}

#[tokio::test]
async fn empty_or_missing_upload_fails() {
    let e = env(quiet()).await;
    let m = register(&e).await;
    assert_eq!(upload(&e, &m, b"", false).await, 204);
    assert_eq!(poll(&e, &m.media_id).await, MediaStatus::Failed);
    let never = register(&e).await;
    let mut last = MediaStatus::Registered;
    for _ in 0..4 {
        last = poll(&e, &never.media_id).await;
    }
    assert_eq!(last, MediaStatus::Failed);
    assert_eq!(
        e.post_pin(&e.token, &video_pin(&e, &m.media_id))
            .await
            .status(),
        400
    );
}
