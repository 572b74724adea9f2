//! `dspdesk profile check|suggest`: how a file would load, before it loads.

use super::ingest::{KindArg, OutputFormat};
use super::open;
use crate::Cli;
use clap::Subcommand;
use dspdesk_app::ingest::{Check, check, suggest_profile};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Show how each canonical column would be filled from FILE (with a profile or
    /// without), what the first rows read as, and what a load would do; nothing loads.
    #[command(
        after_help = "Example:\n  dspdesk profile check export.csv --kind deliveries --profile acme.toml"
    )]
    Check {
        file: PathBuf,
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        profile: Option<PathBuf>,
        /// How many rows to show.
        #[arg(long, default_value_t = 3)]
        sample: usize,
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Print a starting import profile for FILE: each column matched to the header it
    /// most likely is, and a comment for each one left to decide.
    #[command(
        after_help = "Example:\n  dspdesk profile suggest export.csv --kind deliveries > acme.toml"
    )]
    Suggest {
        file: PathBuf,
        #[arg(long, value_enum)]
        kind: KindArg,
    },
}

pub async fn run(cli: &Cli, cmd: &ProfileCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ProfileCommand::Suggest { file, kind } => {
            outln!("{}", suggest_profile(kind.kind(), file).await?);
            Ok(ExitCode::SUCCESS)
        }
        ProfileCommand::Check {
            file,
            kind,
            profile,
            sample,
            format,
        } => {
            let ws = open(cli).await?;
            let c = check(&ws, kind.kind(), file, profile.clone(), *sample).await?;
            match format {
                OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&c)?),
                OutputFormat::Text => print_check(&c),
            }
            Ok(if c.dry_run.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(crate::EXIT_BAD_DATA)
            })
        }
    }
}

fn print_check(c: &Check) {
    let i = &c.inspection;
    outln!("the file's columns: {}", i.headers.join(", "));
    for col in &i.columns {
        outln!(
            "\n{}{} <- {}",
            col.column,
            if col.required { " (required)" } else { "" },
            col.from
        );
        for ((row, skipped), (raw, read)) in i.rows.iter().zip(&col.samples) {
            let read = match read {
                Ok(v) => format!("-> {v}"),
                Err(e) => format!("!! {e}"),
            };
            let skipped = if *skipped {
                "  (skipped by [[skip]])"
            } else {
                ""
            };
            outln!("  row {row}: {raw:?} {read}{skipped}");
        }
    }
    match &c.dry_run {
        Ok(d) => outln!(
            "\nread as a load would: {} rows, {} would load and {} be skipped, into {} station-days at {} stations, {} to {}. Nothing was loaded.",
            d.rows_read,
            d.rows_loaded,
            d.rows_skipped,
            d.station_days,
            d.stations.len(),
            d.first.map(|d| d.to_string()).unwrap_or_default(),
            d.last.map(|d| d.to_string()).unwrap_or_default()
        ),
        Err(e) => outln!("\nread as a load would, the file is refused:\n{e}"),
    }
}
