//! `pinpace-sim`: the Pinterest simulator as a server, for benchmarks, manual tries and a new
//! user's first run. Arguments are parsed by hand (a handful of flags does not warrant a
//! dependency). The first stdout line is the base URL; with `--demo` a second line is JSON with
//! the seeded accounts, their boards and tokens. Everything else is driven over `/_sim/...`.
//! `--quirks JSON` sets the default quirks of every account (e.g. `{"clock_offset_secs":90}`);
//! per-account ones come from the config file or `/_sim/accounts/{account}/quirks`.

use std::sync::Arc;

use chrono::Utc;
use pinpace_engine::clock::{ScaledClock, SharedClock, SystemClock};
use pinpace_engine::sim::{Preset, Quirks, SimConfig, Simulator};
use serde_json::json;

const USAGE: &str =
    "usage: pinpace-sim [--port N] [--config FILE.json] [--preset trial|standard|none] \
[--time-scale F] [--seed N] [--quirks JSON] [--demo]";

struct Args {
    port: Option<u16>,
    config: Option<String>,
    preset: Option<Preset>,
    time_scale: f64,
    seed: Option<u64>,
    quirks: Option<Quirks>,
    demo: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        port: None,
        config: None,
        preset: None,
        time_scale: 1.0,
        seed: None,
        quirks: None,
        demo: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => a.port = Some(value()?.parse().map_err(|_| "bad --port")?),
            "--config" => a.config = Some(value()?),
            "--preset" => {
                a.preset =
                    Some(Preset::parse(&value()?).ok_or("--preset: trial, standard or none")?)
            }
            "--time-scale" => {
                a.time_scale = value()?.parse().map_err(|_| "bad --time-scale")?;
                if !(a.time_scale > 0.0 && a.time_scale.is_finite()) {
                    return Err("--time-scale must be positive".into());
                }
            }
            "--seed" => a.seed = Some(value()?.parse().map_err(|_| "bad --seed")?),
            "--quirks" => {
                a.quirks =
                    Some(serde_json::from_str(&value()?).map_err(|e| format!("--quirks: {e}"))?)
            }
            "--demo" => a.demo = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(a)
}

fn load_config(a: &Args) -> Result<SimConfig, String> {
    let mut config = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?
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
    Ok(config)
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
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
            eprintln!("pinpace-sim: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", sim.base_url());
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
                "client_id": client_id,
                "client_secret": client_secret,
                "accounts": accounts,
            })
        );
    }
    eprintln!(
        "pinpace-sim: serving; admin at {}; Ctrl-C stops",
        sim.admin_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    sim.stop().await;
    eprintln!("pinpace-sim: stopped");
}
