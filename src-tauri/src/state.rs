//! The shell's managed state: the running engine with its store, the token vaults, and the
//! built-in simulator, or the error that kept them from starting. A failed start (locked by
//! another instance, damaged file) is shown in the window rather than crashing the app, so the
//! state keeps the error for the commands to return.

use parking_lot::{Mutex, MutexGuard};
use std::path::PathBuf;
use std::sync::Arc;

use pinpace_engine::api::connect::ConnectGate;
use pinpace_engine::clock::{SharedClock, SystemClock};
use pinpace_engine::demo::{issue_sim_tokens, seed_workspace, sim_environment};
use pinpace_engine::scheduler::{Engine, EngineConfig, EngineHandle};
use pinpace_engine::secrets::{AppSecrets, SecretsBackend};
use pinpace_engine::sim::SimHandle;
use pinpace_engine::store::settings::keys;
use pinpace_engine::{EngineError, ErrorCode, Store};

use crate::builtin_sim;

/// Set (to anything but 0) to fill an empty workspace with the demo (`make run` does).
pub const DEMO_ENV: &str = "PINPACE_DEMO";

pub struct Desktop {
    pub engine: EngineHandle,
    pub secrets: Arc<AppSecrets>,
    pub sim: SimHandle,
    /// One connect at a time: a second click while the browser is open is refused.
    pub connect: ConnectGate,
}

pub struct AppState {
    desktop: Result<Desktop, EngineError>,
}

impl AppState {
    /// Opens the store, starts the built-in simulator and the engine. Runs on Tauri's runtime.
    /// With `PINPACE_DEMO` set, an empty workspace gets the demo.
    pub async fn start(data_dir: Option<PathBuf>) -> Self {
        let demo = std::env::var(DEMO_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
        Self::start_with_demo(data_dir, demo).await
    }

    /// `start`, choosing the demo without the environment (the tests run side by side).
    pub async fn start_with_demo(data_dir: Option<PathBuf>, demo: bool) -> Self {
        AppState {
            desktop: Desktop::start(data_dir, demo).await,
        }
    }

    pub fn desktop(&self) -> Result<&Desktop, EngineError> {
        self.desktop.as_ref().map_err(Clone::clone)
    }

    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> T) -> Result<T, EngineError> {
        Ok(f(&self.desktop()?.store()))
    }
}

impl Desktop {
    async fn start(data_dir: Option<PathBuf>, demo: bool) -> Result<Desktop, EngineError> {
        let dir = data_dir.ok_or_else(|| {
            EngineError::new(
                ErrorCode::DataDirUnavailable,
                "this platform reported no app-data directory; set PINPACE_DATA_DIR",
            )
        })?;
        let store = Store::open_in_dir(&dir)?;
        let backend: SecretsBackend = store.setting(keys::SECRETS_BACKEND).unwrap_or_default();
        let secrets = Arc::new(AppSecrets::open(backend));
        if let Err(e) = secrets.real() {
            // Real accounts have no tokens until the user chooses another vault in Settings.
            tracing::warn!(code = ?e.code, "the secrets vault does not answer: {}", e.message);
        }
        let clock: SharedClock = Arc::new(SystemClock);
        let sim = builtin_sim::start(&store).await?;
        let shared = Mutex::new(store);
        if demo {
            // A demo that cannot be seeded still opens the app; the accounts screen shows why.
            if let Err(e) = seed_workspace(&shared, secrets.sim(), &sim, clock.now()).await {
                tracing::warn!("the demo workspace could not be prepared: {}", e.message);
            }
        }
        let store = shared.into_inner();
        let env = sim_environment(&sim);
        for account in store.accounts()? {
            if account.environment == env {
                secrets.mark_sim(account.id);
            }
        }
        issue_sim_tokens(&store, secrets.sim(), &sim, clock.now())?;
        let config = EngineConfig::from_settings(&store);
        let engine = Engine::spawn(store, clock, secrets.clone(), config);
        Ok(Desktop {
            engine,
            secrets,
            sim,
            connect: ConnectGate::default(),
        })
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.engine.store()
    }

    /// Whether the user paused every account (the store keeps it, across restarts).
    pub fn paused_all(&self) -> bool {
        pinpace_engine::api::scheduling::paused_all(&self.engine)
    }

    /// "12 pins waiting · 1 failed", for the tray.
    pub fn status_line(&self) -> String {
        use pinpace_engine::store::job_state::JobState;
        // Read before the store is locked here: `paused_all` locks it too (std's mutex does not
        // re-enter; holding it across that call deadlocked the tray at start).
        let paused = self.paused_all();
        let (waiting, failed) = {
            let store = self.store();
            let waiting = store.open_job_count().unwrap_or(0);
            (
                waiting,
                store.job_count(None, &[JobState::Failed]).unwrap_or(0),
            )
        };
        let mut line = format!("{waiting} pins waiting");
        if failed > 0 {
            line.push_str(&format!(" · {failed} failed"));
        }
        if paused {
            line.push_str(" · paused");
        }
        line
    }
}
