//! One module per command; each parses its arguments, calls one use case, prints.

pub mod bench;
pub mod cases;
pub mod demo;
pub mod documents;
pub mod ev;
pub mod export;
pub mod ingest;
pub mod invoices;
pub mod launches;
pub mod misc;
pub mod onboarding;
pub mod partners;
pub mod plans;
pub mod profile;
pub mod reports;
pub mod reviews;
pub mod scorecard;
pub mod serve;
pub mod simulate;
pub mod supervisors;
pub mod today;
pub mod vas;

use crate::{Cli, Command};
use dspdesk_app::Workspace;
use std::process::ExitCode;

/// The person at the terminal, named in the audit log as `cli:NAME`: whoever can open
/// the data folder and its database acts as the installation's admin.
pub fn operator() -> dspdesk_app::Actor {
    let name = std::env::var("DSPDESK_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    dspdesk_app::Actor::operator(&name)
}

/// The example rate book the demo and the scorecard bench load, so profitability has numbers.
pub const EXAMPLE_RATES: &str = include_str!("../../../../examples/config/rates.toml");

/// A simulation's files in the order the demo and the bench load them.
pub fn sim_files(
    sim: &dspdesk_app::simulate::SimSummary,
) -> [(dspdesk_app::Kind, &std::path::Path); 3] {
    use dspdesk_app::Kind;
    [
        (Kind::Routes, &sim.routes_path),
        (Kind::Deliveries, &sim.deliveries_path),
        (Kind::Remittances, &sim.remittances_path),
    ]
}

/// A day as the commands take it (`--from 2026-11-01`).
pub fn day(raw: &str) -> Result<chrono::NaiveDate, String> {
    dspdesk_core::time::parse_day(raw).map_err(|e| e.to_string())
}

/// A share as the commands print it: one decimal and `%`, or `–` when empty.
pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}%"))
}

/// A table printed as CSV.
pub fn print_csv(t: &dspdesk_app::Table) -> anyhow::Result<()> {
    let mut out = Vec::new();
    dspdesk_app::shared::table::write_csv(t, &mut out)?;
    outln!("{}", String::from_utf8_lossy(&out).trim_end());
    Ok(())
}

pub async fn open(cli: &Cli) -> anyhow::Result<Workspace> {
    Ok(Workspace::open(&cli.data_dir, cli.database_url.as_deref()).await?)
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Ingest(args) => ingest::run(&cli, args).await,
        Command::Cases(args) => cases::run(&cli, args).await,
        Command::Jobs(args) => cases::jobs(&cli, args).await,
        Command::Reviews(args) => reviews::run(&cli, args).await,
        Command::Plans(args) => plans::run(&cli, args).await,
        Command::Documents(args) => documents::run(&cli, args).await,
        Command::Onboarding(args) => onboarding::run(&cli, args).await,
        Command::Invoices(args) => invoices::run(&cli, args).await,
        Command::Ev(args) => ev::run(&cli, args).await,
        Command::Vas(args) => vas::run(&cli, args).await,
        Command::Today(args) => today::run(&cli, args).await,
        Command::Report(cmd) => reports::run(&cli, cmd).await,
        Command::Supervisors(args) => supervisors::run(&cli, args).await,
        Command::Launches(args) => launches::run(&cli, args).await,
        Command::Partners(args) => partners::run(&cli, args).await,
        Command::Export(cmd) => export::run(&cli, cmd).await,
        Command::Simulate(args) => simulate::run(args),
        Command::Recompute(args) => misc::recompute(&cli, args).await,
        Command::Bench(args) => bench::run(&cli, args).await,
        Command::Stations(cmd) => misc::stations(&cli, cmd).await,
        Command::Batches(args) => misc::batches(&cli, args).await,
        Command::Data => misc::data(&cli).await,
        Command::Profile(cmd) => profile::run(&cli, cmd).await,
        Command::Demo(args) => demo::run(&cli, args).await,
        Command::Serve(args) => serve::serve(&cli, args).await,
        Command::Users(cmd) => serve::users(&cli, cmd).await,
        Command::Tokens(cmd) => serve::tokens(&cli, cmd).await,
        Command::Score(args) => scorecard::score(&cli, args).await,
        Command::Explain(args) => scorecard::explain(&cli, args).await,
        Command::Config(cmd) => scorecard::config(&cli, cmd).await,
        Command::Goals(cmd) => scorecard::goals(&cli, cmd).await,
        Command::Flags(args) => scorecard::flags(&cli, args).await,
    }
}

/// A progress bar on a terminal, following a reader's counters; none otherwise.
pub fn progress_bar(
    quiet: bool,
    progress: std::sync::Arc<dspdesk_app::Progress>,
    label: String,
) -> Option<(indicatif::ProgressBar, tokio::task::JoinHandle<()>)> {
    use std::io::IsTerminal;
    use std::sync::atomic::Ordering;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {percent}% {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(label);
    let b = bar.clone();
    let handle = tokio::spawn(async move {
        loop {
            b.set_length(progress.total.load(Ordering::Relaxed));
            b.set_position(progress.done.load(Ordering::Relaxed));
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
    Some((bar, handle))
}

/// Formats a count with thousands separators: 10000000 → 10,000,000.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
