//! The `dspdesk` command.

/// Prints a line to standard output. A reader that went away (`dspdesk stations
/// list | head`) ends the output quietly: nothing panics, and a command with work
/// left (loading the next file) goes on with it.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` with the same rule as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod commands;

/// mimalloc instead of the C library's allocator. Ingest and recompute allocate and
/// free many mid-sized buffers (records, Arrow builders, Parquet pages) on every core
/// at once; with the C library's allocator a 12-million-row ingest loaded in 40 s,
/// with this one in 31–34 s (paired runs, `bench/duckdb-compare.sh`'s files).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// dspdesk: the workbench of a delivery-partner program.
///
/// Loads the network's delivery files into a Parquet lake, computes every partner's
/// daily numbers exactly, and exports them.
#[derive(Parser, Debug)]
#[command(
    name = "dspdesk",
    version,
    propagate_version = true,
    after_help = "Example:\n  dspdesk simulate --stations 5 --partners 20 --days 14 --out sim\n  dspdesk ingest deliveries sim/deliveries.csv\n  dspdesk export metrics --grain week --by partner --from 2026-07-27 --to 2026-08-09"
)]
pub struct Cli {
    /// The data folder: the lake and the default SQLite database.
    #[arg(
        long,
        global = true,
        env = "DSPDESK_DATA_DIR",
        default_value = DEFAULT_DATA_DIR
    )]
    pub data_dir: PathBuf,
    /// A database URL (sqlite://FILE or postgres://USER@HOST/DB); default: SQLite in the data folder.
    #[arg(long, global = true, env = "DSPDESK_DATABASE_URL")]
    pub database_url: Option<String>,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load files into the lake and compute their daily facts.
    Ingest(commands::ingest::IngestArgs),
    /// Write numbers out as CSV or JSON: metrics, scores, goals, profit, COD, flags.
    #[command(subcommand)]
    Export(commands::export::ExportCommand),
    /// What is loaded: each kind's station-days, stations and dates (pick --from/--to).
    Data,
    /// Check how a file reads with an import profile, or suggest one, before loading.
    #[command(subcommand)]
    Profile(commands::profile::ProfileCommand),
    Simulate(commands::simulate::SimulateArgs),
    Recompute(commands::misc::RecomputeArgs),
    Bench(commands::bench::BenchArgs),
    #[command(subcommand)]
    Stations(commands::misc::StationsCommand),
    Batches(commands::misc::BatchesArgs),
    Demo(commands::demo::DemoArgs),
    Serve(commands::serve::ServeArgs),
    #[command(subcommand)]
    Users(commands::serve::UsersCommand),
    #[command(subcommand)]
    Tokens(commands::serve::TokensCommand),
    /// Score a week (health score, tiers, rank) and keep the run.
    Score(commands::scorecard::ScoreArgs),
    /// Explain a partner's score change against the week before.
    Explain(commands::scorecard::ExplainArgs),
    /// Check, load, list and show versioned configuration (score, rates).
    #[command(subcommand)]
    Config(commands::scorecard::ConfigCommand),
    /// Suggest, adopt and set route goals.
    #[command(subcommand)]
    Goals(commands::scorecard::GoalsCommand),
    /// List (and refresh) the flags: everything that needs a person.
    Flags(commands::scorecard::FlagsArgs),
    /// Follow-ups: cases from the data and support-hub points, until they are closed.
    #[command(alias = "followups")]
    Cases(commands::cases::CasesArgs),
    /// The scheduler: one round of escalations and e-mail (for cron).
    Jobs(commands::cases::JobsArgs),
    /// DSP reviews and weekly business reviews, with their action items.
    Reviews(commands::reviews::ReviewsArgs),
    /// Improvement plans (MEPs): issue, track from the facts, extend, close.
    Plans(commands::plans::PlansArgs),
    /// Compliance documents and bank guarantees: types, uploads, checks, standing.
    Documents(commands::documents::DocumentsArgs),
    /// Onboarding: applicants moved stage by stage; live with the first route.
    Onboarding(commands::onboarding::OnboardingArgs),
    /// Invoices: checked on arrival (GSTIN, tax, number, payout); GST cases and disputes.
    Invoices(commands::invoices::InvoicesArgs),
    /// EV share of routes per partner and week, sustainability goals, who is behind.
    Ev(commands::ev::EvArgs),
    /// What needs a person today: open follow-ups and flags, most urgent first.
    Today(commands::today::TodayArgs),
    /// Reports: the daily DSP report and the weekly review pack (text, JSON, CSV, Excel).
    #[command(subcommand)]
    Report(commands::reports::ReportCommand),
    /// VAS adoption per partner and kind beside the network; kinds offered and enrolled.
    Vas(commands::vas::VasArgs),
    /// The supervisor ready reckoner: tenure, routes, DOT; top performers; names.
    Supervisors(commands::supervisors::SupervisorsArgs),
    /// Launch readiness: gated checklists and the go/no-go board.
    Launches(commands::launches::LaunchesArgs),
    /// The partner's file: legal name, GSTIN, PAN, contact, bank (masked), fleet.
    Partners(commands::partners::PartnersArgs),
}

/// The data folder when none is named.
pub const DEFAULT_DATA_DIR: &str = "./dspdesk-data";

/// Exit codes: 0 done, 1 failed, 2 wrong usage (clap), 65 bad input data.
pub const EXIT_BAD_DATA: u8 = 65;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DSPDESK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        // The reader of the output went away: nothing more to say to anyone.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", say(&e));
            ExitCode::FAILURE
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|c| {
                matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            })
    })
}

/// An error in the command line's words: a value the person gave is named by its flag.
fn say(e: &anyhow::Error) -> String {
    match e.downcast_ref::<dspdesk_app::AppError>() {
        Some(dspdesk_app::AppError::Invalid { field, message }) => format!("--{field}: {message}"),
        _ => format!("{e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command and option is well formed (clap checks a subcommand only when it
    /// runs, so a clash such as a second `--version` would reach a user first).
    #[test]
    fn every_command_is_well_formed() {
        Cli::command().debug_assert();
    }
}
