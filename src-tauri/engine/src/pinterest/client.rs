//! The API v5 client: one method per endpoint PinPace uses, each returning a `Reply` (classified
//! outcome + rate-limit signals). It never retries, sleeps or refreshes by itself: those are the
//! scheduler's decisions, taken with the whole account's state in view. Bearer tokens go only into
//! the Authorization header; nothing here logs.

use std::time::Duration;

use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use url::Url;

use super::outcome::{classify_error, classify_transport, Outcome, Reply, TransientReason};
use super::ratelimit::RateLimitSignals;
use super::secret::Secret;
use super::server_clock::ServerClock;
use super::types::*;
use crate::clock::SharedClock;

/// How long a single request may take before it counts as a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct PinterestClient {
    http: reqwest::Client,
    base: Url,
    clock: SharedClock,
    /// The server's clock against ours, learned from every answer (see `server_clock`).
    server_clock: ServerClock,
}

impl PinterestClient {
    /// `base` is the API root (see `Environment::api_base`), ending in `/`.
    pub fn new(base: Url, clock: SharedClock) -> Self {
        Self::with_timeouts(base, clock, REQUEST_TIMEOUT, CONNECT_TIMEOUT)
    }

    pub fn with_timeouts(
        base: Url,
        clock: SharedClock,
        request: Duration,
        connect: Duration,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(request)
            .connect_timeout(connect)
            .user_agent(concat!("PinPace/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend is compiled in");
        PinterestClient {
            http,
            base,
            clock,
            server_clock: ServerClock::default(),
        }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// Now, by the clock this client was given.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// What this client learned of the server's clock.
    pub fn server_clock(&self) -> &ServerClock {
        &self.server_clock
    }

    /// Signals anchored on the server's own time of the answer, then moved onto our clock: an
    /// HTTP-date `Retry-After` or an epoch reset from a server whose clock is off still ends
    /// when the server means (relative times are unchanged by the round trip).
    fn signals(
        &self,
        headers: &reqwest::header::HeaderMap,
        body: Option<&[u8]>,
        received_at: chrono::DateTime<chrono::Utc>,
    ) -> RateLimitSignals {
        let anchor = self.server_clock.observe(headers, received_at);
        let at = anchor.unwrap_or(received_at);
        RateLimitSignals::parse(headers, body, at).shifted(received_at - at)
    }

    pub(super) fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub(super) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn url(&self, path: &str) -> Url {
        // Paths are our own constants plus digit ids, so joining cannot fail.
        self.base.join(path).expect("valid API path")
    }

    fn request(&self, method: Method, path: &str, token: &Secret) -> RequestBuilder {
        self.http
            .request(method, self.url(path))
            .bearer_auth(token.expose())
    }

    /// Sends a request and classifies the answer. `T` is the success body.
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        req: RequestBuilder,
        category: Category,
    ) -> Reply<T> {
        let sent = req.send().await;
        let received_at = self.clock.now();
        let resp = match sent {
            Ok(resp) => resp,
            Err(err) => {
                return Reply {
                    outcome: classify_transport(&err),
                    signals: RateLimitSignals::default(),
                    status: None,
                    received_at,
                }
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(err) => {
                return Reply {
                    outcome: classify_transport(&err),
                    signals: self.signals(&headers, None, received_at),
                    status: Some(status),
                    received_at,
                }
            }
        };
        let signals = self.signals(&headers, Some(&body), received_at);
        let outcome = if (200..300).contains(&status) {
            parse_success(status, &body)
        } else {
            classify_error(status, &body, category, &signals)
        };
        Reply {
            outcome,
            signals,
            status: Some(status),
            received_at,
        }
    }

    pub async fn user_account(&self, token: &Secret) -> Reply<UserAccount> {
        self.send(
            self.request(Method::GET, "user_account", token),
            Category::OrgRead,
        )
        .await
    }

    pub async fn list_boards(&self, token: &Secret, page: PageRequest) -> Reply<Page<Board>> {
        let req = page.apply(self.request(Method::GET, "boards", token));
        self.send(req, Category::OrgRead).await
    }

    pub async fn list_sections(
        &self,
        token: &Secret,
        board_id: &str,
        page: PageRequest,
    ) -> Reply<Page<BoardSection>> {
        let path = format!("boards/{}/sections", path_id(board_id));
        let req = page.apply(self.request(Method::GET, &path, token));
        self.send(req, Category::OrgRead).await
    }

    /// The board's pins, newest first: what crash reconciliation compares against.
    pub async fn list_board_pins(
        &self,
        token: &Secret,
        board_id: &str,
        page: PageRequest,
    ) -> Reply<Page<Pin>> {
        let path = format!("boards/{}/pins", path_id(board_id));
        let req = page.apply(self.request(Method::GET, &path, token));
        self.send(req, Category::OrgRead).await
    }

    pub async fn create_pin(&self, token: &Secret, pin: &PinCreate) -> Reply<Pin> {
        let req = self.request(Method::POST, "pins", token).json(pin);
        self.send(req, Category::OrgWrite).await
    }

    pub async fn get_pin(&self, token: &Secret, pin_id: &str) -> Reply<Pin> {
        let path = format!("pins/{}", path_id(pin_id));
        self.send(self.request(Method::GET, &path, token), Category::OrgRead)
            .await
    }

    pub async fn delete_pin(&self, token: &Secret, pin_id: &str) -> Reply<()> {
        let path = format!("pins/{}", path_id(pin_id));
        self.send::<Empty>(
            self.request(Method::DELETE, &path, token),
            Category::OrgWrite,
        )
        .await
        .map(|_| ())
    }

    /// Registers a video upload (`POST /media`).
    pub async fn register_media(&self, token: &Secret) -> Reply<MediaUpload> {
        let body = MediaUploadCreate {
            media_type: "video".into(),
        };
        let req = self.request(Method::POST, "media", token).json(&body);
        self.send(req, Category::OrgWrite).await
    }

    pub async fn media_status(&self, token: &Secret, media_id: &str) -> Reply<MediaDetails> {
        let path = format!("media/{}", path_id(media_id));
        self.send(self.request(Method::GET, &path, token), Category::OrgRead)
            .await
    }
}

/// Paging parameters for list endpoints (`bookmark`, `page_size` ≤ 250).
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub bookmark: Option<String>,
    pub page_size: Option<u32>,
}

impl PageRequest {
    fn apply(self, req: RequestBuilder) -> RequestBuilder {
        let mut req = req;
        if let Some(size) = self.page_size {
            req = req.query(&[("page_size", size.min(limits::MAX_PAGE_SIZE))]);
        }
        if let Some(b) = &self.bookmark {
            req = req.query(&[("bookmark", b)]);
        }
        req
    }
}

/// Ids go into paths; anything but digits is percent-encoded so it cannot change the path.
fn path_id(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// Success body of endpoints that return nothing (204).
#[derive(Debug, serde::Deserialize)]
struct Empty {}

fn parse_success<T: DeserializeOwned>(status: u16, body: &[u8]) -> Outcome<T> {
    // A 204 has no body; treat it as JSON `null`/`{}` for the `Empty` case.
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    match serde_json::from_slice(body) {
        Ok(v) => Outcome::Success(v),
        Err(e) => Outcome::Transient {
            reason: TransientReason::MalformedBody,
            // The server said 2xx: the action happened even though we cannot read the answer.
            maybe_delivered: true,
            detail: format!("HTTP {status} with a body that is not the expected JSON: {e}"),
        },
    }
}
