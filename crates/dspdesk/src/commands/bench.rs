//! `dspdesk bench`: generate a network, then measure ingest and recompute.

use super::{EXAMPLE_RATES, sim_files, thousands};
use crate::Cli;
use chrono::NaiveDate;
use dspdesk_app::ingest::{IngestOptions, IngestReport, RecomputeReport, ingest};
use dspdesk_app::shared::model::Model;
use dspdesk_app::simulate::{SimConfig, SimSummary, simulate};
use dspdesk_app::{Actor, Kind, Progress, Workspace};
use dspdesk_app::{config, flags, health};
use dspdesk_core::IsoWeek;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Measure ingest (CSV to lake and facts) and recompute (lake to facts) throughput.
///
/// Generates a network of about --rows delivery rows, loads deliveries and routes
/// into a fresh data folder, then recomputes every daily fact from the lake. Use a
/// release build: `cargo run --release -p dspdesk -- bench`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk bench --rows 10000000 --keep /tmp/dspdesk-bench\n  dspdesk bench --scorecard --stations 100 --partners 500 --days 364"
)]
pub struct BenchArgs {
    /// About how many delivery rows to generate.
    #[arg(long, default_value_t = 10_000_000)]
    pub rows: u64,
    #[arg(long, default_value_t = 100)]
    pub stations: u32,
    #[arg(long, default_value_t = 500)]
    pub partners: u32,
    /// Keep the generated files and data folder here (for comparisons); default: a temporary folder, removed.
    #[arg(long)]
    pub keep: Option<PathBuf>,
    /// Measure the scorecard instead: a year (--days) of the network at a low volume,
    /// then score every week, explain every partner, and refresh the flags.
    #[arg(long)]
    pub scorecard: bool,
    /// Days to simulate for --scorecard.
    #[arg(long, default_value_t = 364)]
    pub days: u32,
    /// Mean packages per station per day for --scorecard.
    #[arg(long, default_value_t = 150)]
    pub volume: u32,
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub async fn run(cli: &Cli, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    if args.scorecard {
        return scorecard(cli, args).await;
    }
    let root = fresh_root(args, "dspdesk-bench")?;
    let (sim, csv_bytes) = generate_rows(args, &root)?;
    let ws = Workspace::open(&root.join("data"), None).await?;
    let opts = bench_options();
    let routes = ingest(
        &ws,
        Kind::Routes,
        &sim.routes_path,
        &opts,
        Arc::new(Progress::default()),
    )
    .await?;
    let d = ingest(
        &ws,
        Kind::Deliveries,
        &sim.deliveries_path,
        &opts,
        Arc::new(Progress::default()),
    )
    .await?;
    let rc = dspdesk_app::ingest::recompute(&ws, None, None).await?;
    print_throughput(&routes, &d, &rc, csv_bytes);
    ws.close().await;
    if args.keep.is_none() {
        std::fs::remove_dir_all(&root)?;
    } else {
        outln!("kept {} (sim/ and data/)", root.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The folder to work in: --keep, or a temporary one named for this process. Its
/// data folder is removed first so every run loads into an empty one.
fn fresh_root(args: &BenchArgs, name: &str) -> anyhow::Result<PathBuf> {
    let root = args
        .keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("{name}-{}", std::process::id())));
    if root.join("data").exists() {
        std::fs::remove_dir_all(root.join("data"))?;
    }
    Ok(root)
}

fn bench_options() -> IngestOptions {
    IngestOptions {
        loaded_by: "bench".into(),
        ..IngestOptions::default()
    }
}

/// Simulates about --rows delivery rows; returns what was written and the size of
/// the deliveries CSV, for the read rate.
fn generate_rows(args: &BenchArgs, root: &Path) -> anyhow::Result<(SimSummary, u64)> {
    let volume = 1000u32;
    let days = ((args.rows as f64) / (f64::from(args.stations) * f64::from(volume)))
        .ceil()
        .max(1.0) as u32;
    let cfg = SimConfig {
        stations: args.stations,
        partners: args.partners,
        days,
        volume,
        ..SimConfig::default()
    };
    let t = Instant::now();
    let sim = simulate(&cfg, &root.join("sim"))?;
    let sim_s = t.elapsed().as_secs_f64();
    let csv_bytes = std::fs::metadata(&sim.deliveries_path)?.len();
    outln!(
        "generated {} deliveries ({:.0} MiB CSV), {} routes in {sim_s:.1}s",
        thousands(sim.deliveries),
        csv_bytes as f64 / 1048576.0,
        thousands(sim.routes)
    );
    Ok((sim, csv_bytes))
}

fn print_throughput(routes: &IngestReport, d: &IngestReport, rc: &RecomputeReport, csv_bytes: u64) {
    outln!();
    outln!(
        "{:<34} {:>12} {:>9} {:>14}",
        "phase",
        "rows",
        "seconds",
        "rows/s"
    );
    let line = |name: &str, rows: u64, s: f64| {
        outln!(
            "{name:<34} {:>12} {s:>9.2} {:>14}",
            thousands(rows),
            thousands((rows as f64 / s.max(1e-9)) as u64)
        );
    };
    line(
        "ingest routes (csv → lake+facts)",
        routes.rows_loaded,
        routes.seconds,
    );
    line("ingest deliveries, total", d.rows_loaded, d.seconds);
    line("  read + validate + stage", d.rows_loaded, d.seconds_read);
    line("  write lake parquet", d.rows_loaded, d.seconds_lake);
    line("  compute facts", d.rows_loaded, d.seconds_facts);
    line("  commit", d.rows_loaded, d.seconds_commit);
    line(
        "recompute all facts from the lake",
        rc.rows,
        rc.seconds_compute + rc.seconds_store,
    );
    line("  compute (engine)", rc.rows, rc.seconds_compute);
    line("  store facts", rc.rows, rc.seconds_store);
    outln!(
        "{} station-days, {} daily facts; CSV read at {:.0} MiB/s; peak memory {:.0} MiB",
        thousands(rc.station_days),
        thousands(rc.facts),
        csv_bytes as f64 / 1048576.0 / d.seconds.max(1e-9),
        peak_rss_mib().unwrap_or(f64::NAN)
    );
}

/// Loads a year of the network, then times every scorecard computation.
async fn scorecard(_cli: &Cli, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let bench = Actor::operator("bench");
    let root = fresh_root(args, "dspdesk-bench-score")?;
    let ws = load_network(args, &root, &bench).await?;
    let steps = time_scorecard(&ws, &bench).await?;
    // Printed only once every step is timed, so printing counts in none of them.
    outln!();
    for (name, s, what) in &steps.0 {
        outln!("{name:<48} {s:>8.3}s  {what}");
    }
    outln!("peak memory {:.0} MiB", peak_rss_mib().unwrap_or(f64::NAN));
    ws.close().await;
    if args.keep.is_none() {
        std::fs::remove_dir_all(&root)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Simulates the network and loads its files and the example rates into ROOT/data.
async fn load_network(args: &BenchArgs, root: &Path, bench: &Actor) -> anyhow::Result<Workspace> {
    let cfg = SimConfig {
        stations: args.stations,
        partners: args.partners,
        days: args.days,
        volume: args.volume,
        ..SimConfig::default()
    };
    let t = Instant::now();
    let sim = simulate(&cfg, &root.join("sim"))?;
    outln!(
        "generated {} stations, {} partners, {} days: {} deliveries, {} routes, {} remittances in {:.1}s",
        cfg.stations,
        cfg.partners,
        cfg.days,
        thousands(sim.deliveries),
        thousands(sim.routes),
        thousands(sim.remittances),
        t.elapsed().as_secs_f64()
    );
    let ws = Workspace::open(&root.join("data"), None).await?;
    let opts = bench_options();
    let t = Instant::now();
    for (kind, path) in sim_files(&sim) {
        ingest(&ws, kind, path, &opts, Arc::new(Progress::default())).await?;
    }
    config::load(
        &ws,
        dspdesk_core::config::ConfigKind::Rates,
        EXAMPLE_RATES,
        "bench",
        bench,
    )
    .await?;
    outln!("loaded in {:.1}s", t.elapsed().as_secs_f64());
    Ok(ws)
}

/// Each timed step: what it did, its seconds, and how much it produced.
#[derive(Default)]
struct Steps(Vec<(String, f64, String)>);

impl Steps {
    fn push(&mut self, name: impl Into<String>, seconds: f64, what: String) {
        self.0.push((name.into(), seconds, what));
    }
}

fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

async fn time_scorecard(ws: &Workspace, bench: &Actor) -> anyhow::Result<Steps> {
    let mut steps = Steps::default();
    let t = Instant::now();
    let model = Model::load(ws).await?;
    steps.push(
        "build the model (all facts, deposits, goals)",
        secs(t),
        String::new(),
    );
    let (first, last) = (
        model.first.unwrap_or_default(),
        model.last.unwrap_or_default(),
    );
    let week = time_model(&model, first, last, &mut steps);
    time_stored(ws, bench, (first, last), week, &mut steps).await?;
    Ok(steps)
}

/// The computations on the model in memory; returns the week the others use.
fn time_model(model: &Model, first: NaiveDate, last: NaiveDate, steps: &mut Steps) -> IsoWeek {
    let weeks = dspdesk_app::shared::table::weeks_between(first, last);
    let t = Instant::now();
    let mut scored = 0usize;
    for w in &weeks {
        scored += model.week(*w).partners.len();
    }
    steps.push(
        format!("score every week ({} weeks)", weeks.len()),
        secs(t),
        format!("{} partner-weeks", thousands(scored as u64)),
    );
    let week = model.last_complete_week().unwrap_or(weeks[0]);
    let t = Instant::now();
    let partners: Vec<String> = model.partners().cloned().collect();
    for p in &partners {
        let _ = model.explain(p, week, &|_| true);
    }
    steps.push(
        format!("explain every partner ({week})"),
        secs(t),
        format!("{} partners", partners.len()),
    );
    let t = Instant::now();
    let bottom = model.consistently_bottom(week);
    let what = format!("{} partners", bottom.len());
    steps.push("consistently bottom (6 weeks)", secs(t), what);
    let t = Instant::now();
    let goals = model.goals_week(week);
    steps.push(
        "route goals of the week",
        secs(t),
        format!("{} pairs", goals.len()),
    );
    let t = Instant::now();
    let cod = model.cod_ledger(first, last);
    let what = format!("{} rows", thousands(cod.len() as u64));
    steps.push("COD ledger, whole year", secs(t), what);
    let t = Instant::now();
    let unusual = model.unusual_days(first, last);
    steps.push(
        "unusual days, whole year",
        secs(t),
        format!("{} days", unusual.len()),
    );
    week
}

/// The computations that read or write the database.
async fn time_stored(
    ws: &Workspace,
    bench: &Actor,
    (first, last): (NaiveDate, NaiveDate),
    week: IsoWeek,
    steps: &mut Steps,
) -> anyhow::Result<()> {
    use dspdesk_core::profit::ProfitBy;
    let t = Instant::now();
    let by = [ProfitBy::Station, ProfitBy::Block, ProfitBy::Mot];
    let profit = dspdesk_app::profit::profit(ws, bench, first, last, &by).await?;
    steps.push(
        "profit by station, block, MOT, whole year",
        secs(t),
        format!("{} lines", profit.len()),
    );
    let t = Instant::now();
    let sync = flags::refresh_flags(ws).await?;
    let what = format!("{} open", sync.opened + sync.kept);
    steps.push("refresh flags (all kinds)", secs(t), what);
    let t = Instant::now();
    let run = health::score_week(ws, week, false, None, bench).await?;
    steps.push(
        format!("dspdesk score --week {week} (stored run)"),
        secs(t),
        format!("{} partners", run.partners),
    );
    Ok(())
}
