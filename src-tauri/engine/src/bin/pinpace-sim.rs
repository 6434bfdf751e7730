//! `pinpace-sim`: the Pinterest simulator as a server, for benchmarks, manual tries and a new
//! user's first run. Arguments are parsed by clap, like the CLI's. The first stdout line is the
//! base URL, the second the admin key that every `/_sim/...` request must send as `X-Sim-Key`
//! (random at each start, or `--admin-key` / `PINPACE_SIM_KEY` so a script can choose it); with
//! `--demo` a third line is JSON with the seeded accounts, their boards and tokens. Everything
//! else is driven over `/_sim/...`.
//! `--quirks JSON` sets the default quirks of every account (e.g. `{"clock_offset_secs":90}`);
//! per-account ones come from the config file or `/_sim/accounts/{account}/quirks`.

use std::sync::Arc;

use chrono::Utc;
use clap::Parser;
use pinpace_engine::clock::{ScaledClock, SharedClock, SystemClock};
use pinpace_engine::sim::{Preset, Quirks, SimConfig, Simulator};
use serde_json::json;

/// The simulator's options (clap: a bad value is refused with its message and exit code 2).
#[derive(Parser)]
#[command(
    name = "pinpace-sim",
    version,
    about = "The Pinterest simulator as a local server"
)]
struct Args {
    /// Port on loopback (0 or none: any free port).
    #[arg(long)]
    port: Option<u16>,
    /// A SimConfig as JSON (accounts, limits, faults, quirks).
    #[arg(long)]
    config: Option<String>,
    /// Pinterest's access tier to enforce: trial, standard or none.
    #[arg(long, value_parser = parse_preset)]
    preset: Option<Preset>,
    /// How fast simulated time runs against real time.
    #[arg(long, default_value_t = 1.0, value_parser = parse_time_scale)]
    time_scale: f64,
    #[arg(long)]
    seed: Option<u64>,
    /// Every account's default quirks, as JSON (e.g. {"clock_offset_secs":90}).
    #[arg(long, value_parser = parse_quirks)]
    quirks: Option<Quirks>,
    /// Seed the demo accounts and print them (with tokens) as a third line.
    #[arg(long)]
    demo: bool,
    /// The key /_sim requests must send as X-Sim-Key (default: a random one, printed).
    #[arg(long, env = "PINPACE_SIM_KEY", hide_env_values = true, value_parser = parse_admin_key)]
    admin_key: Option<String>,
}

fn parse_admin_key(text: &str) -> Result<String, String> {
    pinpace_engine::sim::guard::check_admin_key(text).map_err(String::from)?;
    Ok(text.to_string())
}

fn parse_preset(text: &str) -> Result<Preset, String> {
    Preset::parse(text).ok_or_else(|| "trial, standard or none".into())
}

fn parse_time_scale(text: &str) -> Result<f64, String> {
    let scale: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if scale > 0.0 && scale.is_finite() {
        Ok(scale)
    } else {
        Err("must be a positive number".into())
    }
}

fn parse_quirks(text: &str) -> Result<Quirks, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn load_config(a: &Args) -> Result<SimConfig, String> {
    let mut config = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            SimConfig::from_json(&text).map_err(|e| format!("{path}: {e}"))?
        }
        None => SimConfig::default(),
    };
    if let Some(p) = a.port {
        config.port = p;
    }
    if let Some(p) = a.preset {
        config.preset = p;
    }
    if let Some(s) = a.seed {
        config.seed = s;
    }
    if let Some(q) = a.quirks {
        config.quirks = q;
    }
    if let Some(k) = &a.admin_key {
        config.admin_key = Some(k.clone());
    }
    Ok(config)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = match load_config(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("pinpace-sim: {msg}");
            std::process::exit(2);
        }
    };
    let clock: SharedClock = if args.time_scale == 1.0 {
        Arc::new(SystemClock)
    } else {
        Arc::new(ScaledClock::new(Utc::now(), args.time_scale))
    };
    let sim = match Simulator::start(config, clock).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pinpace-sim: cannot start: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", sim.base_url());
    println!("{}", sim.admin_key());
    if args.demo {
        let seeded = sim.seed(&SimConfig::demo_accounts());
        let accounts: Vec<_> = seeded
            .iter()
            .map(|a| {
                let t = sim.issue_tokens(&a.id);
                json!({
                    "id": a.id,
                    "username": a.username,
                    "boards": a.boards,
                    "access_token": t.as_ref().map(|t| t.access_token.clone()),
                    "refresh_token": t.as_ref().and_then(|t| t.refresh_token.clone()),
                })
            })
            .collect();
        let (client_id, client_secret) = sim.client_credentials();
        println!(
            "{}",
            json!({
                "base_url": sim.base_url(),
                "authorize_url": sim.authorize_url(),
                "admin_url": sim.admin_url(),
                "admin_key": sim.admin_key(),
                "client_id": client_id,
                "client_secret": client_secret,
                "accounts": accounts,
            })
        );
    }
    eprintln!(
        "pinpace-sim: serving; admin at {} (send the key above as X-Sim-Key); Ctrl-C stops",
        sim.admin_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    eprintln!("pinpace-sim: stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_is_refused_not_read_as_zero() {
        for bad in [
            &["--port", "notanumber"][..],
            &["--port", "70000"],
            &["--time-scale", "0"],
            &["--time-scale", "fast"],
            &["--seed", "-1"],
            &["--preset", "gold"],
            &["--quirks", "{\"nope\":1}"],
            &["--admin-key", ""],
            &["--admin-key", "has space"],
            &["--unknown"],
        ] {
            let argv = std::iter::once("pinpace-sim").chain(bad.iter().copied());
            assert!(Args::try_parse_from(argv).is_err(), "{bad:?} was accepted");
        }
        let ok = Args::try_parse_from(["pinpace-sim", "--port", "8787", "--time-scale", "4"]);
        let ok = ok.unwrap();
        assert_eq!((ok.port, ok.time_scale), (Some(8787), 4.0));
    }
}
