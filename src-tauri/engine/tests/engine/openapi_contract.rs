//! The client's request bodies, as PinPace serialises them, match Pinterest's published schemas,
//! and the validator itself rejects what Pinterest would reject (so these checks can fail).

use crate::support::openapi::{assert_matches, check, request_schema, response_schema};
use pinpace_engine::pinterest::types::*;
use pinpace_engine::PinText;
use serde_json::{json, to_value};

fn pin_with(media_source: MediaSource) -> PinCreate {
    PinCreate {
        board_id: "549755885175".into(),
        board_section_id: Some("549755885176".into()),
        text: PinText {
            title: Some("Summer salad".into()),
            description: Some("Crisp and quick".into()),
            link: Some("https://example.com/salad".into()),
            alt_text: Some("A bowl of salad".into()),
        },
        dominant_color: None,
        media_source,
    }
}

#[test]
fn pin_create_bodies_match_the_spec_for_every_media_source() {
    let schema = request_schema("/pins", "post");
    let sources = vec![
        MediaSource::ImageUrl {
            url: "https://example.com/a.jpg".into(),
        },
        MediaSource::ImageBase64 {
            content_type: ImageContentType::Png,
            data: "iVBORw0KGgo=".into(),
        },
        MediaSource::MultipleImageUrls {
            items: vec![
                ImageUrlItem {
                    url: "https://example.com/1.jpg".into(),
                    title: None,
                    description: None,
                    link: None,
                },
                ImageUrlItem {
                    url: "https://example.com/2.jpg".into(),
                    title: Some("two".into()),
                    description: None,
                    link: None,
                },
            ],
            index: Some(0),
        },
        MediaSource::VideoId {
            media_id: "12345".into(),
            cover_image_url: Some("https://example.com/cover.jpg".into()),
            cover_image_content_type: None,
            cover_image_data: None,
            cover_image_key_frame_time: None,
        },
    ];
    for source in sources {
        assert_matches(&schema, &to_value(pin_with(source)).unwrap());
    }
}

#[test]
fn the_validator_rejects_what_pinterest_rejects() {
    let schema = request_schema("/pins", "post");
    let mut body = to_value(pin_with(MediaSource::ImageUrl {
        url: "https://e.com/a.jpg".into(),
    }))
    .unwrap();
    body["title"] = json!("x".repeat(limits::TITLE + 1));
    body["board_id"] = json!("my-board");
    let errors = check(&schema, &body).expect_err("too long title and a board name must fail");
    assert!(errors.len() >= 2, "{errors:?}");
}

#[test]
fn response_types_round_trip_through_the_spec() {
    let pin = Pin {
        id: "813744226420795884".into(),
        created_at: Some("2026-11-23T12:00:00Z".into()),
        board_id: "549755885175".into(),
        board_section_id: None,
        text: PinText {
            title: Some("t".into()),
            description: None,
            link: Some("https://example.com".into()),
            alt_text: None,
        },
        media: Some(PinMedia {
            media_type: Some("image".into()),
        }),
    };
    assert_matches(
        &response_schema("/pins", "post", "201"),
        &to_value(&pin).unwrap(),
    );
    let err = ApiError {
        code: 29,
        message: "trial".into(),
    };
    assert_matches(
        &response_schema("/pins", "post", "403"),
        &to_value(&err).unwrap(),
    );
    let token = TokenResponse {
        access_token: "a".into(),
        token_type: "bearer".into(),
        expires_in: 2_592_000,
        scope: "pins:write".into(),
        response_type: Some("refresh_token".into()),
        refresh_token: Some("r".into()),
        refresh_token_expires_in: Some(5_184_000),
        refresh_token_expires_at: Some(1_800_000_000),
    };
    assert_matches(
        "OauthAccessTokenResponseRefresh",
        &to_value(&token).unwrap(),
    );
    let upload = MediaUploadCreate {
        media_type: "video".into(),
    };
    assert_matches(
        &request_schema("/media", "post"),
        &to_value(&upload).unwrap(),
    );
}
