//! pinpace-bench: PinPace against three baseline schedulers, side by side in one run, on the
//! simulator with scaled time (`make bench`). Prints a table and writes it as markdown to
//! target/bench/latest.md with the date and machine. `--quick` shortens the idle measurement.
//! `pinpace-bench import [rows]` runs only the bulk import scenario, and `pinpace-bench screens
//! [jobs]` only the reads behind the desktop's screens (neither is part of the default run).

mod baselines;
mod fixtures;
mod harness;
mod import_bench;
mod precision_import;
mod precision_large;
mod report;
mod scale;
mod scenarios;
mod screens_bench;

use clap::{Parser, Subcommand};

/// The bench's options (clap: a bad number is refused with its message, never read as 0).
#[derive(Parser)]
#[command(
    name = "pinpace-bench",
    about = "PinPace against baseline schedulers on the simulator"
)]
struct Cli {
    #[command(subcommand)]
    only_part: Option<Part>,
    /// Shorten the idle measurement (and scenario 4b).
    #[arg(long)]
    quick: bool,
    /// Run one scenario: 1, 2, 3, 4, 4b, 4c, 5, 5b or 6.
    #[arg(long, value_parser = ["1", "2", "3", "4", "4b", "4c", "5", "5b", "6"])]
    only: Option<String>,
}

#[derive(Subcommand)]
enum Part {
    /// Only the bulk import scenario (rows; 0 or none: its default).
    Import { rows: Option<usize> },
    /// Only the reads behind the desktop's screens (jobs; 0 or none: its default).
    Screens { jobs: Option<usize> },
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cli = Cli::parse();
    // Off unless asked for (`PINPACE_BENCH_LOG=pinpace_engine::pacing=debug`): logging costs time
    // the scenarios measure. Goes to stderr; the table goes to stdout.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("PINPACE_BENCH_LOG") {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    match cli.only_part {
        Some(Part::Import { rows }) => return import_bench::run(rows.unwrap_or(0)),
        Some(Part::Screens { jobs }) => return screens_bench::run(jobs.unwrap_or(0)),
        None => {}
    }
    let quick = cli.quick;
    let only = cli.only;
    let want = |n: &str| only.as_deref().is_none_or(|o| o == n);
    let started = std::time::Instant::now();
    let mut rows = Vec::new();
    // Each scenario's rows are printed as soon as it ends: the whole run takes minutes.
    let mut done = |part: Vec<report::Row>| {
        eprintln!("[{:>4.0} s]", started.elapsed().as_secs_f64());
        report::print(&part);
        rows.extend(part);
    };
    if want("1") {
        done(scenarios::known_limits().await);
    }
    if want("2") {
        done(scenarios::hidden_limit().await);
    }
    if want("3") {
        done(scenarios::hot_account().await);
    }
    if want("4") {
        done(scenarios::precision().await);
    }
    if want("4c") {
        done(precision_import::precision_during_import(100_000, 250).await);
    }
    if want("5") {
        // 30 s idle (60 s before 2026-12-04): the whole make bench has to stay under 15 minutes.
        done(scale::scale(scale::SCALE_100K, if quick { 10 } else { 30 }).await);
    }
    if want("5b") {
        done(scale::scale(scale::SCALE_1M, if quick { 10 } else { 30 }).await);
    }
    if want("6") {
        done(scenarios::trial_fairness().await);
    }
    // Last: its 20 MB images raise the process's peak memory, which scenario 5 reports.
    if want("4b") {
        done(precision_large::precision_with_big_images(if quick { 100 } else { 300 }).await);
    }
    println!();
    report::print(&rows);
    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_else(|| "unknown CPU".into())
    );
    let header = format!(
        "Measured {} on {machine}, in {:.0} s (simulated time scaled; every figure is simulated time)",
        chrono::Utc::now().format("%Y-%m-%d"),
        started.elapsed().as_secs_f64()
    );
    let md = report::markdown(&rows, &header);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    std::fs::write(dir.join("latest.md"), &md).expect("write the report");
    println!("\n{header}\nwritten to target/bench/latest.md");
}
