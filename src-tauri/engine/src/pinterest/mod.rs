//! The Pinterest API v5 client. `types` holds the bodies, `client` one method per endpoint,
//! `oauth` and `media` the token and video flows, `paging` the bookmark walk, `ratelimit` the
//! signals parsed from every response, and `outcome` the closed set of results the scheduler
//! acts on. Nothing here retries or sleeps on its own account.

pub mod client;
pub mod environment;
pub mod media;
pub mod oauth;
pub mod outcome;
pub mod paging;
pub mod ratelimit;
pub mod secret;
pub mod server_clock;
pub mod types;

pub use client::{PageRequest, PinterestClient};
pub use environment::Environment;
pub use oauth::AppCredentials;
pub use outcome::{Outcome, Reply, TransientReason};
pub use ratelimit::RateLimitSignals;
pub use secret::Secret;
pub use server_clock::ServerClock;
