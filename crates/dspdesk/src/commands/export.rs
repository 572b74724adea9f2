//! `dspdesk export metrics ...`

use super::open;
use crate::Cli;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use dspdesk_app::export::{Grain, MetricsSpec, metrics, write_csv, write_json};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    Metrics(MetricsArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GrainArg {
    Day,
    Week,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FileFormat {
    Csv,
    Json,
}

/// Daily metrics rolled up to a day or ISO week, by partner, station, both or neither.
///
/// Counts are summed and ratios recomputed from the sums (never averaged). A ratio
/// with a zero denominator is empty. Columns are named as in metrics.md.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk export metrics --grain week --by partner --from 2026-11-01 --to 2026-11-30\n  dspdesk export metrics --grain day --by partner,station --from 2026-11-20 --to 2026-11-20 --format json --out day.json"
)]
pub struct MetricsArgs {
    #[arg(long, value_enum)]
    pub grain: GrainArg,
    /// partner, station, or partner,station; omit for the whole network.
    #[arg(long)]
    pub by: Option<String>,
    /// First date (YYYY-MM-DD), included.
    #[arg(long)]
    pub from: NaiveDate,
    /// Last date (YYYY-MM-DD), included.
    #[arg(long)]
    pub to: NaiveDate,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FileFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn parse_by(by: Option<&str>) -> anyhow::Result<(bool, bool)> {
    let mut partner = false;
    let mut station = false;
    for part in by
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match part {
            "partner" => partner = true,
            "station" => station = true,
            other => bail!("--by {other:?}: use partner, station, or partner,station"),
        }
    }
    Ok((partner, station))
}

pub async fn run(cli: &Cli, cmd: &ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Metrics(args) = cmd;
    let (by_partner, by_station) = parse_by(args.by.as_deref())?;
    let spec = MetricsSpec {
        grain: match args.grain {
            GrainArg::Day => Grain::Day,
            GrainArg::Week => Grain::Week,
        },
        by_partner,
        by_station,
        from: args.from,
        to: args.to,
    };
    let ws = open(cli).await?;
    let rows = metrics(&ws, &spec).await?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    match args.format {
        FileFormat::Csv => write_csv(&spec, &rows, &mut out)?,
        FileFormat::Json => write_json(&spec, &rows, &mut out)?,
    }
    out.flush()?;
    if let Some(path) = &args.out {
        eprintln!("wrote {} rows to {}", rows.len(), path.display());
    }
    Ok(ExitCode::SUCCESS)
}
