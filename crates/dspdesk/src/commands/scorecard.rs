//! `dspdesk score`, `explain`, `config`, `goals` and `flags`.

use super::open;
use super::operator;
use crate::Cli;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use dspdesk_app::goals::{GoalSetting, Period};
use dspdesk_app::shared::model::Model;
use dspdesk_app::{config as configs, flags as flag_list, goals as goal_use, health};
use dspdesk_core::config::ConfigKind;
use dspdesk_core::flags::FlagKind;
use dspdesk_core::{IsoWeek, PartnerCode, StationCode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

fn partner_arg(raw: &str) -> Result<PartnerCode, String> {
    PartnerCode::parse(raw).map_err(|e| format!("partner code {raw:?} {e}"))
}

fn station_arg(raw: &str) -> Result<StationCode, String> {
    StationCode::parse(raw).map_err(|e| format!("station code {raw:?} {e}"))
}

fn week_arg(raw: &str) -> Result<IsoWeek, String> {
    IsoWeek::parse(raw)
}

/// Scores a week and keeps the result as a run (the history of a week's scores).
///
/// A week is scored with the configuration version it is held to: the one in force
/// when it was first scored or when a newer version was loaded. `--rescore` moves it
/// to the version in force for its date now (or `--version N`), keeping the earlier
/// runs.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk score --week 2026-W47\n  dspdesk score --week 2026-W47 --rescore\n  dspdesk score --week 2026-W47 --history"
)]
pub struct ScoreArgs {
    /// The ISO week, e.g. 2026-W47 (default: the last complete week with data).
    #[arg(long, value_parser = week_arg)]
    pub week: Option<IsoWeek>,
    /// Move the week to a new configuration version.
    #[arg(long)]
    pub rescore: bool,
    /// The configuration version to re-score with (default: the one in force for the
    /// week's date).
    #[arg(long, requires = "rescore")]
    pub config_version: Option<i64>,
    /// List the week's scoring runs instead of scoring.
    #[arg(long, conflicts_with = "rescore")]
    pub history: bool,
    /// How many partners to print (text).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

/// Why a partner's score changed against the week before: each component's share of
/// the change, the stations and the days that moved it most.
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  dspdesk explain --partner SWFT --week 2026-W47")]
pub struct ExplainArgs {
    #[arg(long)]
    pub partner: String,
    /// The ISO week (default: the last complete week with data).
    #[arg(long, value_parser = week_arg)]
    pub week: Option<IsoWeek>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextOrJson,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Health score weights, floors, targets, tiers, caps and list rules.
    Score,
    /// Rate cards and cost models.
    Rates,
}

impl KindArg {
    fn kind(self) -> ConfigKind {
        match self {
            KindArg::Score => ConfigKind::Score,
            KindArg::Rates => ConfigKind::Rates,
        }
    }
}

/// Versioned configuration: the health score and the rate book.
#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Checks a file; every problem is listed with its key. Exit 65 when invalid.
    #[command(
        after_help = "Examples:\n  dspdesk config check score examples/config/score.toml\n  dspdesk config check rates examples/config/rates.toml"
    )]
    Check { kind: KindArg, file: PathBuf },
    /// Loads a checked file as a new version (the old ones are kept).
    #[command(
        after_help = "Example:\n  dspdesk config load rates rates.toml --note \"2027 rates\""
    )]
    Load {
        kind: KindArg,
        file: PathBuf,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Lists the versions loaded.
    List { kind: KindArg },
    /// Prints a version's text (default: the newest).
    #[command(after_help = "Example:\n  dspdesk config show score --config-version 1")]
    Show {
        kind: KindArg,
        /// The version to print (`--version` is the program's own version).
        #[arg(long)]
        config_version: Option<i64>,
    },
}

/// Route goals per partner × station.
#[derive(Subcommand, Debug)]
pub enum GoalsCommand {
    /// Prints the suggested P50 and P90 of each pair over the window ending on a date.
    #[command(after_help = "Example:\n  dspdesk goals suggest --date 2026-11-22")]
    Suggest {
        #[arg(long, value_parser = dspdesk_core::time::parse_day)]
        date: NaiveDate,
        #[arg(long, default_value_t = 28)]
        window: u32,
    },
    /// Adopts the suggestions (window ending the day before --from) for a period.
    #[command(after_help = "Example:\n  dspdesk goals adopt --from 2026-11-23 --to 2026-12-20")]
    Adopt {
        #[arg(long, value_parser = dspdesk_core::time::parse_day)]
        from: NaiveDate,
        #[arg(long, value_parser = dspdesk_core::time::parse_day)]
        to: NaiveDate,
    },
    /// Sets one pair's goals for a period by hand.
    #[command(
        after_help = "Example:\n  dspdesk goals set --partner SWFT --station DEL4 --from 2026-11-23 --to 2026-12-20 --p50 6 --p90 8"
    )]
    Set {
        #[arg(long, value_parser = partner_arg)]
        partner: PartnerCode,
        #[arg(long, value_parser = station_arg)]
        station: StationCode,
        #[arg(long, value_parser = dspdesk_core::time::parse_day)]
        from: NaiveDate,
        #[arg(long, value_parser = dspdesk_core::time::parse_day)]
        to: NaiveDate,
        #[arg(long)]
        p50: f64,
        #[arg(long)]
        p90: f64,
    },
}

/// The flags: everything that needs a person, with the reason.
#[derive(Args, Debug)]
#[command(after_help = "Examples:\n  dspdesk flags --refresh\n  dspdesk flags --kind defaulting")]
pub struct FlagsArgs {
    /// Recompute the flags from the data first.
    #[arg(long)]
    pub refresh: bool,
    /// Include cleared flags.
    #[arg(long)]
    pub all: bool,
    /// Only this kind: defaulting, bottom, goal_shortfall, cod_overdue, unusual_day,
    /// loss_making_block.
    #[arg(long, value_parser = flag_kind)]
    pub kind: Option<FlagKind>,
}

pub fn flag_kind(raw: &str) -> Result<FlagKind, String> {
    FlagKind::parse(raw).ok_or_else(|| {
        let kinds: Vec<&str> = FlagKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "{raw:?} is not a kind of flag; use one of {}",
            kinds.join(", ")
        )
    })
}

fn default_week(model: &Model, week: Option<IsoWeek>) -> anyhow::Result<IsoWeek> {
    match week.or_else(|| model.last_complete_week()) {
        Some(w) => Ok(w),
        None => {
            bail!("there is no data yet; load deliveries first (dspdesk ingest deliveries FILE)")
        }
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.1}"))
}

pub async fn score(cli: &Cli, args: &ScoreArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let model = Model::load(&ws).await?;
    let week = default_week(&model, args.week)?;
    if args.history {
        let runs = health::runs(&ws, week).await?;
        if runs.is_empty() {
            outln!("{week} has no scoring runs yet; `dspdesk score --week {week}` makes one");
        }
        for r in runs {
            outln!(
                "run {} at {} by {}: version {} ({})",
                r.id,
                r.run_at.format("%Y-%m-%d %H:%M UTC"),
                r.run_by,
                r.config_version,
                r.reason
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report =
        health::score_week(&ws, week, args.rescore, args.config_version, &operator()).await?;
    match args.format {
        TextOrJson::Json => outln!("{}", serde_json::to_string_pretty(&report.scores)?),
        TextOrJson::Text => {
            let moved = match report.previous_version {
                Some(p) if p != report.version => format!(" (was version {p})"),
                _ => String::new(),
            };
            outln!(
                "{week}: {} partners scored with configuration version {}{moved}; run {}",
                report.partners,
                report.version,
                report.run_id
            );
            outln!(
                "{:>4}  {:<8} {:>6}  {:<14} {:>6} {:>6} {:>7} {:>6} {:>6}",
                "rank",
                "partner",
                "score",
                "tier",
                "DOT",
                "DCR",
                "NL dpmo",
                "COD%",
                "P50%"
            );
            for r in report.scores.partners.iter().take(args.top) {
                outln!(
                    "{:>4}  {:<8} {:>6}  {:<14} {:>6} {:>6} {:>7} {:>6} {:>6}{}",
                    r.rank.map_or("–".into(), |x| x.to_string()),
                    r.partner,
                    num(r.score),
                    r.tier.map_or("", |t| t.as_str()),
                    num(r.value("dot_pct")),
                    num(r.value("dcr_pct")),
                    r.value("nl_dpmo").map_or("–".into(), |x| format!("{x:.0}")),
                    num(r.value("cod_shortfall_pct")),
                    num(r.value("goal_p50_met_pct")),
                    if r.bottom { "  bottom" } else { "" }
                );
            }
            if report.scores.partners.len() > args.top {
                outln!(
                    "… {} more; `dspdesk export scores` writes them all",
                    report.scores.partners.len() - args.top
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn explain(cli: &Cli, args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let model = Model::load(&ws).await?;
    let week = default_week(&model, args.week)?;
    let Some(e) = model.explain(&args.partner, week, &|_| true) else {
        bail!(
            "partner {:?} has no data; check the code (dspdesk export metrics --grain week --by partner lists them)",
            args.partner
        );
    };
    if matches!(args.format, TextOrJson::Json) {
        outln!("{}", serde_json::to_string_pretty(&e)?);
        return Ok(ExitCode::SUCCESS);
    }
    let tier = |t: Option<dspdesk_core::health::Tier>| t.map_or("–", |t| t.label());
    outln!(
        "{} {}: score {} ({}) against {} ({}) in {}; change {}",
        e.partner,
        e.week,
        num(e.score_now),
        tier(e.tier_now),
        num(e.score_before),
        tier(e.tier_before),
        e.previous_week,
        e.change().map_or("–".into(), |c| format!("{c:+.1}"))
    );
    outln!("\ncomponent            before      now   points");
    for c in &e.components {
        outln!(
            "{:<18} {:>8} {:>8} {:>+8.1}",
            c.component,
            num(c.value_before),
            num(c.value_now),
            c.delta
        );
    }
    outln!(
        "\nstations (this week's score minus the score had the station stayed as the week before):"
    );
    for s in e.stations.iter().take(5) {
        outln!(
            "  {:<8} {:+.1} points (DOT {}%, {} packages)",
            s.what,
            s.effect,
            num(s.dot_pct),
            s.dispatched
        );
    }
    outln!("\ndays that pulled the score down most (score minus the score without the day):");
    for d in e.days.iter().filter(|d| d.effect < 0.0) {
        outln!(
            "  {:<20} {:+.1} points (DOT {}%, {} packages)",
            d.what,
            d.effect,
            num(d.dot_pct),
            d.dispatched
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn config(cli: &Cli, cmd: &ConfigCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ConfigCommand::Check { kind, file } => check_config(*kind, file),
        ConfigCommand::Load { kind, file, note } => load_config(cli, *kind, file, note).await,
        ConfigCommand::List { kind } => list_configs(cli, *kind).await,
        ConfigCommand::Show {
            kind,
            config_version,
        } => show_config(cli, *kind, *config_version).await,
    }
}

fn read_config(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

/// An invalid file is bad input data, not a failure: it gets its own exit code.
fn invalid_config(file: &Path, e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}: {e}", file.display());
    ExitCode::from(crate::EXIT_BAD_DATA)
}

fn check_config(kind: KindArg, file: &Path) -> anyhow::Result<ExitCode> {
    let text = read_config(file)?;
    match configs::check(kind.kind(), &text) {
        Ok(s) => {
            outln!(
                "{}: a valid {} configuration: {}",
                file.display(),
                s.kind,
                s.summary
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(invalid_config(file, e)),
    }
}

async fn load_config(
    cli: &Cli,
    kind: KindArg,
    file: &Path,
    note: &str,
) -> anyhow::Result<ExitCode> {
    let text = read_config(file)?;
    let ws = open(cli).await?;
    match configs::load(&ws, kind.kind(), &text, note, &operator()).await {
        Ok((version, s)) => outln!(
            "loaded {} as {} version {version}: {}",
            file.display(),
            s.kind,
            s.summary
        ),
        Err(dspdesk_app::AppError::Config(e)) => return Ok(invalid_config(file, e)),
        Err(e) => return Err(e.into()),
    }
    if kind.kind() == ConfigKind::Score {
        outln!(
            "weeks already scored keep their version; `dspdesk score --week W --rescore` moves one"
        );
    }
    let r = dspdesk_app::cases::refresh(&ws, chrono::Utc::now()).await?;
    outln!(
        "flags: {} opened, {} cleared, {} still open; cases: {} opened, {} resolved, {} withdrawn",
        r.flags.opened,
        r.flags.cleared,
        r.flags.kept,
        r.cases.opened,
        r.cases.resolved,
        r.cases.withdrawn
    );
    Ok(ExitCode::SUCCESS)
}

async fn list_configs(cli: &Cli, kind: KindArg) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let versions = configs::versions(&ws, kind.kind()).await?;
    if versions.is_empty() {
        outln!(
            "no {} configuration loaded; the built-in defaults of metrics.md apply",
            kind.kind().as_str()
        );
    }
    for v in versions {
        outln!(
            "version {}: effective {} loaded {} by {}{}",
            v.version,
            v.effective_from,
            v.created_at.format("%Y-%m-%d %H:%M UTC"),
            v.created_by,
            if v.note.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.note)
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn show_config(cli: &Cli, kind: KindArg, version: Option<i64>) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let versions = configs::versions(&ws, kind.kind()).await?;
    let v = match version {
        Some(n) => versions.iter().find(|v| v.version == n),
        None => versions.last(),
    };
    match v {
        Some(v) => out!("{}", v.body),
        // Nothing loaded yet: version 0 is the built-in score configuration.
        None if kind.kind() == ConfigKind::Score && version.is_none_or(|n| n == 0) => {
            out!(
                "{}",
                toml::to_string_pretty(&dspdesk_core::health::ScoreConfig::default())?
            )
        }
        None => bail!("no such version; `dspdesk config list` lists them"),
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn goals(cli: &Cli, cmd: &GoalsCommand) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    match cmd {
        GoalsCommand::Suggest { date, window } => {
            let model = Model::load(&ws).await?;
            let mut w = csv::Writer::from_writer(std::io::stdout().lock());
            w.write_record([
                "partner",
                "station",
                "window_end",
                "days",
                "suggested_p50",
                "suggested_p90",
            ])?;
            for (p, s, p50, p90, n) in model.suggestions(*date, *window) {
                w.write_record([
                    p,
                    s,
                    date.to_string(),
                    n.to_string(),
                    p50.to_string(),
                    p90.to_string(),
                ])?;
            }
            w.flush()?;
        }
        GoalsCommand::Adopt { from, to } => {
            let n = goal_use::adopt_goals(&ws, &operator(), Period::new(*from, *to)?).await?;
            outln!("adopted the suggested goals of {n} partner-station pairs for {from} to {to}");
        }
        GoalsCommand::Set {
            partner,
            station,
            from,
            to,
            p50,
            p90,
        } => {
            let setting = GoalSetting {
                partner: partner.clone(),
                station: station.clone(),
                period: Period::new(*from, *to)?,
                p50: *p50,
                p90: *p90,
            };
            goal_use::set_goal(&ws, &operator(), &setting).await?;
            outln!("set {partner} at {station}: P50 {p50}, P90 {p90} for {from} to {to}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn flags(cli: &Cli, args: &FlagsArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    if args.refresh {
        let s = flag_list::refresh_flags(&ws).await?;
        outln!(
            "flags refreshed: {} opened, {} cleared, {} still open",
            s.opened,
            s.cleared,
            s.kept
        );
    }
    let filter = flag_list::FlagFilter {
        all: args.all,
        kind: args.kind,
    };
    let rows = flag_list::flags(&ws, &operator(), filter).await?;
    for f in &rows {
        let who = match (f.partner.as_str(), f.station.as_str()) {
            ("", s) => s.to_owned(),
            (p, "") => p.to_owned(),
            (p, s) => format!("{p}@{s}"),
        };
        outln!(
            "#{:<5} {:<18} {:<14} {}{}",
            f.id,
            f.kind,
            who,
            f.reason,
            f.cleared_at
                .map(|c| format!(" (cleared {})", c.format("%Y-%m-%d")))
                .unwrap_or_default()
        );
    }
    if rows.is_empty() {
        outln!("no flags");
    }
    Ok(ExitCode::SUCCESS)
}
