//! `import` and `export`: the engine's bulk import and CSV export, for scripts. The import prints
//! the per-row report as one JSON value on standard output; when no row of the file can be in the
//! database afterwards (or an all-or-nothing import is refused, or the header is wrong) it also fails with the usual `{"error": ...}` on standard
//! error, so a script can test the exit status and still read which rows were wrong.

use pinpace_engine::AccountId;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pinpace_engine::api::transfer::{self, ExportKind};
use pinpace_engine::api::{Offline, Workspace};
use pinpace_engine::export;
use pinpace_engine::import::{self, ImportFormat, ImportMode, ImportOptions, ImportSource};
use pinpace_engine::{EngineError, ErrorCode, Store};
use serde_json::json;

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Auto,
    PinterestCsv,
    PinpaceCsv,
    Json,
}

#[derive(Args)]
pub struct ImportArgs {
    /// A CSV or JSON file of pins.
    file: PathBuf,
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// The account of rows that name none (Pinterest's CSV names none).
    #[arg(long)]
    account: Option<AccountId>,
    /// IANA time zone of publish dates written without an offset (default: UTC).
    #[arg(long)]
    time_zone: Option<String>,
    /// Check every row and print the report; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import nothing unless every row is valid (default: import the valid rows).
    #[arg(long)]
    all_or_nothing: bool,
    /// Print progress as JSON lines on standard error.
    #[arg(long)]
    progress: bool,
    /// Read local images wherever the file points (default: only under the file's folder; the
    /// report's `outside_media` lists the others).
    #[arg(long)]
    allow_media_outside: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportWhat {
    /// Jobs still to be published, as PinPace's import CSV.
    Queue,
    /// Published jobs with their Pinterest URL, failed and cancelled ones with the reason.
    History,
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    what: ExportWhat,
    /// Write to this file instead of standard output (never inside the data folder or onto the
    /// secrets file; written whole, then renamed into place).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the `--out` file if it exists (without it, an existing file is an error,
    /// `file_exists`, and is left as it was).
    #[arg(long, requires = "out")]
    replace: bool,
}

pub fn import(
    store: &mut Store,
    args: ImportArgs,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), EngineError> {
    let format = match args.format {
        FormatArg::Auto => ImportFormat::Auto,
        FormatArg::PinterestCsv => ImportFormat::PinterestCsv,
        FormatArg::PinpaceCsv => ImportFormat::PinpaceCsv,
        FormatArg::Json => ImportFormat::Json,
    };
    let source = ImportSource::path(&args.file, format);
    let options = ImportOptions {
        default_account_id: args.account,
        default_time_zone: args.time_zone,
        allowed_outside_media: Vec::new(),
        allow_any_outside_media: args.allow_media_outside,
    };
    let mode = if args.all_or_nothing {
        ImportMode::AllOrNothing
    } else {
        ImportMode::AllValidRows
    };
    let show = args.progress;
    let mut progress = |p: import::ImportProgress| {
        if show {
            eprintln!("{}", serde_json::to_string(&p).expect("json"));
        }
    };
    let report = if args.dry_run {
        import::preview(store, &source, &options, now, &mut progress)?
    } else {
        import::commit(store, &source, &options, mode, now, &mut progress)?
    };
    println!("{}", serde_json::to_string(&report).expect("json"));
    let c = &report.counts;
    let file_errors = report.file_issues.iter().any(|i| i.is_error());
    let refused = file_errors
        || (args.all_or_nothing && c.invalid > 0)
        || (c.invalid > 0 && c.valid == 0 && c.already_imported == 0);
    if refused {
        return Err(EngineError::new(
            ErrorCode::InvalidInput,
            format!(
                "{}: {} nothing; {} rows invalid, {} valid, {} already imported (see the report)",
                args.file.display(),
                if args.dry_run {
                    "an import would write"
                } else {
                    "imported"
                },
                c.invalid,
                c.valid,
                c.already_imported
            ),
        ));
    }
    Ok(())
}

/// With `--out`, through the same checks as the window's export (`api::transfer::export_csv`).
pub fn export(ws: &Offline, args: ExportArgs) -> Result<(), EngineError> {
    match &args.out {
        Some(path) => {
            let kind = match args.what {
                ExportWhat::Queue => ExportKind::Queue,
                ExportWhat::History => ExportKind::History,
            };
            let path = std::path::absolute(path).map_err(|e| {
                EngineError::new(ErrorCode::InvalidInput, format!("{}: {e}", path.display()))
            })?;
            let summary = transfer::export_csv(ws, kind, &path.to_string_lossy(), args.replace)?;
            println!("{}", json!({ "rows": summary.rows, "file": path }));
        }
        None => {
            let store = ws.store();
            let out = &mut std::io::stdout().lock();
            match args.what {
                ExportWhat::Queue => export::queue_csv(&store, out)?,
                ExportWhat::History => export::history_csv(&store, out)?,
            };
        }
    }
    Ok(())
}
