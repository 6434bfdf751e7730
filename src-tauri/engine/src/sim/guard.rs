//! Who may talk to the simulator. Binding loopback keeps other machines out, but not a web page
//! in the user's own browser: a page can send `POST /_sim/...` blind (`no-cors`), and a page
//! whose name was re-bound to 127.0.0.1 (DNS rebinding) can read the answers. So:
//!
//! - every route (the `/v5` API, the OAuth pages, the media upload, `/_sim`) needs a `Host` that
//!   names this server: `127.0.0.1`, `localhost` or `[::1]` at the simulator's own port. A
//!   rebinding page's requests carry its own name (`Host: evil.example:PORT`) and are refused;
//!   the tokens and pins are fake, but nothing is gained by letting a page read them, and every
//!   legitimate caller (the app, the tests, a browser on the OAuth page) uses a loopback address.
//! - `/_sim` also needs an `Origin` that is absent (curl, scripts, the tests) or this server's own
//!   (`http://127.0.0.1:PORT` and its two other names), and the admin key of this start in
//!   `X-Sim-Key`. The key is random at each start unless the config names one; the app drives
//!   its built-in simulator through `SimHandle` and never needs it; `pinpace-sim` prints it.
//!
//! The OAuth pages and `/v5` take any Origin: a cross-site form can only reach them blind, and
//! `/v5` wants a bearer token a page does not have. Refusals are 403 (Host, Origin) or 401 (key)
//! with the usual `{code, message}` body and a `warn`; they change nothing and are not counted.
//! The key is compared in constant time (`subtle`) and never logged.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use rand::Rng;
use subtle::ConstantTimeEq;

use super::server::{codes, error, App};

/// The header that carries the admin key on `/_sim` requests.
pub const ADMIN_KEY_HEADER: &str = "x-sim-key";

/// A fresh admin key: 32 bytes from the OS-seeded generator (never the config's seeded one,
/// which makes runs repeatable and so would make the key guessable), base64url.
pub fn new_admin_key() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A key given by the config or a flag must be sendable as a header: visible ASCII, no spaces.
pub fn check_admin_key(key: &str) -> Result<(), &'static str> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the simulator's admin key must be visible ASCII without spaces, not empty");
    }
    Ok(())
}

fn loopback_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host == "127.0.0.1" || host.eq_ignore_ascii_case("localhost") || host == "[::1]"
}

/// `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` (the port may be left out only at 80).
pub fn host_allowed(host: &str, port: u16) -> bool {
    let Ok(authority) = host.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    // No user info: `Host: 127.0.0.1:1@evil.example` is not a loopback name.
    if authority.as_str().contains('@') {
        return false;
    }
    loopback_name(authority.host()) && authority.port_u16().unwrap_or(80) == port
}

/// `http://` and a loopback name at this port, nothing else (no path, no `null`).
pub fn origin_allowed(origin: &str, port: u16) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    let host = match url.host() {
        Some(url::Host::Ipv6(ip)) => format!("[{ip}]"),
        Some(h) => h.to_string(),
        None => return false,
    };
    url.scheme() == "http"
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && loopback_name(&host)
        && url.port_or_known_default() == Some(port)
}

/// Exactly one header `name`, as text; `Err` if there are several or it is not text.
fn single<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Result<Option<&'a str>, ()> {
    let mut all = headers.get_all(name).iter();
    match (all.next(), all.next()) {
        (None, _) => Ok(None),
        (Some(v), None) => v.to_str().map(Some).map_err(|_| ()),
        _ => Err(()),
    }
}

/// Why a request's Host is refused, if it is.
fn host_problem(headers: &HeaderMap, uri: &Uri, port: u16) -> Option<&'static str> {
    // An absolute-form target (`GET http://evil.example/...`) names a host too.
    if let Some(a) = uri.authority() {
        if !host_allowed(a.as_str(), port) {
            return Some("the request target names another host");
        }
    }
    match single(headers, &header::HOST) {
        Ok(Some(h)) if host_allowed(h, port) => None,
        Ok(Some(_)) => Some("the Host is not this loopback server"),
        Ok(None) => Some("the request has no Host"),
        Err(()) => Some("the Host is repeated or not text"),
    }
}

fn refuse(status: StatusCode, code: i64, req: &Request, why: &str, message: &str) -> Response {
    // Host and Origin are the caller's own words, not secrets; the key is never written.
    tracing::warn!(
        method = %req.method(),
        path = req.uri().path(),
        host = ?req.headers().get(header::HOST),
        origin = ?req.headers().get(header::ORIGIN),
        status = status.as_u16(),
        why,
        "the simulator refused a request"
    );
    error(status, code, message)
}

/// Every route: the Host must name this loopback server (against DNS rebinding).
pub async fn loopback_host(State(app): State<App>, req: Request, next: Next) -> Response {
    if let Some(why) = host_problem(req.headers(), req.uri(), app.port) {
        return refuse(
            StatusCode::FORBIDDEN,
            codes::FOREIGN_HOST,
            &req,
            why,
            &format!(
                "This simulator answers only to 127.0.0.1:{p}, localhost:{p} or [::1]:{p}.",
                p = app.port
            ),
        );
    }
    next.run(req).await
}

/// `/_sim`: no foreign Origin, and this start's admin key.
pub async fn admin(State(app): State<App>, req: Request, next: Next) -> Response {
    match single(req.headers(), &header::ORIGIN) {
        Ok(None) => {}
        Ok(Some(o)) if origin_allowed(o, app.port) => {}
        _ => {
            return refuse(
                StatusCode::FORBIDDEN,
                codes::FOREIGN_ORIGIN,
                &req,
                "a foreign Origin",
                "The simulator's admin API takes no requests from web pages.",
            )
        }
    }
    let given = req.headers().get(ADMIN_KEY_HEADER).map(|v| v.as_bytes());
    let expected = app.admin_key.expose().as_bytes();
    match given {
        None => refuse(
            StatusCode::UNAUTHORIZED,
            codes::ADMIN_KEY_MISSING,
            &req,
            "no admin key",
            "The simulator's admin API needs its key in the X-Sim-Key header \
             (pinpace-sim prints it at start).",
        ),
        Some(g) if !bool::from(g.ct_eq(expected)) => refuse(
            StatusCode::UNAUTHORIZED,
            codes::ADMIN_KEY_WRONG,
            &req,
            "a wrong admin key",
            "The X-Sim-Key header does not hold this simulator's admin key.",
        ),
        Some(_) => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_names_at_our_port_are_our_host() {
        for ok in [
            "127.0.0.1:8787",
            "localhost:8787",
            "LocalHost:8787",
            "localhost.:8787",
            "[::1]:8787",
        ] {
            assert!(host_allowed(ok, 8787), "{ok} refused");
        }
        for bad in [
            "evil.example:8787",
            "127.0.0.1:8788",
            "127.0.0.1",
            "localhost.evil.example:8787",
            "127.0.0.1.evil.example:8787",
            "127.0.0.2:8787",
            "0.0.0.0:8787",
            "user@127.0.0.1:8787",
            "",
            "127.0.0.1:8787/path",
        ] {
            assert!(!host_allowed(bad, 8787), "{bad} accepted");
        }
        assert!(host_allowed("127.0.0.1", 80));
    }

    #[test]
    fn only_our_own_origin_is_not_foreign() {
        for ok in [
            "http://127.0.0.1:8787",
            "http://localhost:8787",
            "http://[::1]:8787",
        ] {
            assert!(origin_allowed(ok, 8787), "{ok} refused");
        }
        for bad in [
            "null",
            "https://evil.example",
            "http://evil.example:8787",
            "https://127.0.0.1:8787",
            "http://127.0.0.1:8788",
            "http://127.0.0.1",
            "http://localhost.evil.example:8787",
            "tauri://localhost",
            "",
        ] {
            assert!(!origin_allowed(bad, 8787), "{bad} accepted");
        }
    }

    #[test]
    fn keys_differ_from_start_to_start() {
        let (a, b) = (new_admin_key(), new_admin_key());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
    }
}
