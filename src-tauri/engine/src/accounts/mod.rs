//! Connecting Pinterest accounts and keeping what the app knows of them current: the OAuth
//! flow through the system browser and a one-shot loopback listener (`connect`), the board and
//! section lists (`boards`), and disconnecting (`disconnect`). The network halves are async and
//! take no store; the store halves are plain functions, so the desktop (whose store sits behind
//! the engine's lock) and the CLI compose them the same way.
//!
//! Each decision (a connect begun, answered, recorded as a new account or as a reconnect, a
//! board list replaced, a disconnect) is logged at `info`, each failure at `warn`, by account id
//! and environment kind: never a token, a code, the `state` value or the consent page's URL
//! (which carries that `state`), and never a custom base URL (it could hold credentials).

pub mod boards;
pub mod connect;
pub mod disconnect;
pub mod flow;
pub mod overview;
pub mod read_pacing;

pub use connect::{exchange, register, Connection, PendingConnect, DEFAULT_REDIRECT_PORT};
pub use flow::{
    client_for, connect_account, refresh_account_boards, sync_boards, ConnectRequest,
    ConnectSummary,
};
pub use overview::{overview, AccountView};

use crate::pinterest::Environment;

/// The environment's kind for a log line, without its URL.
pub(crate) fn env_kind(env: &Environment) -> &'static str {
    match env {
        Environment::Production => "production",
        Environment::Sandbox => "sandbox",
        Environment::Simulator { .. } => "simulator",
        Environment::Custom { .. } => "custom",
    }
}
