//! `pinpace-cli account connect | disconnect | sync-boards`: the accounts flow without the
//! window. The consent page's URL is printed on standard error for the user to open (a headless
//! machine may have no browser: open it anywhere that reaches this machine's loopback, e.g.
//! through an SSH tunnel). Secrets go to the OS keychain, or to `--tokens-file` when chosen.

use parking_lot::Mutex;
use pinpace_engine::AccountId;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use pinpace_engine::accounts::disconnect::{disconnect, QueuedJobs};
use pinpace_engine::accounts::read_pacing::Reads;
use pinpace_engine::accounts::{
    connect_account, refresh_account_boards, ConnectRequest, DEFAULT_REDIRECT_PORT,
};
use pinpace_engine::secrets::{FileVault, KeychainVault, SecretVault, VaultTokens};
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde_json::json;

#[derive(Args)]
pub struct ConnectArgs {
    #[command(flatten)]
    env: super::EnvArgs,
    /// Loopback port of the redirect URI registered with the Pinterest app
    /// (http://127.0.0.1:<port>/callback).
    #[arg(long, default_value_t = DEFAULT_REDIRECT_PORT)]
    port: u16,
    /// Give up when the browser has not answered after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
    /// Reconnect this account (its queue is kept) instead of adding one.
    #[arg(long)]
    reconnect: Option<AccountId>,
    #[command(flatten)]
    secrets: SecretsArgs,
}

#[derive(Args)]
pub struct SecretsArgs {
    /// Keep secrets in this file instead of the OS keychain (plaintext, owner-only: for
    /// machines without a keychain service).
    #[arg(long)]
    pub tokens_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct DisconnectArgs {
    #[arg(long)]
    account: AccountId,
    /// What to do with its queued pins: keep them waiting for a reconnect, or cancel them.
    #[arg(long, value_enum)]
    queued: QueuedArg,
    #[command(flatten)]
    secrets: SecretsArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum QueuedArg {
    Keep,
    Cancel,
}

/// The vault the user chose: the file given, else the OS keychain.
pub fn vault(secrets: &SecretsArgs) -> Result<VaultTokens, EngineError> {
    let vault: Arc<dyn SecretVault> = match &secrets.tokens_file {
        Some(path) => Arc::new(FileVault::open(path)?),
        None => Arc::new(KeychainVault::default()),
    };
    Ok(VaultTokens::new(vault))
}

pub async fn connect(store: Store, args: ConnectArgs) -> Result<(), EngineError> {
    let env = args.env.environment()?;
    let app = super::run::app_from_env().ok_or_else(|| {
        EngineError::new(
            ErrorCode::InvalidInput,
            "set PINPACE_CLIENT_ID and PINPACE_CLIENT_SECRET to your Pinterest app's credentials",
        )
    })?;
    let tokens = vault(&args.secrets)?;
    let store = Mutex::new(store);
    let request = ConnectRequest {
        env: &env,
        app: &app,
        port: args.port,
        reconnect: args.reconnect,
        timeout: Duration::from_secs(args.timeout_secs),
        reads: Reads::Local,
    };
    let summary = connect_account(&store, &tokens, request, |url| {
        eprintln!("Open this page to connect your Pinterest account:\n{url}");
        Ok(())
    })
    .await?;
    println!(
        "{}",
        json!({ "account_id": summary.account_id, "username": summary.username,
                "boards": summary.boards, "boards_error": summary.boards_error })
    );
    Ok(())
}

pub async fn disconnect_account(
    store: &mut Store,
    args: DisconnectArgs,
) -> Result<(), EngineError> {
    let queued = match args.queued {
        QueuedArg::Keep => QueuedJobs::Keep,
        QueuedArg::Cancel => QueuedJobs::Cancel,
    };
    let tokens = vault(&args.secrets)?;
    let summary = disconnect(store, &tokens, args.account, queued, chrono::Utc::now())?;
    println!(
        "{}",
        json!({ "account_id": args.account, "kept": summary.kept, "cancelled": summary.cancelled,
                "note": "PinPace's tokens were deleted; access is not revoked on Pinterest (do that in Pinterest's settings if you wish)" })
    );
    Ok(())
}

pub async fn sync_boards(
    store: Store,
    account: AccountId,
    secrets: &SecretsArgs,
) -> Result<(), EngineError> {
    let tokens = vault(secrets)?;
    let n = refresh_account_boards(&Mutex::new(store), &tokens, account, Reads::Local).await?;
    println!("{}", json!({ "account_id": account, "boards": n }));
    Ok(())
}
