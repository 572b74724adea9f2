//! `dspdesk export metrics ...`

use super::open;
use crate::Cli;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use dspdesk_app::network::export::{Grain, MetricsSpec, metrics, write_csv, write_json};
use dspdesk_app::shared::table::{weeks_between, write_csv as table_csv, write_json as table_json};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Daily metrics rolled up to a day or ISO week, by partner, station, both or
    /// neither (the dates default to everything loaded).
    Metrics(MetricsArgs),
    /// Weekly health scores with components, tier, rank and the bottom share; one row
    /// per partner (--by partner, the default) or partner × station (--by partner,station)
    /// for every ISO week overlapping the dates.
    #[command(
        after_help = "Example:\n  dspdesk export scores --from 2026-11-16 --to 2026-11-22 --format json"
    )]
    Scores(SliceArgs),
    /// Route goals, attainment and next period's suggestion per partner × station × week.
    #[command(after_help = "Example:\n  dspdesk export goals --from 2026-11-16 --to 2026-11-22")]
    Goals(SliceArgs),
    /// Payout, cost, profit and margin_pct by any of partner, station, block, mot, day,
    /// week (--by); the block mix is share_of_routes_pct by station,block,mot.
    #[command(
        after_help = "Examples:\n  dspdesk export profit --from 2026-11-16 --to 2026-11-22 --by station,block,mot\n  dspdesk export profit --from 2026-11-01 --to 2026-11-30 --by partner,week"
    )]
    Profit(SliceArgs),
    /// The COD ledger: due, remitted, shortfall and overdue per partner × station × day.
    #[command(after_help = "Example:\n  dspdesk export cod --from 2026-11-16 --to 2026-11-22")]
    Cod(SliceArgs),
    /// The flags table (open ones; --by all includes cleared ones).
    #[command(after_help = "Example:\n  dspdesk export flags --format json")]
    Flags(FlagsExportArgs),
}

/// The date range, grouping and output of a scorecard export.
#[derive(Args, Debug)]
pub struct SliceArgs {
    /// First date (YYYY-MM-DD), included; default: the first loaded day.
    #[arg(long, value_parser = dspdesk_core::time::parse_day)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD), included; default: the last loaded day.
    #[arg(long, value_parser = dspdesk_core::time::parse_day)]
    pub to: Option<NaiveDate>,
    /// Grouping, comma-separated (see each export).
    #[arg(long)]
    pub by: Option<String>,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FileFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct FlagsExportArgs {
    /// Include cleared flags.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: FileFormat,
    #[arg(long)]
    pub out: Option<PathBuf>,
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
    /// First date (YYYY-MM-DD), included; default: the first loaded day.
    #[arg(long, value_parser = dspdesk_core::time::parse_day)]
    pub from: Option<NaiveDate>,
    /// Last date (YYYY-MM-DD), included; default: the last loaded day.
    #[arg(long, value_parser = dspdesk_core::time::parse_day)]
    pub to: Option<NaiveDate>,
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

fn writer(out: &Option<PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    })
}

fn write_table(
    table: &dspdesk_app::Table,
    format: FileFormat,
    out: &Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let mut w = writer(out)?;
    match format {
        FileFormat::Csv => table_csv(table, &mut w)?,
        FileFormat::Json => table_json(table, &mut w)?,
    }
    w.flush()?;
    if let Some(path) = out {
        eprintln!("wrote {} rows to {}", table.rows.len(), path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The dates to export: those given, else the loaded range (`dspdesk data` shows it).
/// `--from` must not be after `--to`.
async fn range(
    ws: &dspdesk_app::Workspace,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let (from, to) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        _ => {
            let Some((first, last)) = ws.loaded_range().await? else {
                bail!(
                    "nothing is loaded yet: load files first (dspdesk ingest …), or give --from and --to"
                );
            };
            (from.unwrap_or(first), to.unwrap_or(last))
        }
    };
    if from > to {
        bail!("--from {from} is after --to {to}; give the earlier date first");
    }
    Ok((from, to))
}

async fn scorecard_export(cli: &Cli, cmd: &ExportCommand) -> anyhow::Result<ExitCode> {
    use dspdesk_app::profit::{parse_by, profit, profit_table};
    use dspdesk_app::shared::model::Model;
    use dspdesk_app::{cod, flags, goals, health};
    let ws = open(cli).await?;
    if let ExportCommand::Flags(args) = cmd {
        let filter = flags::FlagFilter {
            all: args.all,
            kind: None,
        };
        let rows = flags::flags(&ws, &super::operator(), filter).await?;
        return write_table(&flags::flags_table(&rows), args.format, &args.out);
    }
    let args = match cmd {
        ExportCommand::Scores(a)
        | ExportCommand::Goals(a)
        | ExportCommand::Profit(a)
        | ExportCommand::Cod(a) => a,
        _ => bail!("not a scorecard export"),
    };
    let (from, to) = range(&ws, args.from, args.to).await?;
    let by: Vec<&str> = args
        .by
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let model = Model::load(&ws).await?;
    let weeks = weeks_between(from, to);
    let table = match cmd {
        ExportCommand::Scores(_) => {
            let by_station = match by.as_slice() {
                [] | ["partner"] => false,
                ["partner", "station"] | ["station", "partner"] => true,
                _ => bail!("--by: use partner (the default) or partner,station"),
            };
            let scored: Vec<_> = weeks.iter().map(|w| model.week(*w)).collect();
            let rows: Vec<&health::ScoreRow> = scored
                .iter()
                .flat_map(|s| if by_station { &s.pairs } else { &s.partners })
                .collect();
            health::scores_table(&rows, by_station)
        }
        ExportCommand::Goals(_) => {
            let per_week: Vec<_> = weeks.iter().map(|w| model.goals_week(*w)).collect();
            let lines: Vec<goals::GoalLine> =
                per_week.iter().flat_map(|l| l.iter().cloned()).collect();
            goals::goals_table(&lines)
        }
        ExportCommand::Cod(_) => cod::cod_table(&model.cod_ledger(from, to)),
        _ => {
            let by = parse_by(&by.join(","))?;
            let lines = profit(&ws, &super::operator(), from, to, &by).await?;
            profit_table(&lines)
        }
    };
    write_table(&table, args.format, &args.out)
}

pub async fn run(cli: &Cli, cmd: &ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Metrics(args) = cmd else {
        return scorecard_export(cli, cmd).await;
    };
    let ws = open(cli).await?;
    let (from, to) = range(&ws, args.from, args.to).await?;
    let (by_partner, by_station) = parse_by(args.by.as_deref())?;
    let spec = MetricsSpec {
        grain: match args.grain {
            GrainArg::Day => Grain::Day,
            GrainArg::Week => Grain::Week,
        },
        by_partner,
        by_station,
        from,
        to,
    };
    let (from, to) = spec.counted_range();
    if (from, to) != (spec.from, spec.to) {
        eprintln!(
            "note: --grain week counts whole ISO weeks: {from} to {to} (asked {} to {})",
            spec.from, spec.to
        );
    }
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
