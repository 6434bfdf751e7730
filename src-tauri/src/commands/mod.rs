//! Tauri commands: each adapts one engine call and returns engine types, whose TypeScript
//! twins live in ui/src/lib/bindings. Errors reach the UI as `{code, message}`. One file per
//! screen's concerns; the commands stay thin so the behaviour is tested in the engine. Every
//! argument the UI passes is an `Arg` (see arg.rs), so a malformed one is refused with
//! `invalid_input` too.

pub mod accounts;
mod arg;
pub mod bulk;
pub mod connect;
pub mod info;
pub mod logs;
pub mod media;
pub mod prefs;
pub mod queue;
pub mod queue_bulk;
pub mod scheduling;
pub mod settings;

pub use arg::Arg;
