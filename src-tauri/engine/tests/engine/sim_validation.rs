//! `POST /pins` validation: each bad body gets Pinterest's status and error code and creates
//! nothing.

use crate::support::sim::*;
use pinpace_engine::sim::codes;
use serde_json::{json, Value};

#[tokio::test]
async fn bad_pins_are_refused_with_codes() {
    let e = env(quiet()).await;
    let good = pin_body(&e.board.id, "ok");
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = good.clone();
        f(&mut b);
        b
    };
    let jpeg_declared_png_sent =
        json!({"source_type": "image_base64", "content_type": "image/jpeg", "data": b64(PNG_1PX)});
    let bad = 400;
    let cases: Vec<(&str, Value, u16, i64)> = vec![
        (
            "title 101",
            with(&|b| b["title"] = "x".repeat(101).into()),
            bad,
            codes::INVALID_PARAMETERS,
        ),
        (
            "description 801",
            with(&|b| b["description"] = "x".repeat(801).into()),
            bad,
            1,
        ),
        (
            "alt_text 501",
            with(&|b| b["alt_text"] = "x".repeat(501).into()),
            bad,
            1,
        ),
        (
            "link 2049",
            with(&|b| b["link"] = format!("https://e.com/{}", "x".repeat(2040)).into()),
            bad,
            1,
        ),
        (
            "link not http",
            with(&|b| b["link"] = "ftp://example.com/x".into()),
            bad,
            1,
        ),
        (
            "link not url",
            with(&|b| b["link"] = "not a url".into()),
            bad,
            1,
        ),
        (
            "board name",
            with(&|b| b["board_id"] = "Recipes".into()),
            bad,
            1,
        ),
        (
            "unknown board",
            with(&|b| b["board_id"] = "123".into()),
            404,
            codes::BOARD_NOT_FOUND,
        ),
        (
            "someone else's board",
            with(&|b| b["board_id"] = e.other_board.id.clone().into()),
            403,
            codes::NOT_AUTHORIZED,
        ),
        (
            "section of no board",
            with(&|b| b["board_section_id"] = "42".into()),
            bad,
            1,
        ),
        (
            "base64 garbage",
            with(&|b| b["media_source"]["data"] = "@@@".into()),
            bad,
            1,
        ),
        (
            "wrong image type",
            with(&|b| b["media_source"] = jpeg_declared_png_sent.clone()),
            bad,
            1,
        ),
        (
            "image_url not url",
            with(&|b| b["media_source"] = json!({"source_type": "image_url", "url": "nope"})),
            bad,
            1,
        ),
        (
            "carousel of 1",
            with(
                &|b| b["media_source"] = json!({"source_type": "multiple_image_urls", "items": [{"url": "https://e.com/1.png"}]}),
            ),
            bad,
            1,
        ),
        (
            "carousel of 6",
            with(
                &|b| b["media_source"] = json!({"source_type": "multiple_image_urls", "items": (0..6).map(|i| json!({"url": format!("https://e.com/{i}.png")})).collect::<Vec<_>>()}),
            ),
            bad,
            1,
        ),
        (
            "unknown video",
            with(
                &|b| b["media_source"] = json!({"source_type": "video_id", "media_id": "77", "cover_image_url": "https://e.com/c.png"}),
            ),
            bad,
            1,
        ),
        (
            "unknown source type",
            with(&|b| b["media_source"] = json!({"source_type": "hologram"})),
            bad,
            1,
        ),
        (
            "no board_id",
            with(&|b| {
                b.as_object_mut().unwrap().remove("board_id");
            }),
            bad,
            1,
        ),
    ];
    for (name, body, status, code) in cases {
        let r = e.post_pin(&e.token, &body).await;
        assert_eq!(status_code(r).await, (status, code), "{name}");
    }
    // Malformed JSON.
    let r = e
        .http
        .post(e.url("/pins"))
        .bearer_auth(&e.token)
        .header("content-type", "application/json")
        .body("{\"board_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(status_code(r).await, (400, 1));
    assert!(e.sim.created_pins().is_empty());
    // Limits are inclusive; the other media kinds pass.
    let ok = [
        with(&|b| b["title"] = "é".repeat(100).into()),
        with(&|b| {
            b["media_source"] = json!({"source_type": "image_url", "url": "https://e.com/a.jpg"})
        }),
        with(
            &|b| b["media_source"] = json!({"source_type": "multiple_image_urls", "items": [{"url": "https://e.com/1.png"}, {"url": "https://e.com/2.png"}]}),
        ),
        with(
            &|b| b["media_source"] = json!({"source_type": "image_base64", "content_type": "image/jpeg", "data": b64(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10])}),
        ),
    ];
    for body in ok {
        let r = e.post_pin(&e.token, &body).await;
        assert_eq!(r.status(), 201, "{body}");
    }
}
