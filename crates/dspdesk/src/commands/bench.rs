//! `dspdesk bench`: generate a network, then measure ingest and recompute.

use super::thousands;
use crate::Cli;
use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::simulate::{SimConfig, simulate};
use dspdesk_app::{Kind, Progress, Workspace};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Measure ingest (CSV to lake and facts) and recompute (lake to facts) throughput.
///
/// Generates a network of about --rows delivery rows, loads deliveries and routes
/// into a fresh data folder, then recomputes every daily fact from the lake. Use a
/// release build: `cargo run --release -p dspdesk -- bench`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  dspdesk bench --rows 10000000 --keep /tmp/dspdesk-bench")]
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
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub async fn run(_cli: &Cli, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let root = args.keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("dspdesk-bench-{}", std::process::id()))
    });
    if root.join("data").exists() {
        std::fs::remove_dir_all(root.join("data"))?;
    }
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
    println!(
        "generated {} deliveries ({:.0} MiB CSV), {} routes in {sim_s:.1}s",
        thousands(sim.deliveries),
        csv_bytes as f64 / 1048576.0,
        thousands(sim.routes)
    );

    let ws = Workspace::open(&root.join("data"), None).await?;
    let opts = IngestOptions {
        loaded_by: "bench".into(),
        ..IngestOptions::default()
    };
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
    let rc = dspdesk_app::recompute::recompute(&ws, None, None).await?;
    println!();
    println!(
        "{:<34} {:>12} {:>9} {:>14}",
        "phase", "rows", "seconds", "rows/s"
    );
    let line = |name: &str, rows: u64, s: f64| {
        println!(
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
    println!(
        "{} station-days, {} daily facts; CSV read at {:.0} MiB/s; peak memory {:.0} MiB",
        thousands(rc.station_days),
        thousands(rc.facts),
        csv_bytes as f64 / 1048576.0 / d.seconds.max(1e-9),
        peak_rss_mib().unwrap_or(f64::NAN)
    );
    ws.store.close().await;
    if args.keep.is_none() {
        std::fs::remove_dir_all(&root)?;
    } else {
        println!("kept {} (sim/ and data/)", root.display());
    }
    Ok(ExitCode::SUCCESS)
}
