//! Pinterest API v5 request and response bodies, as serde types, following
//! `pinterest-v5-openapi.yaml` (release 5.23.0): only what PinPace uses. Optional fields are
//! skipped when absent rather than sent as `null`, the way Pinterest's own examples do it; the
//! simulator serialises the same types, and its tests validate them against the spec's schemas.
//! A pin's four text fields are a flattened `PinText` (whose rules use `limits`), serialised with
//! `PinText::serialize_present` so that the JSON is the spec's, field for field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::pin_text::PinText;

/// Pinterest's field limits for a pin (PinCreate in the spec); `PinText` checks the text ones.
pub mod limits {
    pub const TITLE: usize = 100;
    pub const DESCRIPTION: usize = 800;
    pub const LINK: usize = 2048;
    pub const ALT_TEXT: usize = 500;
    /// `page_size` accepted by list endpoints.
    pub const MAX_PAGE_SIZE: u32 = 250;
    /// Items in a `multiple_image_urls` media source.
    pub const MIN_CAROUSEL_ITEMS: usize = 2;
    pub const MAX_CAROUSEL_ITEMS: usize = 5;
}

/// `POST /pins` body.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinCreate {
    pub board_id: String,
    #[serde(default)]
    pub board_section_id: Option<String>,
    /// `title`, `description`, `link`, `alt_text`, at the top level; absent ones left out.
    #[serde(flatten, serialize_with = "PinText::serialize_present")]
    pub text: PinText,
    #[serde(default)]
    pub dominant_color: Option<String>,
    pub media_source: MediaSource,
}

/// `PinMediaSource`: the variants PinPace sends.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source_type", rename_all = "snake_case")]
pub enum MediaSource {
    ImageUrl {
        url: String,
    },
    ImageBase64 {
        content_type: ImageContentType,
        data: String,
    },
    MultipleImageUrls {
        items: Vec<ImageUrlItem>,
        #[serde(default)]
        index: Option<u32>,
    },
    VideoId {
        media_id: String,
        #[serde(default)]
        cover_image_url: Option<String>,
        #[serde(default)]
        cover_image_content_type: Option<ImageContentType>,
        #[serde(default)]
        cover_image_data: Option<String>,
        #[serde(default)]
        cover_image_key_frame_time: Option<u32>,
    },
}

/// `ContentType` in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImageContentType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
}

impl ImageContentType {
    /// The file extension PinPace stores this kind of image under.
    pub fn extension(self) -> &'static str {
        match self {
            ImageContentType::Jpeg => "jpg",
            ImageContentType::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ImageContentType::Jpeg => "image/jpeg",
            ImageContentType::Png => "image/png",
        }
    }
}

/// `PinMediaSourceImagesURLItem`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageUrlItem {
    pub url: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
}

/// A pin as Pinterest returns it (`Pin`), with the fields PinPace reads.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    pub id: String,
    #[serde(default)]
    pub created_at: Option<String>,
    pub board_id: String,
    #[serde(default)]
    pub board_section_id: Option<String>,
    /// `title`, `description`, `link`, `alt_text`, at the top level; absent ones left out.
    #[serde(flatten, serialize_with = "PinText::serialize_present")]
    pub text: PinText,
    #[serde(default)]
    pub media: Option<PinMedia>,
}

/// `PinMedia` (the part PinPace reads: which kind of media the pin holds).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PinMedia {
    #[serde(default)]
    pub media_type: Option<String>,
}

/// `Board`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub privacy: Option<String>,
}

impl Board {
    /// A board with only its id and name (what a cached list and most tests need).
    pub fn named(id: impl Into<String>, name: impl Into<String>) -> Board {
        Board {
            id: id.into(),
            name: name.into(),
            description: None,
            privacy: None,
        }
    }
}

/// `BoardSection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardSection {
    pub id: String,
    pub name: String,
}

/// `Paginated`: one page of a list and the bookmark of the next, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub bookmark: Option<String>,
}

/// `Account` (`GET /user_account`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserAccount {
    #[serde(default)]
    pub id: Option<String>,
    pub username: String,
    #[serde(default)]
    pub account_type: Option<String>,
    #[serde(default)]
    pub business_name: Option<String>,
}

/// `Error`: Pinterest's error body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: i64,
    pub message: String,
}

/// `OauthAccessTokenResponse` and its code/refresh variants. `Debug` is written by hand so that
/// tokens never reach a log.
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: i64,
    pub scope: String,
    #[serde(default)]
    pub response_type: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub refresh_token_expires_in: Option<i64>,
    #[serde(default)]
    pub refresh_token_expires_at: Option<i64>,
}

impl TokenResponse {
    /// The longest lifetime an answer may claim (Pinterest's tokens live 30 days, refresh
    /// tokens a year): `expires_in` is the server's number, and `now + i64::MAX s` panics.
    pub const LONGEST_LIFETIME_SECS: i64 = 10 * 365 * 86_400;

    /// When the access token expires: `expires_in` after `now`, clamped to 0..=10 years.
    pub fn expires_at(&self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        let secs = self.expires_in.clamp(0, Self::LONGEST_LIFETIME_SECS);
        // Safe: at most ten years, and `now` is a clock reading, not a far-future date.
        now + chrono::TimeDelta::seconds(secs)
    }
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("response_type", &self.response_type)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("refresh_token_expires_in", &self.refresh_token_expires_in)
            .field("refresh_token_expires_at", &self.refresh_token_expires_at)
            .finish()
    }
}

/// `MediaUploadCreate` (`POST /media`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaUploadCreate {
    pub media_type: String,
}

/// `MediaUpload`: a registered upload and where to post the file.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaUpload {
    pub media_id: String,
    pub media_type: String,
    #[serde(default)]
    pub upload_url: Option<String>,
    #[serde(default)]
    pub upload_parameters: BTreeMap<String, String>,
}

/// `MediaUploadStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaStatus {
    Registered,
    Processing,
    Succeeded,
    Failed,
}

/// `Media` (`GET /media/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaDetails {
    pub media_id: String,
    pub media_type: String,
    pub status: MediaStatus,
}

/// Pinterest's rate-limit categories (`x-ratelimit-category` of each operation).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ts_rs::TS,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(export)]
pub enum Category {
    OrgRead,
    OrgWrite,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_source_uses_pinterest_tags() {
        let m = MediaSource::ImageBase64 {
            content_type: ImageContentType::Png,
            data: "AAAA".into(),
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["source_type"], "image_base64");
        assert_eq!(v["content_type"], "image/png");
    }

    #[test]
    fn token_debug_hides_secrets() {
        let t = TokenResponse {
            access_token: "pina_SECRET1".into(),
            token_type: "bearer".into(),
            expires_in: 3600,
            scope: "pins:write".into(),
            response_type: None,
            refresh_token: Some("pinr_SECRET2".into()),
            refresh_token_expires_in: None,
            refresh_token_expires_at: None,
        };
        let s = format!("{t:?}");
        assert!(!s.contains("SECRET"), "{s}");
    }
}
