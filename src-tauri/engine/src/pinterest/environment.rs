//! Where an account's API lives. Production and Pinterest's sandbox have fixed addresses; the
//! built-in simulator and custom deployments are given a base URL. The authorize page is on
//! www.pinterest.com for both real environments and on the simulator's own host for it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

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

impl Environment {
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
}
