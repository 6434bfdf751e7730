//! The video flow: register an upload, post the file to the returned URL with the returned form
//! fields (the upload URL is not Pinterest's API, so no bearer token goes there), then poll the
//! media's status until Pinterest has processed it.

use std::time::Duration;

use reqwest::multipart::{Form, Part};

use super::client::PinterestClient;
use super::outcome::{Outcome, Reply};
use super::secret::Secret;
use super::types::{Category, MediaDetails, MediaStatus, MediaUpload};

impl PinterestClient {
    /// Posts `bytes` to the upload URL of a registered media upload.
    pub async fn upload_media(
        &self,
        upload: &MediaUpload,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Reply<()> {
        let Some(url) = upload.upload_url.as_deref() else {
            let now = self.clock().now();
            return Reply {
                outcome: Outcome::Terminal {
                    status: 0,
                    code: None,
                    message: "the media registration has no upload URL".into(),
                },
                signals: Default::default(),
                status: None,
                sent_at: now,
                received_at: now,
            };
        };
        let mut form = Form::new();
        for (k, v) in &upload.upload_parameters {
            form = form.text(k.clone(), v.clone());
        }
        form = form.part("file", Part::bytes(bytes).file_name(file_name.to_string()));
        let req = self.http().post(url).multipart(form);
        self.send::<serde_json::Value>(req, Category::OrgWrite)
            .await
            .map(|_| ())
    }

    /// Polls `GET /media/{id}` every `interval` (of the client's clock) until the media has
    /// succeeded or failed, or `max_polls` polls were made. Returns the last reply.
    pub async fn wait_for_media(
        &self,
        token: &Secret,
        media_id: &str,
        interval: Duration,
        max_polls: u32,
    ) -> Reply<MediaDetails> {
        let mut last = self.media_status(token, media_id).await;
        for _ in 1..max_polls {
            match &last.outcome {
                Outcome::Success(d)
                    if matches!(d.status, MediaStatus::Registered | MediaStatus::Processing) => {}
                _ => break,
            }
            self.clock().sleep(interval).await;
            last = self.media_status(token, media_id).await;
        }
        last
    }
}
