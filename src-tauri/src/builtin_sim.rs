//! The simulator that ships inside the app: a new user can try everything with no Pinterest
//! account, and the demo workspace lives on it. It listens on loopback on the port it used last
//! time (so stored accounts keep their address); if that port is taken it takes another and
//! moves its accounts there. It keeps nothing across restarts, so its accounts get fresh tokens
//! at every start (`pinpace_engine::demo::issue_sim_tokens`). The app drives it through
//! `SimHandle`, so its `/_sim` admin key is random and unknown outside the process, unless
//! `PINPACE_SIM_KEY` names one (the end-to-end tests do, to drive it over HTTP).

use std::sync::Arc;

use pinpace_engine::clock::SystemClock;
use pinpace_engine::demo::{builtin_sim_config, sim_environment};
use pinpace_engine::pinterest::Environment;
use pinpace_engine::sim::{SimConfig, SimHandle, Simulator};
use pinpace_engine::store::settings::keys;
use pinpace_engine::{EngineError, ErrorCode, Store};

fn env_at(port: u16) -> Environment {
    Environment::Simulator {
        base_url: pinpace_engine::sim::base_url_at(port),
    }
}

/// The environment variable that names the built-in simulator's admin key (as for pinpace-sim).
const ADMIN_KEY_VAR: &str = "PINPACE_SIM_KEY";

/// The built-in simulator's config at `port`, with the admin key from the environment if set
/// (one that cannot be a header is left out, with a warning that does not quote it).
fn config_at(port: u16) -> SimConfig {
    let admin_key = std::env::var(ADMIN_KEY_VAR).ok().filter(|k| {
        let usable = pinpace_engine::sim::guard::check_admin_key(k);
        if let Err(why) = usable {
            tracing::warn!("{ADMIN_KEY_VAR} is set but not used: {why}; the key is random");
        }
        usable.is_ok()
    });
    SimConfig {
        admin_key,
        ..builtin_sim_config(port)
    }
}

/// Starts the built-in simulator and keeps the workspace's simulator accounts pointed at it.
pub async fn start(store: &Store) -> Result<SimHandle, EngineError> {
    let last: Option<u16> = store.setting(keys::BUILTIN_SIM_PORT);
    let clock = Arc::new(SystemClock);
    let sim = match last {
        Some(port) => match Simulator::start(config_at(port), clock.clone()).await {
            Ok(sim) => Ok(sim),
            Err(e) => {
                tracing::info!(
                    port,
                    "the built-in simulator's last port is taken ({e}); taking another"
                );
                Simulator::start(config_at(0), clock).await
            }
        },
        None => Simulator::start(config_at(0), clock).await,
    }
    .map_err(|e| {
        EngineError::new(
            ErrorCode::PortInUse,
            format!("the built-in simulator could not listen on loopback: {e}"),
        )
    })?;
    let now = sim_environment(&sim);
    if let Some(old) = last.filter(|p| *p != sim.port()) {
        for account in store.accounts()? {
            if account.environment == env_at(old) {
                store.set_account_environment(account.id, &now)?;
            }
        }
    }
    store.set_setting(keys::BUILTIN_SIM_PORT, &sim.port())?;
    tracing::info!(
        port = sim.port(),
        "the built-in simulator is listening on loopback"
    );
    pinpace_engine::demo::slow_down_demo_account(&sim);
    Ok(sim)
}
