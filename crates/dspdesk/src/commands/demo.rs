//! `dspdesk demo`: a realistic network, generated and loaded, in one command.

use super::thousands;
use crate::Cli;
use chrono::Duration;
use dspdesk_app::export::{Grain, MetricsSpec, metrics};
use dspdesk_app::ingest::{IngestOptions, ingest};
use dspdesk_app::simulate::{SimConfig, simulate};
use dspdesk_app::{Kind, Progress, Workspace};
use dspdesk_core::IsoWeek;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Generate a realistic network, load it into an embedded SQLite database, summarise it.
///
/// 30 stations, 150 partners and 120 days by default, in DIR/input (the files) and
/// DIR/data (the lake and the database). Run it again to reuse what is loaded.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Example:\n  dspdesk demo\n  dspdesk --data-dir dspdesk-demo/data export metrics --grain week --by partner --from 2026-11-09 --to 2026-11-22"
)]
pub struct DemoArgs {
    /// Where the demo's files and data go.
    #[arg(long, default_value = "dspdesk-demo")]
    pub dir: PathBuf,
    #[arg(long, default_value_t = 30)]
    pub stations: u32,
    #[arg(long, default_value_t = 150)]
    pub partners: u32,
    #[arg(long, default_value_t = 120)]
    pub days: u32,
    /// Mean packages per station per day.
    #[arg(long, default_value_t = 400)]
    pub volume: u32,
    /// Generate and load again even if the demo is already loaded.
    #[arg(long)]
    pub fresh: bool,
}

pub async fn run(_cli: &Cli, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let data = args.dir.join("data");
    if args.fresh && args.dir.exists() {
        std::fs::remove_dir_all(&args.dir)?;
    }
    let ws = Workspace::open(&data, None).await?;
    if ws.store.facts_range().await?.is_none() {
        let cfg = SimConfig {
            stations: args.stations,
            partners: args.partners,
            days: args.days,
            volume: args.volume,
            ..SimConfig::default()
        };
        println!(
            "generating {} stations, {} partners, {} days into {} …",
            cfg.stations,
            cfg.partners,
            cfg.days,
            args.dir.join("input").display()
        );
        let sim = simulate(&cfg, &args.dir.join("input"))?;
        let opts = IngestOptions {
            loaded_by: "demo".into(),
            ..IngestOptions::default()
        };
        for (kind, path) in [
            (Kind::Routes, &sim.routes_path),
            (Kind::Deliveries, &sim.deliveries_path),
            (Kind::Remittances, &sim.remittances_path),
        ] {
            let r = ingest(&ws, kind, path, &opts, Arc::new(Progress::default())).await?;
            println!(
                "loaded {:>10} {:<16} {:>6} station-days  {:.1}s",
                thousands(r.rows_loaded),
                r.kind,
                thousands(r.station_days),
                r.seconds
            );
        }
    }
    let Some((_, last)) = ws.store.facts_range().await? else {
        anyhow::bail!("the demo loaded no facts");
    };
    // The last complete ISO week.
    let week = IsoWeek::of(last - Duration::days(7));
    let spec = |by_partner| MetricsSpec {
        grain: Grain::Week,
        by_partner,
        by_station: false,
        from: week.monday(),
        to: week.sunday(),
    };
    let pct = |v: Option<f64>| v.map(|x| format!("{x:.2}%")).unwrap_or_else(|| "–".into());
    if let Some(net) = metrics(&ws, &spec(false)).await?.first() {
        let c = &net.counts;
        println!(
            "\nnetwork, {week}: {} packages dispatched, DOT {}, DCR {}, NL {} DPMO, COD due {}",
            thousands(c.dispatched as u64),
            pct(c.dot_pct()),
            pct(c.dcr_pct()),
            c.nl_dpmo().map(|x| format!("{x:.0}")).unwrap_or_default(),
            c.cod_due(),
        );
    }
    let mut partners = metrics(&ws, &spec(true)).await?;
    partners.retain(|r| r.counts.dispatched >= 200);
    partners.sort_by(|a, b| {
        a.counts
            .dot_pct()
            .partial_cmp(&b.counts.dot_pct())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    println!("\nlowest on-time delivery, {week} (partners with 200+ packages):");
    println!(
        "  {:<8} {:>10} {:>9} {:>9}",
        "partner", "dispatched", "DOT", "DCR"
    );
    for r in partners.iter().take(8) {
        let c = &r.counts;
        println!(
            "  {:<8} {:>10} {:>9} {:>9}",
            r.partner.as_deref().unwrap_or(""),
            thousands(c.dispatched as u64),
            pct(c.dot_pct()),
            pct(c.dcr_pct())
        );
    }
    println!(
        "\nexplore it:\n  dspdesk --data-dir {} export metrics --grain week --by partner --from {} --to {}\n  dspdesk --data-dir {} batches",
        data.display(),
        week.monday(),
        week.sunday(),
        data.display()
    );
    println!(
        "(the web dashboard comes with the web application; until then, the numbers are on the command line)"
    );
    Ok(ExitCode::SUCCESS)
}
