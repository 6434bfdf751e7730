//! What the programs built on the engine log, and how much. Every line goes through `tracing`;
//! each program picks where it goes (the CLI: standard error; the desktop: a daily file in its
//! data directory). This module only decides the filter, so both read a level the same way.
//!
//! A level names how much PinPace itself says. Other libraries (hyper, reqwest, rustls...) say
//! only warnings and errors whatever the level, because what they print at debug and trace is
//! theirs to choose: `RUST_LOG` (tracing's usual directives, e.g. `info,hyper=debug`) is the
//! way to hear them, and replaces the level when it is set and no level was given explicitly.
//! Nothing logged by PinPace carries a secret at any level (see `pinterest::client`).

use tracing_subscriber::EnvFilter;

/// The `tracing` targets that are PinPace's own: the engine, the CLI, the desktop, the simulator.
pub const OWN_TARGETS: &[&str] = &[
    "pinpace_engine",
    "pinpace_cli",
    "pinpace_lib",
    "pinpace",
    "pinpace_sim",
];

/// How much PinPace logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    /// The filter directives: PinPace's targets at this level, everything else at `warn` (or
    /// lower, when this level is lower).
    pub fn directives(self) -> String {
        let others = match self {
            LogLevel::Error => "error",
            _ => "warn",
        };
        let mut d = others.to_string();
        for target in OWN_TARGETS {
            d.push_str(&format!(",{target}={}", self.as_str()));
        }
        d
    }
}

/// The filter for a program: an explicit level wins; without one, `RUST_LOG` when it is set
/// and not empty (an unreadable directive in it is skipped, not fatal); else `info`.
pub fn filter(explicit: Option<LogLevel>) -> EnvFilter {
    if explicit.is_none() {
        if let Some(env) = std::env::var("RUST_LOG")
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            return EnvFilter::builder().parse_lossy(env);
        }
    }
    EnvFilter::new(explicit.unwrap_or_default().directives())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_sets_pinpace_and_keeps_the_libraries_at_warn() {
        let d = LogLevel::Debug.directives();
        assert!(d.starts_with("warn,"));
        assert!(d.contains("pinpace_engine=debug"));
        assert!(d.contains("pinpace_cli=debug"));
        assert!(LogLevel::Error.directives().starts_with("error,"));
        // Every level makes a filter that parses.
        for level in [
            LogLevel::Error,
            LogLevel::Warn,
            LogLevel::Info,
            LogLevel::Debug,
            LogLevel::Trace,
        ] {
            EnvFilter::try_new(level.directives()).unwrap();
        }
    }
}
