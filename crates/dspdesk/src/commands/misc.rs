//! Small commands: recompute, stations, batches.

use super::{open, thousands};
use crate::Cli;
use chrono::NaiveDate;
use chrono_tz::Tz;
use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Recompute daily facts from the lake (all station-days, or those in a date range).
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  dspdesk recompute --from 2026-11-01 --to 2026-11-30")]
pub struct RecomputeArgs {
    #[arg(long, value_parser = dspdesk_core::time::parse_day)]
    pub from: Option<NaiveDate>,
    #[arg(long, value_parser = dspdesk_core::time::parse_day)]
    pub to: Option<NaiveDate>,
}

pub async fn recompute(cli: &Cli, args: &RecomputeArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let r = dspdesk_app::ingest::recompute(&ws, args.from, args.to).await?;
    outln!(
        "recomputed {} station-days ({} rows) into {} daily facts: {:.2}s computing, {:.2}s storing",
        thousands(r.station_days),
        thousands(r.rows),
        thousands(r.facts),
        r.seconds_compute,
        r.seconds_store
    );
    Ok(ExitCode::SUCCESS)
}

/// Stations and their time zones.
#[derive(Subcommand, Debug)]
pub enum StationsCommand {
    /// List stations with their time zones.
    List,
    /// Set a station's time zone (IANA name), creating the station if new.
    ///
    /// Timestamps without an offset are read in this zone from the next ingest on.
    #[command(after_help = "Example:\n  dspdesk stations set-zone DXB1 Asia/Dubai")]
    SetZone { code: String, zone: String },
    /// Name a station (screens show the name beside its code).
    #[command(after_help = "Example:\n  dspdesk stations set-name BOM12 \"Mumbai Andheri East\"")]
    SetName { code: String, name: String },
}

pub async fn stations(cli: &Cli, cmd: &StationsCommand) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    match cmd {
        StationsCommand::List => {
            outln!("{:<12} {:<24} name", "station", "timezone");
            for s in dspdesk_app::network::stations(&ws).await? {
                outln!("{:<12} {:<24} {}", s.code, s.timezone, s.name);
            }
        }
        StationsCommand::SetName { code, name } => {
            dspdesk_app::network::set_station_name(&ws, code, name).await?;
            outln!("{code}: {}", name.trim());
        }
        StationsCommand::SetZone { code, zone } => {
            dspdesk_core::StationCode::parse(code)
                .map_err(|e| anyhow::anyhow!("station code {code:?} {e}"))?;
            zone.parse::<Tz>().map_err(|_| {
                anyhow::anyhow!("{zone:?} is not an IANA time zone such as Asia/Kolkata")
            })?;
            let change = dspdesk_app::network::set_station_zone(&ws, code, zone).await?;
            outln!("{code}: {zone}");
            if let (Some(previous), false) = (&change.previous, change.sources.is_empty()) {
                let days: i64 = change.sources.iter().map(|s| s.2).sum();
                outln!(
                    "{days} stored station-days of {code} were read in {previous}: times written without an offset in them still mean {previous} time. To read them in {zone}, load their files again (a changed zone makes the same file load, not `unchanged`):"
                );
                for (kind, file, n) in &change.sources {
                    outln!("  dspdesk ingest {kind} {file}    # {n} station-days");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The ingest log: every file loaded, rejected or found unchanged.
#[derive(Args, Debug)]
pub struct BatchesArgs {
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
}

pub async fn batches(cli: &Cli, args: &BatchesArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    outln!(
        "{:>5} {:<16} {:<10} {:>12} {:>9} {:>6} {:<20} file",
        "id",
        "kind",
        "outcome",
        "loaded",
        "rejected",
        "days",
        "when (UTC)"
    );
    for b in dspdesk_app::ingest::batches(&ws, args.limit).await? {
        outln!(
            "{:>5} {:<16} {:<10} {:>12} {:>9} {:>6} {:<20} {}",
            b.id,
            b.kind,
            b.outcome,
            thousands(b.rows_loaded as u64),
            thousands(b.rows_rejected as u64),
            b.station_days,
            b.finished_at.format("%Y-%m-%d %H:%M:%S"),
            b.file_name
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What is loaded: each kind's station-days, stations and first and last dates.
pub async fn data(cli: &Cli) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let loaded = dspdesk_app::ingest::loaded(&ws).await?;
    if loaded.is_empty() {
        outln!("nothing is loaded yet; load files with `dspdesk ingest KIND FILE`");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "{:<12} {:>12} {:>9} {:<10} {:<10}",
        "kind",
        "station-days",
        "stations",
        "first",
        "last"
    );
    for l in &loaded {
        outln!(
            "{:<12} {:>12} {:>9} {:<10} {:<10}",
            l.kind,
            l.station_days,
            l.stations,
            l.first,
            l.last
        );
    }
    let stations = dspdesk_app::network::stations(&ws).await?;
    let zones: std::collections::BTreeSet<&str> =
        stations.iter().map(|s| s.timezone.as_str()).collect();
    outln!(
        "{} stations in {} ({}); `dspdesk stations list` lists them",
        stations.len(),
        if zones.len() == 1 {
            "the zone"
        } else {
            "the zones"
        },
        zones.into_iter().collect::<Vec<_>>().join(", ")
    );
    if let Some((first, last)) = ws.loaded_range().await? {
        outln!(
            "daily facts from {first} to {last}: `dspdesk export metrics --grain day` exports them all"
        );
    }
    Ok(ExitCode::SUCCESS)
}
