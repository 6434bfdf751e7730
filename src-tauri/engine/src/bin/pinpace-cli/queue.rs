//! `pinpace-cli queue`: the window's queue actions, headless, through the same engine API
//! (`pinpace_engine::api::bulk` and `api::queue`), so the rules and error codes are the
//! window's. Each prints one JSON line: a bulk result (`{"done", "refused": [...]}`) or the
//! edited job. A scheduler started later (`run`) sends what these changed.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use pinpace_engine::api::{bulk, queue, Offline};
use pinpace_engine::queue::PinEdit;
use pinpace_engine::EngineError;
use pinpace_engine::JobId;
use pinpace_engine::PinText;

#[derive(Subcommand)]
pub enum QueueCommand {
    /// Move jobs, in the order given, to --at and every --spacing-minutes after it.
    Move {
        #[command(flatten)]
        jobs: JobIds,
        /// RFC 3339, e.g. 2026-12-24T09:00:00+01:00.
        #[arg(long)]
        at: DateTime<Utc>,
        #[arg(long, default_value_t = 0)]
        spacing_minutes: u32,
    },
    /// Hold jobs: each becomes a draft again, with its account, board and time.
    Hold(JobIds),
    /// Send failed or missed jobs again now, each with a fresh retry budget.
    Retry(JobIds),
    /// Cancel jobs that have not gone out.
    Cancel(JobIds),
    /// Edit one job's pin (text, board, section) and queue it again, now or at --at.
    Edit(EditArgs),
}

#[derive(Args)]
pub struct JobIds {
    /// The jobs' ids (see `pinpace-cli jobs`).
    #[arg(required = true, num_args = 1..)]
    ids: Vec<JobId>,
}

#[derive(Args)]
pub struct EditArgs {
    job_id: JobId,
    #[arg(long)]
    board: String,
    #[arg(long)]
    section: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    link: Option<String>,
    #[arg(long)]
    alt_text: Option<String>,
    /// RFC 3339 publish time; without it the pin is sent now.
    #[arg(long)]
    at: Option<DateTime<Utc>>,
}

pub fn execute(ws: &Offline, command: QueueCommand) -> Result<(), EngineError> {
    let out = match command {
        QueueCommand::Move {
            jobs,
            at,
            spacing_minutes,
        } => json(&bulk::move_to(ws, &jobs.ids, at, spacing_minutes)?),
        QueueCommand::Hold(jobs) => json(&bulk::hold(ws, &jobs.ids)?),
        QueueCommand::Retry(jobs) => json(&bulk::retry(ws, &jobs.ids)?),
        QueueCommand::Cancel(jobs) => json(&bulk::cancel(ws, &jobs.ids)?),
        QueueCommand::Edit(args) => {
            let edit = PinEdit {
                text: PinText {
                    title: args.title,
                    description: args.description,
                    link: args.link,
                    alt_text: args.alt_text,
                },
                board_id: args.board,
                section_id: args.section,
                at: args.at,
            };
            json(&queue::edit(ws, args.job_id, &edit)?)
        }
    };
    println!("{out}");
    Ok(())
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("json")
}
