//! Where an account's API lives. Production and Pinterest's sandbox have fixed addresses; the
//! built-in simulator and custom deployments are given a base URL. The authorize page is on
//! www.pinterest.com for both real environments and on the simulator's own host for it.
//!
//! A custom server is sent an app's client secret and then an account's tokens (issue 16 item
//! 5), so its base URL is checked in one place, `custom`, by every front that accepts one (the
//! connect command, the CLI, the store when an account is added): https anywhere, plain http
//! only to this machine (127.0.0.0/8, ::1, localhost), where nothing crosses a network. Its app
//! credentials are its own, named by the base URL's origin (`app_origin`), never Pinterest's.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::{Host, Url};

use crate::error::{EngineError, ErrorCode};

pub const PRODUCTION_API: &str = "https://api.pinterest.com/v5";
pub const SANDBOX_API: &str = "https://api-sandbox.pinterest.com/v5";
pub const PINTEREST_AUTHORIZE: &str = "https://www.pinterest.com/oauth/";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Environment {
    Production,
    Sandbox,
    /// PinPace's built-in simulator at this base (e.g. `http://127.0.0.1:8787/v5`).
    Simulator {
        base_url: String,
    },
    /// Any other server speaking API v5.
    Custom {
        base_url: String,
    },
}

/// Whether `url`'s host is this machine: 127.0.0.0/8, ::1 or `localhost`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks a custom server's base URL: an https URL anywhere, or http on loopback only. Every
/// place a custom base URL enters calls this; the message never quotes the URL (it may hold
/// credentials), only its scheme.
pub fn check_custom_base_url(raw: &str) -> Result<Url, EngineError> {
    let bad = |m: String| EngineError::new(ErrorCode::InvalidInput, m);
    let url = Url::parse(raw.trim()).map_err(|e| {
        bad(format!(
            "the custom server's base URL is not a URL ({e}); e.g. https://pinterest.example.com/v5"
        ))
    })?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(bad(
            "a custom server's base URL must use https://: it is sent your app's client secret \
             and the account's tokens, which plain http:// would carry unencrypted. Plain \
             http:// is allowed only on this computer (127.0.0.1, ::1, localhost)"
                .into(),
        )),
        other => Err(bad(format!(
            "the custom server's base URL must start with https:// (not {other}://)"
        ))),
    }
}

impl Environment {
    /// A custom server's environment, if `base_url` passes `check_custom_base_url`.
    pub fn custom(base_url: &str) -> Result<Environment, EngineError> {
        check_custom_base_url(base_url)?;
        Ok(Environment::Custom {
            base_url: base_url.trim().to_string(),
        })
    }

    /// Refuses an environment a secret must not be sent to: today, a custom server whose base
    /// URL fails `check_custom_base_url` (one saved before the check existed). The others pass.
    pub fn check(&self) -> Result<(), EngineError> {
        match self {
            Environment::Custom { base_url } => check_custom_base_url(base_url).map(|_| ()),
            _ => Ok(()),
        }
    }

    /// The origin (`https://host[:port]`) a custom server's own app credentials are kept
    /// under; `None` for Pinterest's environments and the simulator, which use the Pinterest
    /// app's. Only for a base URL that parses.
    pub fn app_origin(&self) -> Option<String> {
        match self {
            Environment::Custom { base_url } => Url::parse(base_url.trim())
                .ok()
                .map(|u| u.origin().ascii_serialization()),
            _ => None,
        }
    }

    /// The API base, always ending in `/` so relative paths join under it.
    pub fn api_base(&self) -> Result<Url, url::ParseError> {
        let raw = match self {
            Environment::Production => PRODUCTION_API,
            Environment::Sandbox => SANDBOX_API,
            Environment::Simulator { base_url } | Environment::Custom { base_url } => base_url,
        };
        let mut url = Url::parse(raw)?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(url)
    }

    /// The OAuth authorize page for this environment.
    pub fn authorize_url(&self) -> Result<Url, url::ParseError> {
        match self {
            Environment::Production | Environment::Sandbox => Url::parse(PINTEREST_AUTHORIZE),
            Environment::Simulator { .. } | Environment::Custom { .. } => {
                self.api_base()?.join("/oauth/")
            }
        }
    }

    pub fn token_url(&self) -> Result<Url, url::ParseError> {
        self.api_base()?.join("oauth/token")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_end_with_slash_and_join_paths() {
        let sim = Environment::Simulator {
            base_url: "http://127.0.0.1:9/v5".into(),
        };
        assert_eq!(
            sim.api_base().unwrap().join("pins").unwrap().as_str(),
            "http://127.0.0.1:9/v5/pins"
        );
        assert_eq!(
            sim.authorize_url().unwrap().as_str(),
            "http://127.0.0.1:9/oauth/"
        );
        assert_eq!(
            Environment::Production.token_url().unwrap().as_str(),
            "https://api.pinterest.com/v5/oauth/token"
        );
        assert_eq!(
            Environment::Sandbox.api_base().unwrap().as_str(),
            "https://api-sandbox.pinterest.com/v5/"
        );
    }

    #[test]
    fn a_custom_server_takes_https_anywhere_and_plain_http_only_on_loopback() {
        for ok in [
            "https://pinterest.example.com/v5",
            "https://10.0.0.7:8443/v5",
            "http://127.0.0.1:8787/v5",
            "http://127.8.9.10/v5",
            "http://[::1]:8787/v5",
            "http://localhost:8787/v5",
            "http://LOCALHOST/v5",
            "  https://example.com/v5  ",
        ] {
            let env = Environment::custom(ok).unwrap_or_else(|e| panic!("{ok}: {}", e.message));
            assert!(env.check().is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/v5",
            "http://10.0.0.7:8787/v5",
            "http://192.168.1.2/v5",
            "http://[::2]/v5",
            "http://localhost.example.com/v5",
            "http://127.0.0.1.example.com/v5",
            "ftp://127.0.0.1/v5",
            "file:///etc/passwd",
            "not a url",
            "",
        ] {
            let err = Environment::custom(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
            assert!(
                Environment::Custom {
                    base_url: bad.into()
                }
                .check()
                .is_err(),
                "a stored {bad} is refused too"
            );
        }
        let err = Environment::custom("http://user:pw@example.com/v5").unwrap_err();
        assert!(err.message.contains("https://"), "{}", err.message);
        assert!(!err.message.contains("pw@"), "the URL is never quoted");
        assert!(Environment::Production.check().is_ok());
    }

    #[test]
    fn a_custom_servers_app_is_named_by_its_origin() {
        let env = Environment::custom("https://Pins.Example.com:8443/api/v5/").unwrap();
        assert_eq!(
            env.app_origin().as_deref(),
            Some("https://pins.example.com:8443")
        );
        let env = Environment::custom("https://pins.example.com:443/v5").unwrap();
        assert_eq!(
            env.app_origin().as_deref(),
            Some("https://pins.example.com")
        );
        assert_eq!(Environment::Production.app_origin(), None);
        assert_eq!(Environment::Sandbox.app_origin(), None);
    }
}
