//! Local pacing under Pinterest's limits. PinPace models each limit as a rolling window (at most
//! L requests in any W seconds, the same model as the simulator) and keeps, per window, the send
//! times inside it. This is hand-written rather than built on governor because PinPace needs
//! what a GCRA cell cannot hold: several windows per key at once (per second, minute and day),
//! exact "remaining" and "frees at" answers for the live panel and the forecast, state rebuilt
//! from the request log after a restart, and limits lowered at run time from the server's headers.

pub mod lane;
pub mod limits;
pub mod rebuild;
pub mod window;

pub use lane::{Pacer, PauseReason, WindowUsage};
pub use limits::{AccountLimits, LimitScope, LimitSpec, Preset};
pub use rebuild::{app_specs, rebuild_pacer, UNTIL_THE_USER_ACTS};
pub use window::RollingWindow;
