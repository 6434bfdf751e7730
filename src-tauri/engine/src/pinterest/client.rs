//! The API v5 client: one method per endpoint PinPace uses, each returning a `Reply` (classified
//! outcome + rate-limit signals). It never retries, sleeps or refreshes by itself: those are the
//! scheduler's decisions, taken with the whole account's state in view. Bearer tokens go only into
//! the Authorization header.
//!
//! Logging: `send` writes one `tracing` line per request once it has ended (its body read, or
//! no answer): method, path (never the query string), status or the class of transport error,
//! latency in ms, and the rate-limit headers as the server sent them (`x-ratelimit-limit`,
//! `-remaining`, `-reset`, `Retry-After`). It never writes a header other than those, a query
//! string or a body, so no token, client secret or authorization code can reach a log (they
//! travel in the Authorization header and in form bodies only). Levels: a read (GET) that
//! succeeded is `debug`, because board walks and media polls make dozens of them and they decide
//! nothing; every write, every token request and every failed answer is `info`; a request that
//! got no answer, or whose answer could not be read, is `warn`.
//!
//! Body caps: an answer is read chunk by chunk into memory up to a cap and no further (refused
//! before reading when its `Content-Length` is already over): `BODY_CAP` (4 MiB) for a single
//! object, `LISTING_BODY_CAP` (8 MiB) for a page of up to 250 items. Assumption about
//! Pinterest: no answer PinPace asks for comes near that (a page of 250 boards or pins is
//! hundreds of KB); a server that sends more is broken or hostile, and we stop reading rather
//! than hold it all. Broken in tests by the simulator's `oversized` fault. A 2xx over the cap
//! becomes `Transient { ResponseTooLarge, maybe_delivered: true }`: the server did what was
//! asked but we cannot read what it says, so a create is an unknown outcome that the scheduler
//! reconciles on the board before anything is sent again, exactly like a lost answer. A non-2xx
//! over the cap is classified by its status from the part that was read.

use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
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

/// The most of one answer's body held in memory (a single object: a pin, a token, an account).
pub const BODY_CAP: usize = 4 * 1024 * 1024;
/// The most of one listing page's body (up to 250 items of a few KB each, with room to spare).
pub const LISTING_BODY_CAP: usize = 8 * 1024 * 1024;

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

    pub fn clock(&self) -> &SharedClock {
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

    /// Sends a request and classifies the answer. `T` is the success body, at most `BODY_CAP`.
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        req: RequestBuilder,
        category: Category,
    ) -> Reply<T> {
        self.send_capped(req, category, BODY_CAP).await
    }

    /// `send` with the body read up to `cap` bytes and no further.
    pub(super) async fn send_capped<T: DeserializeOwned>(
        &self,
        req: RequestBuilder,
        category: Category,
        cap: usize,
    ) -> Reply<T> {
        let (http, built) = req.build_split();
        let log = RequestLog::of(built.as_ref().ok());
        let sent_at = self.clock.now();
        let sent = match built {
            Ok(request) => http.execute(request).await,
            Err(err) => Err(err),
        };
        let received_at = self.clock.now();
        let mut resp = match sent {
            Ok(resp) => resp,
            Err(err) => {
                log.ended(None, &HeaderMap::new(), Some(Failure::Transport(&err)));
                return Reply {
                    outcome: classify_transport(&err),
                    signals: RateLimitSignals::default(),
                    status: None,
                    sent_at,
                    received_at,
                };
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let (body, too_large) = match read_capped(&mut resp, cap).await {
            Ok(read) => read,
            Err(err) => {
                log.ended(Some(status), &headers, Some(Failure::Transport(&err)));
                return Reply {
                    outcome: classify_transport(&err),
                    signals: self.signals(&headers, None, received_at),
                    status: Some(status),
                    sent_at,
                    received_at,
                };
            }
        };
        let success = (200..300).contains(&status);
        if too_large {
            log.ended(Some(status), &headers, Some(Failure::TooLarge(cap)));
        } else {
            log.ended(Some(status), &headers, None);
        }
        let signals = self.signals(&headers, (!too_large).then_some(&body[..]), received_at);
        let outcome = if success && too_large {
            Outcome::Transient {
                reason: TransientReason::ResponseTooLarge,
                // The server said 2xx: the action happened even though we cannot read the answer.
                maybe_delivered: true,
                detail: format!(
                    "HTTP {status} with a body over the {} MiB PinPace reads (response_too_large)",
                    cap / (1024 * 1024)
                ),
            }
        } else if success {
            parse_success(status, &body)
        } else {
            classify_error(status, &body, category, &signals)
        };
        Reply {
            outcome,
            signals,
            status: Some(status),
            sent_at,
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
        self.send_capped(req, Category::OrgRead, LISTING_BODY_CAP)
            .await
    }

    pub async fn list_sections(
        &self,
        token: &Secret,
        board_id: &str,
        page: PageRequest,
    ) -> Reply<Page<BoardSection>> {
        let path = format!("boards/{}/sections", path_id(board_id));
        let req = page.apply(self.request(Method::GET, &path, token));
        self.send_capped(req, Category::OrgRead, LISTING_BODY_CAP)
            .await
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
        self.send_capped(req, Category::OrgRead, LISTING_BODY_CAP)
            .await
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

/// The body, read chunk by chunk up to `cap` bytes; `true` when there was more (then the bytes
/// are the first `cap`, or none when `Content-Length` already said it was over).
async fn read_capped(
    resp: &mut reqwest::Response,
    cap: usize,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Ok((Vec::new(), true));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > cap {
            let room = cap - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

pub(super) fn parse_success<T: DeserializeOwned>(status: u16, body: &[u8]) -> Outcome<T> {
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

/// Why a request ended without a readable answer, for its log line.
#[derive(Clone, Copy)]
enum Failure<'a> {
    Transport(&'a reqwest::Error),
    /// The body went over this many bytes; reading stopped there.
    TooLarge(usize),
}

/// One request's log line, written by `send` when the request has ended. It holds the method
/// and the path only: the query string, the other headers and the body are never read here.
struct RequestLog {
    /// `None` when the request could not even be built (a body that does not serialize).
    method: Option<Method>,
    path: String,
    started: Instant,
}

impl RequestLog {
    fn of(request: Option<&reqwest::Request>) -> Self {
        RequestLog {
            method: request.map(|r| r.method().clone()),
            path: request.map_or_else(String::new, |r| r.url().path().to_string()),
            started: Instant::now(),
        }
    }

    fn ended(&self, status: Option<u16>, headers: &HeaderMap, failure: Option<Failure<'_>>) {
        let method = self.method.as_ref().map_or("-", Method::as_str);
        let latency_ms = self.started.elapsed().as_millis() as u64;
        let error = failure.map(|f| match f {
            Failure::Transport(err) => transport_class(err),
            Failure::TooLarge(_) => "response_too_large",
        });
        // The innermost cause ("Connection refused (os error 111)"): reqwest's own message would
        // add the URL, query string included.
        let cause = failure.and_then(|f| match f {
            Failure::Transport(err) => innermost_cause(err),
            Failure::TooLarge(cap) => Some(format!("the body is over {cap} bytes; not read")),
        });
        let header = |name: &str| {
            headers.get(name).map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .chars()
                    .take(120)
                    .collect::<String>()
            })
        };
        let (limit, remaining) = (header("x-ratelimit-limit"), header("x-ratelimit-remaining"));
        let (reset, retry_after) = (header("x-ratelimit-reset"), header("retry-after"));
        macro_rules! line {
            ($level:expr) => {
                tracing::event!(
                    $level,
                    method = %method,
                    path = %self.path,
                    status,
                    error,
                    cause = cause.as_deref(),
                    latency_ms,
                    ratelimit_limit = limit.as_deref(),
                    ratelimit_remaining = remaining.as_deref(),
                    ratelimit_reset = reset.as_deref(),
                    retry_after = retry_after.as_deref(),
                    "pinterest request"
                )
            };
        }
        let answered_ok = failure.is_none() && status.is_some_and(|s| (200..300).contains(&s));
        if failure.is_some() {
            line!(tracing::Level::WARN)
        } else if answered_ok && self.method == Some(Method::GET) {
            line!(tracing::Level::DEBUG)
        } else {
            line!(tracing::Level::INFO)
        }
    }
}

/// The class of a failure to get (or read) an answer, for the log.
fn transport_class(err: &reqwest::Error) -> &'static str {
    if err.is_connect() && err.is_timeout() {
        "connect_timeout"
    } else if err.is_connect() {
        "connect"
    } else if err.is_timeout() {
        "timeout"
    } else if err.is_body() || err.is_decode() {
        "body"
    } else if err.is_builder() {
        "builder"
    } else if err.is_redirect() {
        "redirect"
    } else if err.is_request() {
        "request"
    } else {
        "other"
    }
}

fn innermost_cause(err: &reqwest::Error) -> Option<String> {
    let mut cause = std::error::Error::source(err)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}
