//! pinpace-cli: the whole scheduler without the desktop, over the same database, for scripts,
//! servers and tests. Tokens are never taken from arguments (they would show in `ps` and shell
//! history): `PINPACE_TOKENS` holds `{"<account id>": {"access": "...", "refresh": "..."}}`, or
//! `--tokens-stdin` reads the same JSON from standard input. Output is JSON, one value per line.
//!
//! Standard output is only that output. Logs go to standard error, one line each, at
//! `--log-level` (any subcommand; default `info`, or `RUST_LOG` when set and no level is given:
//! see `pinpace_engine::logging`); an error ends standard error as one JSON line,
//! `{"error": {"code", "message"}}`, after any log lines.

mod boards;
mod bulk;
mod connect;
mod csv_input;
mod queue;
mod run;

use pinpace_engine::AccountId;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use pinpace_engine::api::Offline;
use pinpace_engine::compose::{compose, ComposeRequest};
use pinpace_engine::logging::{self, LogLevel};
use pinpace_engine::pacing::{AccountLimits, LimitSpec, Preset};
use pinpace_engine::pinterest::Environment;
use pinpace_engine::store::job_state::JobState;
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde_json::json;

#[derive(Parser)]
#[command(name = "pinpace-cli", version, about = "PinPace's scheduler, headless")]
struct Cli {
    /// Data directory (database, media). Defaults to $PINPACE_DATA_DIR.
    #[arg(long, env = "PINPACE_DATA_DIR")]
    data_dir: PathBuf,
    /// How much to log to standard error [default: info, or RUST_LOG when it is set].
    #[arg(long, global = true, value_enum)]
    log_level: Option<LogLevel>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (or migrate an existing one) and print its path.
    Init,
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Add pins from a JSON file (an array of pins) or a CSV file (a pin per row); see the README.
    AddPins { file: PathBuf },
    /// Bulk-import pins from CSV (Pinterest's bulk-create columns or PinPace's own) or JSON,
    /// row by row; prints the per-row report (see the README).
    Import(bulk::ImportArgs),
    /// Export the queue or the history as CSV.
    Export(bulk::ExportArgs),
    /// List an account's boards and sections from Pinterest (token from PINPACE_TOKENS).
    Boards {
        #[arg(long)]
        account: AccountId,
        #[arg(long)]
        tokens_stdin: bool,
    },
    /// Run the scheduler, printing every event as a JSON line.
    Run(run::RunArgs),
    /// Change queued jobs: move, hold, retry, cancel, or edit one (the window's rules).
    #[command(subcommand)]
    Queue(queue::QueueCommand),
    /// Show jobs as JSON.
    Jobs {
        #[arg(long)]
        state: Option<String>,
    },
    /// Show each account's pacing as JSON.
    Lanes,
    /// When each pending job will really go out, and which pins the limits make late.
    Forecast,
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Add an account without connecting it (tokens come from PINPACE_TOKENS); prints its id.
    Add {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        env: EnvArgs,
    },
    /// Connect a Pinterest account through its consent page (OAuth), store its tokens in the
    /// keychain (or --tokens-file) and sync its boards.
    Connect(connect::ConnectArgs),
    /// Forget an account's tokens; its queued pins wait for a reconnect or are cancelled.
    Disconnect(connect::DisconnectArgs),
    /// Refresh the cached board and section list of a connected account.
    SyncBoards {
        #[arg(long)]
        account: AccountId,
        #[command(flatten)]
        secrets: connect::SecretsArgs,
    },
    /// Set an account's limits: a preset, or a JSON file with a list of limits.
    Limits {
        #[arg(long)]
        account: AccountId,
        #[arg(long, value_enum, conflicts_with = "custom")]
        preset: Option<PresetArg>,
        #[arg(long)]
        custom: Option<PathBuf>,
    },
    List,
}

/// Which Pinterest an account talks to.
#[derive(clap::Args)]
pub struct EnvArgs {
    #[arg(long, value_enum)]
    env: Env,
    /// Base URL for `simulator` and `custom` (e.g. http://127.0.0.1:8787/v5). A custom server's
    /// must be https://, or http:// on this machine (127.0.0.1, ::1, localhost).
    #[arg(long)]
    base_url: Option<String>,
}

impl EnvArgs {
    pub fn environment(&self) -> Result<Environment, EngineError> {
        let environment = match (self.env, self.base_url.clone()) {
            (Env::Production, None) => Environment::Production,
            (Env::Sandbox, None) => Environment::Sandbox,
            (Env::Simulator, Some(base_url)) => Environment::Simulator { base_url },
            // https, or plain http on loopback only: the one check every front uses.
            (Env::Custom, Some(base_url)) => Environment::custom(&base_url)?,
            (Env::Production | Env::Sandbox, Some(_)) => {
                return Err(invalid(
                    "--base-url is only for simulator and custom".into(),
                ))
            }
            (_, None) => {
                return Err(invalid(
                    "--base-url is required for simulator and custom".into(),
                ))
            }
        };
        environment
            .api_base()
            .map_err(|e| invalid(format!("--base-url is not a URL: {e}")))?;
        Ok(environment)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Env {
    Production,
    Sandbox,
    Simulator,
    Custom,
}

#[derive(Clone, Copy, ValueEnum)]
enum PresetArg {
    Trial,
    Standard,
}

fn main() {
    let cli = Cli::parse();
    let stderr = std::io::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(logging::filter(cli.log_level))
        .with_writer(std::io::stderr)
        .with_ansi(stderr.is_terminal())
        .init();
    let result = tokio::runtime::Runtime::new()
        .map_err(|e| EngineError::new(ErrorCode::Storage, format!("cannot start the runtime: {e}")))
        .and_then(|rt| rt.block_on(execute(cli)));
    if let Err(e) = result {
        eprintln!(
            "{}",
            json!({ "error": { "code": e.code, "message": e.message } })
        );
        std::process::exit(1);
    }
}

fn invalid(message: String) -> EngineError {
    EngineError::new(ErrorCode::InvalidInput, message)
}

async fn execute(cli: Cli) -> Result<(), EngineError> {
    let mut store = Store::open_in_dir(&cli.data_dir)?;
    let now = chrono::Utc::now();
    match cli.command {
        Command::Init => println!(
            "{}",
            json!({ "database": store.path(), "schema": store.schema_version() })
        ),
        Command::Account(AccountCommand::Add { name, env }) => {
            let environment = env.environment()?;
            let id = store.insert_account(&name, &environment, now)?;
            println!("{}", json!({ "account_id": id }));
        }
        Command::Account(AccountCommand::Limits {
            account,
            preset,
            custom,
        }) => {
            let limits = match (preset, custom) {
                (Some(PresetArg::Trial), None) => AccountLimits::preset(Preset::Trial),
                (Some(PresetArg::Standard), None) => AccountLimits::preset(Preset::Standard),
                (None, Some(path)) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
                    let list: Vec<LimitSpec> = serde_json::from_str(&text)
                        .map_err(|e| invalid(format!("{}: {e}", path.display())))?;
                    AccountLimits {
                        preset: None,
                        custom: Some(list),
                    }
                }
                _ => return Err(invalid("give --preset or --custom".into())),
            };
            let ws = Offline::new(
                store,
                std::sync::Arc::new(pinpace_engine::clock::SystemClock),
            );
            let specs = pinpace_engine::api::accounts::set_limits(&ws, account, &limits)?;
            println!("{}", json!({ "account_id": account, "limits": specs }));
        }
        Command::Account(AccountCommand::Connect(args)) => connect::connect(store, args).await?,
        Command::Account(AccountCommand::Disconnect(args)) => {
            connect::disconnect_account(&mut store, args).await?
        }
        Command::Account(AccountCommand::SyncBoards { account, secrets }) => {
            connect::sync_boards(store, account, &secrets).await?
        }
        Command::Account(AccountCommand::List) => println!(
            "{}",
            serde_json::to_string(&store.accounts()?).expect("json")
        ),
        Command::AddPins { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| invalid(format!("cannot read {}: {e}", file.display())))?;
            let is_csv = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let requests = if is_csv {
                csv_input::parse(&text).map_err(|e| invalid(format!("{}: {e}", file.display())))?
            } else {
                serde_json::from_str::<Vec<ComposeRequest>>(&text)
                    .map_err(|e| invalid(format!("{}: {e}", file.display())))?
            };
            let base = file.parent().map(PathBuf::from).unwrap_or_default();
            // Validate every request before writing any, so a bad one changes nothing.
            let requests: Vec<ComposeRequest> = requests
                .into_iter()
                .map(|mut r| {
                    r.image_path = r
                        .image_path
                        .map(|p| if p.is_relative() { base.join(p) } else { p });
                    r
                })
                .collect();
            for (i, r) in requests.iter().enumerate() {
                pinpace_engine::compose::validate(&store, r, now)
                    .map_err(|e| invalid(format!("pin {}: {}", i + 1, e.message)))?;
            }
            let ids = store.all_or_nothing(|s| {
                let mut ids = Vec::new();
                for r in &requests {
                    ids.extend(compose(s, r, now)?);
                }
                Ok(ids)
            })?;
            println!("{}", json!({ "jobs": ids }));
        }
        Command::Import(args) => bulk::import(&mut store, args, now)?,
        Command::Export(args) => {
            let clock = std::sync::Arc::new(pinpace_engine::clock::SystemClock);
            bulk::export(&Offline::new(store, clock), args)?
        }
        Command::Run(args) => run::run(store, args).await?,
        Command::Queue(command) => {
            let clock = std::sync::Arc::new(pinpace_engine::clock::SystemClock);
            queue::execute(&Offline::new(store, clock), command)?
        }
        Command::Boards {
            account,
            tokens_stdin,
        } => boards::list(store, account, tokens_stdin).await?,
        Command::Jobs { state } => {
            let states =
                match state {
                    Some(s) => vec![JobState::parse(&s)
                        .ok_or_else(|| invalid(format!("unknown state {s:?}")))?],
                    None => JobState::ALL.to_vec(),
                };
            let mut jobs = Vec::new();
            for s in states {
                jobs.extend(store.jobs_in_state(s)?);
            }
            println!("{}", serde_json::to_string(&jobs).expect("json"));
        }
        Command::Forecast => {
            let pacer = pinpace_engine::scheduler::rebuild_pacer(&store, &[], now)?;
            let mut pending = Vec::new();
            for s in [JobState::Scheduled, JobState::Due, JobState::WaitingRetry] {
                pending.extend(store.jobs_in_state(s)?);
            }
            let names = store.account_names()?;
            let f = pinpace_engine::scheduler::forecast::forecast(&pending, &pacer, &names, now);
            println!("{}", serde_json::to_string(&f).expect("json"));
        }
        Command::Lanes => {
            let mut pacer = pinpace_engine::scheduler::rebuild_pacer(&store, &[], now)?;
            let lanes: Vec<_> = store
                .accounts()?
                .iter()
                .map(|a| json!({ "account_id": a.id, "status": a.status, "windows": pacer.usage(a.id, now), "paused": pacer.paused(a.id, now) }))
                .collect();
            println!("{}", serde_json::to_string(&lanes).expect("json"));
        }
    }
    Ok(())
}
