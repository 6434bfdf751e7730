//! `pinpace-media://localhost/<sha256>`: the images PinPace stored for local-file pins, served to
//! the queue and calendar as thumbnails. A URI scheme rather than the asset protocol because the
//! asset protocol serves any path its scope allows, while this answers only for hashes the media
//! table knows, resolved by the store into its own directory; the page gets no file access.
//! Files are read on Tauri's async runtime, never on the UI thread.

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::AppState;

pub const SCHEME: &str = "pinpace-media";

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let sha = request.uri().path().trim_start_matches('/').to_string();
    tauri::async_runtime::spawn(async move {
        let found = app
            .try_state::<AppState>()
            .and_then(|s| s.with_store(|store| store.media_file(&sha)).ok())
            .and_then(Result::ok)
            .flatten();
        let response = match found {
            Some((path, ct)) => match tokio::fs::read(&path).await {
                Ok(bytes) => Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, ct.mime())
                    .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
                    .body(bytes),
                Err(_) => not_found(),
            },
            None => not_found(),
        };
        responder.respond(response.unwrap_or_else(|_| Response::new(Vec::new())));
    });
}

fn not_found() -> Result<Response<Vec<u8>>, tauri::http::Error> {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .body(Vec::new())
}
