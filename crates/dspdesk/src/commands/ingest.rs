//! `dspdesk ingest deliveries|routes|remittances FILE...`

use super::{open, progress_bar, thousands};
use crate::{Cli, EXIT_BAD_DATA};
use clap::{Args, ValueEnum};
use dspdesk_app::ingest::{IngestOptions, IngestReport, ingest};
use dspdesk_app::{AppError, DayMode, Kind, Progress, Workspace};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Deliveries,
    Routes,
    Remittances,
}

impl KindArg {
    pub fn kind(self) -> Kind {
        match self {
            KindArg::Deliveries => Kind::Deliveries,
            KindArg::Routes => Kind::Routes,
            KindArg::Remittances => Kind::Remittances,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// Load delivery, route or COD remittance files (CSV, .xlsx, Parquet, JSON).
///
/// A file replaces every station-day (station × date) it contains, whole and at once.
/// A file with any bad row loads nothing and lists the errors, unless --skip-bad-rows.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk ingest deliveries deliveries-2026-11-20.csv\n  dspdesk ingest routes routes.xlsx --skip-bad-rows\n  dspdesk ingest deliveries export.csv --profile profiles/acme.toml"
)]
pub struct IngestArgs {
    /// What the files hold.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// One or more files, loaded in order, each in its own transaction.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// An import profile (TOML) that maps another export onto the canonical columns.
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Load the good rows and write the rejected ones, with reasons, to FILE.rejects.csv.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Where the file carries only part of a stored station-day: keep the stored rows it lacks.
    #[arg(long, conflicts_with = "replace")]
    pub merge: bool,
    /// Where the file carries only part of a stored station-day: drop the stored rows it lacks.
    #[arg(long)]
    pub replace: bool,
    /// Who loads the files, for the ingest log (default: $USER).
    #[arg(long, env = "DSPDESK_USER")]
    pub loaded_by: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub async fn run(cli: &Cli, args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let kind = args.kind.kind();
    let opts = options(args);
    let mut reports = Vec::new();
    for file in &args.files {
        match load_file(cli, &ws, kind, file, &opts).await {
            Ok(r) => {
                if matches!(args.format, OutputFormat::Text) {
                    print_report(&r);
                }
                reports.push(r);
            }
            Err(AppError::Ingest(e)) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(EXIT_BAD_DATA));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if reports
        .iter()
        .any(|r| r.outcome == dspdesk_app::Outcome::Loaded)
    {
        let r = dspdesk_app::cases::refresh(&ws, chrono::Utc::now()).await?;
        if matches!(args.format, OutputFormat::Text) {
            outln!(
                "flags: {} opened, {} cleared, {} still open (dspdesk flags lists them)",
                r.flags.opened,
                r.flags.cleared,
                r.flags.kept
            );
            outln!(
                "cases: {} opened, {} updated, {} resolved by the data, {} withdrawn (dspdesk cases list shows them)",
                r.cases.opened,
                r.cases.updated,
                r.cases.resolved,
                r.cases.withdrawn
            );
        }
    }
    if matches!(args.format, OutputFormat::Json) {
        outln!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(ExitCode::SUCCESS)
}

fn options(args: &IngestArgs) -> IngestOptions {
    IngestOptions {
        profile: args.profile.clone(),
        skip_bad_rows: args.skip_bad_rows,
        mode: if args.merge {
            DayMode::Merge
        } else if args.replace {
            DayMode::Replace
        } else {
            DayMode::Strict
        },
        loaded_by: args
            .loaded_by
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "unknown".into()),
        spill_rows: None,
    }
}

/// Loads one file, with a progress bar while it runs.
async fn load_file(
    cli: &Cli,
    ws: &Workspace,
    kind: Kind,
    file: &Path,
    opts: &IngestOptions,
) -> Result<IngestReport, AppError> {
    let progress = Arc::new(Progress::default());
    let bar = progress_bar(cli.quiet, progress.clone(), format!("{}", file.display()));
    let result = ingest(ws, kind, file, opts, progress).await;
    // The bar goes before anything is printed about the file, so the two do not mix.
    if let Some((bar, handle)) = bar {
        handle.abort();
        bar.finish_and_clear();
    }
    result
}

fn print_report(r: &IngestReport) {
    let rejected = match &r.rejects_file {
        Some(f) if r.rows_rejected > 0 => {
            format!(", {} rejected (see {f})", thousands(r.rows_rejected))
        }
        _ => String::new(),
    };
    let skipped = if r.rows_skipped > 0 {
        format!(", {} skipped by the profile", thousands(r.rows_skipped))
    } else {
        String::new()
    };
    if r.outcome == dspdesk_app::Outcome::Unchanged {
        outln!(
            "{}: unchanged: the same content is already loaded and current; nothing to do ({:.1}s)",
            r.file,
            r.seconds
        );
    } else {
        outln!(
            "{}: loaded {} {} rows{rejected}{skipped}; {} station-days replaced; {} daily facts; {:.1}s ({:.0} rows/s)",
            r.file,
            thousands(r.rows_loaded),
            r.kind,
            thousands(r.station_days),
            thousands(r.facts),
            r.seconds,
            r.rows_loaded as f64 / r.seconds.max(1e-9),
        );
    }
}
