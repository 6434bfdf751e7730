//! Video uploads, in Pinterest's three steps: `POST /v5/media` registers an upload and hands out
//! an upload URL with form fields (here pointing back at the simulator, standing in for the
//! storage bucket), the client posts the file there as multipart with those fields, and
//! `GET /v5/media/{id}` is polled: `registered` until the file arrives, `processing` for a
//! configured number of polls, then `succeeded` (or `failed` for an empty or missing file).
//! The multipart body is parsed by hand: we only need named fields, not a streaming parser.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::server::{codes, error, App, AuthAccount};
use super::state::MediaRec;
use crate::pinterest::types::{MediaDetails, MediaStatus, MediaUpload, MediaUploadCreate};

/// Path of the upload endpoint (outside `/v5`: no bearer token, like a storage bucket).
pub const UPLOAD_PATH: &str = "/media-upload/";

pub async fn register(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    body: Bytes,
) -> Response {
    let Ok(req) = serde_json::from_slice::<MediaUploadCreate>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            codes::INVALID_PARAMETERS,
            "Invalid request body.",
        );
    };
    if req.media_type != "video" {
        return error(
            StatusCode::BAD_REQUEST,
            codes::INVALID_PARAMETERS,
            "Invalid parameters: media_type must be video.",
        );
    }
    let mut st = app.lock();
    let id = st.next_id().to_string();
    let key = format!("uploads/{}/{id}", a.0);
    let signature = st.secret("");
    let policy = st.secret("");
    st.media.insert(
        id.clone(),
        MediaRec {
            account: a.0.clone(),
            key: key.clone(),
            signature: signature.clone(),
            uploaded_bytes: None,
            polls: 0,
            status: MediaStatus::Registered,
        },
    );
    let mut params = BTreeMap::new();
    params.insert("key".to_string(), key);
    params.insert("policy".to_string(), policy);
    params.insert(
        "x-amz-algorithm".to_string(),
        "AWS4-HMAC-SHA256".to_string(),
    );
    params.insert("x-amz-signature".to_string(), signature);
    let upload = MediaUpload {
        media_id: id,
        media_type: "video".into(),
        upload_url: Some(format!("{}{UPLOAD_PATH}", app.root)),
        upload_parameters: params,
    };
    (StatusCode::CREATED, Json(upload)).into_response()
}

pub async fn status(
    State(app): State<App>,
    Extension(a): Extension<AuthAccount>,
    Path(id): Path<String>,
) -> Response {
    let mut st = app.lock();
    let polls_needed = st.config.media_processing_polls;
    let Some(m) = st.media.get_mut(&id).filter(|m| m.account == a.0) else {
        return error(
            StatusCode::NOT_FOUND,
            codes::MEDIA_NOT_FOUND,
            "Media not found.",
        );
    };
    if matches!(m.status, MediaStatus::Registered | MediaStatus::Processing) {
        m.polls += 1;
        m.status = match m.uploaded_bytes {
            Some(0) => MediaStatus::Failed,
            Some(_) if m.polls > polls_needed => MediaStatus::Succeeded,
            Some(_) => MediaStatus::Processing,
            // Never uploaded: give the client as long as processing would take, then fail.
            None if m.polls > polls_needed + 1 => MediaStatus::Failed,
            None => MediaStatus::Registered,
        };
    }
    Json(MediaDetails {
        media_id: id,
        media_type: "video".into(),
        status: m.status,
    })
    .into_response()
}

/// Named parts of a `multipart/form-data` body.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Option<BTreeMap<String, Vec<u8>>> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    let delim = format!("--{boundary}").into_bytes();
    let mut parts = BTreeMap::new();
    let mut pos = find(body, &delim, 0)? + delim.len();
    loop {
        if body[pos..].starts_with(b"--") {
            return Some(parts);
        }
        let start = pos + 2; // CRLF after the delimiter
        let end = find(body, &delim, start)?;
        let part = body.get(start..end.checked_sub(2)?)?; // CRLF before the next delimiter
        let split = find(part, b"\r\n\r\n", 0)?;
        let head = String::from_utf8_lossy(&part[..split]);
        let name = head
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("name="))
            .map(|n| {
                n.split("\r\n")
                    .next()
                    .unwrap_or(n)
                    .trim_matches('"')
                    .to_string()
            })?;
        parts.insert(name, part[split + 4..].to_vec());
        pos = end + delim.len();
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The upload itself: form fields must be the ones handed out; `file` holds the video.
pub async fn upload(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(parts) = parse_multipart(ct, &body) else {
        return (
            StatusCode::BAD_REQUEST,
            "expected a multipart/form-data body",
        )
            .into_response();
    };
    let field = |k: &str| parts.get(k).map(|v| String::from_utf8_lossy(v).to_string());
    let mut st = app.lock();
    let key = field("key").unwrap_or_default();
    let Some(m) = st.media.values_mut().find(|m| m.key == key) else {
        return (StatusCode::FORBIDDEN, "unknown upload key").into_response();
    };
    if field("x-amz-signature").as_deref() != Some(m.signature.as_str()) {
        return (StatusCode::FORBIDDEN, "signature does not match").into_response();
    }
    let Some(file) = parts.get("file") else {
        return (StatusCode::BAD_REQUEST, "missing file field").into_response();
    };
    m.uploaded_bytes = Some(file.len());
    m.polls = 0; // processing is counted from the upload on
    StatusCode::NO_CONTENT.into_response()
}
