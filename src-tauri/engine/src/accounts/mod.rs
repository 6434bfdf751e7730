//! Connecting Pinterest accounts and keeping what the app knows of them current: the OAuth
//! flow through the system browser and a one-shot loopback listener (`connect`), the board and
//! section lists (`boards`), and disconnecting (`disconnect`). The network halves are async and
//! take no store; the store halves are plain functions, so the desktop (whose store sits behind
//! the engine's lock) and the CLI compose them the same way.

pub mod boards;
pub mod connect;
pub mod disconnect;
pub mod flow;
pub mod overview;

pub use connect::{exchange, register, Connection, PendingConnect, DEFAULT_REDIRECT_PORT};
pub use flow::{
    client_for, connect_account, refresh_account_boards, sync_boards, ConnectRequest,
    ConnectSummary,
};
pub use overview::{overview, AccountView};
