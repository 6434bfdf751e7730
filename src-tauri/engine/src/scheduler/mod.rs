//! The scheduler: due jobs -> paced dispatch -> outcome -> retry or publish. `retry` decides
//! backoff, `schedule_time` turns a user's zone and local time into UTC.

mod board_refresh;
pub mod dispatch;
pub mod engine;
pub mod events;
pub mod forecast;
pub mod health;
pub mod reconcile;
pub mod retry;
pub mod schedule_time;
pub mod tokens;
mod transitions;

pub use engine::{Engine, EngineConfig, EngineHandle};
pub use transitions::rebuild_pacer;
