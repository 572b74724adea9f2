//! `dspdesk launches …`: launch readiness.

use super::cases::{Clock, Format};
use super::{day, open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::launches;
use std::process::ExitCode;

/// Launches: open one with a target date, mark its checklist's items done, the board.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk launches open --station PNQ7 --partner SWFT --target 2026-12-15\n  dspdesk launches show 3\n  dspdesk launches done 3 14 --evidence \"SIMs issued, list in ticket 4411\"\n  dspdesk launches board --format json\n  dspdesk launches template --checklist onboarding --gate 3 --title \"Site visit photos\""
)]
pub struct LaunchesArgs {
    #[command(subcommand)]
    pub command: LaunchesCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum LaunchesCommand {
    /// Open a launch at a station (with --partner: that partner's launch there).
    Open {
        #[arg(long)]
        station: String,
        #[arg(long, default_value = "")]
        partner: String,
        #[arg(long, value_parser = day)]
        target: chrono::NaiveDate,
    },
    /// A launch's checklist, item by item.
    Show { id: i64 },
    /// Mark a checklist item done, with what shows it: a note, a file (PDF, PNG, JPEG), or both.
    Done {
        id: i64,
        item: i64,
        #[arg(long, default_value = "")]
        evidence: String,
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Give an open item to an owner (a user name).
    Assign { id: i64, item: i64, owner: String },
    /// A checklist template (launch, or onboarding: a gate per stage, applied 1 ...
    /// launch 6): list it, add an item (--gate, --title, --optional) or remove one.
    Template {
        #[arg(long, default_value = "launch")]
        checklist: String,
        #[arg(long, requires = "title")]
        gate: Option<i64>,
        #[arg(long, requires = "gate")]
        title: Option<String>,
        #[arg(long)]
        optional: bool,
        #[arg(long, conflicts_with = "gate")]
        remove: Option<i64>,
    },
    /// Every launch with its go/no-go colour.
    Board {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub async fn run(cli: &Cli, args: &LaunchesArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        LaunchesCommand::Open {
            station,
            partner,
            target,
        } => {
            let id = launches::open(&ws, &me, partner, station, *target, now).await?;
            outln!("opened launch #{id}");
        }
        LaunchesCommand::Show { id } => {
            show(&launches::show(&ws, &me, *id, now).await?);
        }
        LaunchesCommand::Done {
            id,
            item,
            evidence,
            file,
        } => {
            let read = read_evidence(file.as_deref())?;
            let f = read.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
            launches::finish(&ws, &me, *id, *item, evidence, f, now).await?;
            let v = launches::show(&ws, &me, *id, now).await?;
            outln!("item #{item} done; launch #{id} is {}", v.colour);
        }
        LaunchesCommand::Assign { id, item, owner } => {
            launches::assign(&ws, &me, *id, *item, owner, now).await?;
            outln!("item #{item} of launch #{id} given to {owner}");
        }
        LaunchesCommand::Template {
            checklist,
            gate,
            title,
            optional,
            remove,
        } => {
            let add = gate.zip(title.clone()).map(|(g, t)| (g, t, !optional));
            template(&ws, &me, checklist, add, *remove, now).await?;
        }
        LaunchesCommand::Board { format } => {
            let rows = launches::board(&ws, &me, now).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for v in &rows {
                    outln!(
                        "#{:<4} {:<6} {:<7} {:<6} target {} ({} days), {} mandatory open",
                        v.launch.id,
                        v.colour,
                        v.launch.station,
                        v.launch.partner,
                        v.launch.target_date,
                        v.days_left,
                        v.mandatory_open
                    );
                }
                outln!("{} launches", rows.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The file given with `--file`, if any: its name and bytes.
pub(crate) fn read_evidence(
    file: Option<&std::path::Path>,
) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    file.map(|p| {
        std::fs::read(p)
            .map(|b| (p.display().to_string(), b))
            .map_err(|e| anyhow::anyhow!("--file {}: {e}", p.display()))
    })
    .transpose()
}

/// Edits a checklist template (when asked) and lists it.
async fn template(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    checklist: &str,
    add: Option<(i64, String, bool)>,
    remove: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let items = launches::edit_template(ws, me, checklist, add, remove, now).await?;
    for i in &items {
        outln!(
            "#{:<5} gate {} {} {}",
            i.id,
            i.gate,
            i.title,
            if i.mandatory { "" } else { "(optional)" }
        );
    }
    outln!("{} items on the {checklist} checklist", items.len());
    Ok(())
}

/// A launch's checklist, item by item.
fn show(v: &launches::LaunchView) {
    outln!(
        "launch #{} at {} {}: {} ({} days to {})",
        v.launch.id,
        v.launch.station,
        v.launch.partner,
        v.colour,
        v.days_left,
        v.launch.target_date
    );
    for i in &v.launch.items {
        outln!(
            "  #{:<5} gate {} {:<3} {} {}",
            i.id,
            i.gate,
            if i.done_at.is_some() { "✓" } else { "·" },
            i.title,
            if i.mandatory { "" } else { "(optional)" }
        );
    }
}
