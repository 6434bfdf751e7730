//! `pinpace-cli run`: starts the engine on the system clock with tokens from the environment,
//! standard input or a tokens file (`--tokens-file`, written back on every rotation), prints
//! each event as a JSON line, and stops when the queue has drained (with `--until-drained`),
//! after `--max-seconds`, or on Ctrl-C / SIGTERM, letting attempts in flight finish.

use crate::AccountId;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use pinpace_engine::clock::SystemClock;
use pinpace_engine::pinterest::{AppCredentials, Secret};
use pinpace_engine::scheduler::tokens::{MemoryTokenStore, TokenSet, TokenStore};
use pinpace_engine::scheduler::{Engine, EngineConfig};
use pinpace_engine::secrets::{FileVault, KeychainVault, VaultTokens};
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde::Deserialize;
use serde_json::json;

#[derive(Args)]
pub struct RunArgs {
    /// Stop once no job is scheduled, due, in flight or waiting to retry.
    #[arg(long)]
    until_drained: bool,
    #[arg(long)]
    max_seconds: Option<u64>,
    /// Read the tokens JSON from standard input instead of PINPACE_TOKENS.
    #[arg(long, conflicts_with = "tokens_file")]
    tokens_stdin: bool,
    /// Keep tokens in this JSON file (same shape as PINPACE_TOKENS, owner-only permissions):
    /// tokens are read from it and every rotated token is written back at once, so a restart
    /// keeps the account connected. Plaintext: the explicit choice for machines without a
    /// keychain service.
    #[arg(long)]
    tokens_file: Option<std::path::PathBuf>,
    /// Catch-up grace in seconds (default: the setting, else 900): a scheduled pin found later
    /// than this is marked missed instead of being sent.
    #[arg(long)]
    grace_secs: Option<u64>,
}

#[derive(Deserialize)]
struct TokenEntry {
    access: String,
    #[serde(default)]
    refresh: Option<String>,
}

/// Pinterest app credentials for refreshing tokens, from the environment.
pub fn app_from_env() -> Option<AppCredentials> {
    match (
        std::env::var("PINPACE_CLIENT_ID"),
        std::env::var("PINPACE_CLIENT_SECRET"),
    ) {
        (Ok(id), Ok(secret)) => Some(AppCredentials {
            client_id: id,
            client_secret: Secret::new(secret),
        }),
        _ => None,
    }
}

fn tokens_from_file(path: &std::path::Path) -> Result<VaultTokens, EngineError> {
    let tokens = VaultTokens::new(Arc::new(FileVault::open(path)?));
    if let Some(app) = app_from_env() {
        tokens.set_default_app(app);
    }
    Ok(tokens)
}

pub fn load_tokens(from_stdin: bool) -> Result<MemoryTokenStore, EngineError> {
    let bad = |m: String| EngineError::new(ErrorCode::InvalidInput, m);
    let text = if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| bad(format!("cannot read standard input: {e}")))?;
        s
    } else {
        std::env::var("PINPACE_TOKENS").unwrap_or_else(|_| "{}".into())
    };
    // The error never quotes the input: it holds secrets.
    let entries: HashMap<String, TokenEntry> = serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "the tokens JSON is malformed at line {} column {}",
            e.line(),
            e.column()
        ))
    })?;
    let store = MemoryTokenStore::default();
    let app = app_from_env();
    for (id, entry) in entries {
        let id: AccountId = id
            .parse()
            .map_err(|_| bad(format!("token key {id:?} is not an account id")))?;
        let set = TokenSet {
            access: Secret::new(entry.access),
            refresh: entry.refresh.map(Secret::new),
            expires_at: None,
        };
        store.store_tokens(id, set)?;
        if let Some(app) = &app {
            store.set_app(id, app.clone());
        }
    }
    Ok(store)
}

fn pending(store: &Store) -> Result<usize, EngineError> {
    store.open_job_count()
}

pub async fn run(store: Store, args: RunArgs) -> Result<(), EngineError> {
    // A file if one is named; tokens given for this run; else the OS keychain, where
    // `account connect` put them.
    let given = args.tokens_stdin || std::env::var_os("PINPACE_TOKENS").is_some();
    let tokens: Arc<dyn TokenStore> = match &args.tokens_file {
        Some(path) => Arc::new(tokens_from_file(path)?),
        None if given => Arc::new(load_tokens(args.tokens_stdin)?),
        None => {
            let tokens = VaultTokens::new(Arc::new(KeychainVault::default()));
            if let Some(app) = app_from_env() {
                tokens.set_default_app(app);
            }
            Arc::new(tokens)
        }
    };
    let mut config = EngineConfig::from_settings(&store);
    if let Some(secs) = args.grace_secs {
        config.catch_up_grace = Duration::from_secs(secs);
    }
    let engine = Engine::spawn(store, Arc::new(SystemClock), tokens, config);
    let mut events = engine.events().subscribe();
    let deadline = args
        .max_seconds
        .map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| EngineError::new(ErrorCode::Storage, format!("cannot watch signals: {e}")))?;
    loop {
        if args.until_drained && pending(&engine.store())? == 0 {
            break;
        }
        let until =
            deadline.unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            ev = events.recv() => match ev {
                Ok(ev) => println!("{}", serde_json::to_string(&ev).expect("json")),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => println!("{}", json!({ "type": "lagged", "missed": n })),
                Err(_) => break,
            },
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
            _ = tokio::time::sleep_until(until) => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
        }
    }
    let published = engine.store().jobs_in_state(JobState::Published)?.len();
    let failed = engine.store().jobs_in_state(JobState::Failed)?.len();
    let left = pending(&engine.store())?;
    engine.stop().await;
    println!(
        "{}",
        json!({ "type": "summary", "published": published, "failed": failed, "pending": left })
    );
    Ok(())
}
