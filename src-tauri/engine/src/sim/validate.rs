//! `POST /pins` validation, as Pinterest does it: the body must parse as `PinCreate`, the text
//! fields must fit PinCreate's limits, the board must be the caller's, and the media must be what
//! it claims to be. Pure over the state, so it runs under the lock with no I/O, and every
//! refusal is a `(status, code, message)` the handler turns into Pinterest's error body.

use axum::http::StatusCode;
use base64::Engine as _;

use super::server::codes;
use super::state::SimState;
use crate::pinterest::types::{limits, ImageContentType, MediaSource, MediaStatus, PinCreate};

pub type Refusal = (StatusCode, i64, String);

/// A pin that passed every check.
#[derive(Debug)]
pub struct ValidPin {
    pub body: PinCreate,
    pub media_type: &'static str,
    pub fingerprint: String,
}

fn bad(message: impl Into<String>) -> Refusal {
    (
        StatusCode::BAD_REQUEST,
        codes::INVALID_PARAMETERS,
        message.into(),
    )
}

fn check_len(field: &str, value: &Option<String>, max: usize) -> Result<(), Refusal> {
    match value {
        Some(v) if v.chars().count() > max => Err(bad(format!(
            "Invalid parameters: {field} must be at most {max} characters."
        ))),
        _ => Ok(()),
    }
}

pub fn is_http_url(s: &str) -> bool {
    url::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .unwrap_or(false)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_url(field: &str, u: &str) -> Result<(), Refusal> {
    if is_http_url(u) {
        Ok(())
    } else {
        Err(bad(format!(
            "Invalid parameters: {field} is not a valid http(s) URL."
        )))
    }
}

/// Decodes an image and checks its bytes are the declared type.
fn check_image(field: &str, ct: ImageContentType, data: &str) -> Result<String, Refusal> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| bad(format!("Invalid parameters: {field} is not valid base64.")))?;
    let (ok, kind) = match ct {
        ImageContentType::Png => (bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "png"),
        ImageContentType::Jpeg => (bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "jpeg"),
    };
    if !ok {
        return Err(bad(format!(
            "Invalid parameters: {field} is not a {kind} image."
        )));
    }
    Ok(format!("{kind}:{}", fnv64(&bytes)))
}

/// A pin body parsed, and its base64 image checked, without the simulator's lock: a 20 MB image
/// takes tens of milliseconds to decode, and other accounts' requests must not wait for it.
pub struct ParsedPin {
    body: PinCreate,
    image: Option<String>,
}

pub fn parse_pin(raw: &[u8]) -> Result<ParsedPin, Refusal> {
    let body: PinCreate =
        serde_json::from_slice(raw).map_err(|e| bad(format!("Invalid request body: {e}")))?;
    let image = match &body.media_source {
        MediaSource::ImageBase64 { content_type, data } => {
            Some(check_image("media_source.data", *content_type, data)?)
        }
        _ => None,
    };
    Ok(ParsedPin { body, image })
}

pub fn validate_pin(st: &SimState, account: &str, parsed: ParsedPin) -> Result<ValidPin, Refusal> {
    let ParsedPin { body, image } = parsed;
    check_len("title", &body.text.title, limits::TITLE)?;
    check_len("description", &body.text.description, limits::DESCRIPTION)?;
    check_len("alt_text", &body.text.alt_text, limits::ALT_TEXT)?;
    check_len("link", &body.text.link, limits::LINK)?;
    if let Some(link) = &body.text.link {
        check_url("link", link)?;
    }
    if !is_digits(&body.board_id) {
        return Err(bad(
            "Invalid parameters: board_id must be a board id (digits), not a name.",
        ));
    }
    let board = body
        .board_id
        .parse::<u64>()
        .ok()
        .and_then(|k| st.boards.get(&k))
        .ok_or_else(|| {
            (
                StatusCode::NOT_FOUND,
                codes::BOARD_NOT_FOUND,
                "Board not found.".to_string(),
            )
        })?;
    if board.account != account {
        return Err((
            StatusCode::FORBIDDEN,
            codes::NOT_AUTHORIZED,
            "Not authorized to create pins on this board.".into(),
        ));
    }
    if let Some(section) = &body.board_section_id {
        if !board.sections.iter().any(|s| &s.id == section) {
            return Err(bad(
                "Invalid parameters: board_section_id is not a section of this board.",
            ));
        }
    }
    let (media_type, fingerprint) = match &body.media_source {
        MediaSource::ImageUrl { url } => {
            check_url("media_source.url", url)?;
            ("image", format!("url:{}", fnv64(url.as_bytes())))
        }
        MediaSource::ImageBase64 { .. } => ("image", image.unwrap_or_default()),
        MediaSource::MultipleImageUrls { items, .. } => {
            let n = items.len();
            if !(limits::MIN_CAROUSEL_ITEMS..=limits::MAX_CAROUSEL_ITEMS).contains(&n) {
                return Err(bad(format!(
                    "Invalid parameters: multiple_image_urls needs 2 to 5 items, got {n}."
                )));
            }
            for item in items {
                check_url("media_source.items.url", &item.url)?;
            }
            let joined: Vec<&str> = items.iter().map(|i| i.url.as_str()).collect();
            (
                "multiple_images",
                format!("urls:{}", fnv64(joined.join("\n").as_bytes())),
            )
        }
        MediaSource::VideoId {
            media_id,
            cover_image_url,
            cover_image_content_type,
            cover_image_data,
            ..
        } => {
            let ready = st
                .media
                .get(media_id)
                .is_some_and(|m| m.account == account && m.status == MediaStatus::Succeeded);
            if !ready {
                return Err(bad(
                    "Invalid parameters: media_id is not an uploaded video of this account \
                     that finished processing.",
                ));
            }
            match (cover_image_url, cover_image_data) {
                (Some(u), _) => check_url("media_source.cover_image_url", u)?,
                (None, Some(d)) => {
                    let ct = cover_image_content_type.unwrap_or(ImageContentType::Jpeg);
                    check_image("media_source.cover_image_data", ct, d)?;
                }
                (None, None) => return Err(bad(
                    "Invalid parameters: a video pin needs cover_image_url or cover_image_data.",
                )),
            }
            ("video", format!("video:{media_id}"))
        }
    };
    Ok(ValidPin {
        body,
        media_type,
        fingerprint,
    })
}

/// FNV-1a, 64 bits: a stable fingerprint of media bytes (not for security).
pub fn fnv64(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
