//! The scheduler: due jobs -> paced dispatch -> outcome -> retry or publish. The engine's state
//! is one struct (`engine`); its loop is `run_loop`, a round of sends `dispatch_round` (with
//! `prepare` and, per attempt, `dispatch` and its board check `reconcile`), what a result means
//! the pure `outcome`, carried out by `apply`. `retry` decides backoff, `schedule_time` turns a
//! user's zone and local time into UTC, `health` is failing closed.

mod apply;
mod board_refresh;
pub mod config;
pub mod dispatch;
mod dispatch_round;
pub mod engine;
pub mod events;
pub mod forecast;
pub mod handle;
pub mod health;
mod lanes;
pub mod outcome;
mod prepare;
pub mod reconcile;
pub mod retry;
mod run_loop;
pub mod schedule_time;
mod startup;

pub use crate::pacing::rebuild_pacer;
/// Where the engine gets tokens: kept with the secrets, named here too for the fronts.
pub use crate::secrets::token_store as tokens;
pub use board_refresh::EngineReads;
pub use config::EngineConfig;
pub use engine::Engine;
pub use handle::EngineHandle;
