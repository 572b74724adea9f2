//! `dspdesk today`: what needs a person today, most urgent first: the worklist the home
//! page shows, for the operator (the whole network) or as a named user sees it.

use super::cases::{Clock, Format};
use super::{open, operator, print_csv};
use crate::Cli;
use clap::Args;
use dspdesk_app::Table;
use dspdesk_app::home::{WorkItem, worklist};
use dspdesk_core::table::Cell;
use std::process::ExitCode;

/// What needs a person today: open follow-ups and flags, most urgent first.
#[derive(Args, Debug)]
#[command(
    after_help = "Severity: critical, high, medium, low; then the money at risk, then the days outstanding.\n\nExamples:\n  dspdesk today\n  dspdesk today --user coach1 --mine\n  dspdesk today --format csv --limit 1000 > today.csv"
)]
pub struct TodayArgs {
    /// As this user sees it (their scope, and "mine" is theirs).
    #[arg(long)]
    pub user: Option<String>,
    /// Only what the user owns (or coaches).
    #[arg(long)]
    pub mine: bool,
    /// How many items to print.
    #[arg(long, default_value_t = 30)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[command(flatten)]
    pub clock: Clock,
}

fn table(items: &[WorkItem]) -> Table {
    Table {
        columns: vec![
            "severity",
            "what",
            "partner",
            "station",
            "title",
            "money_at_risk",
            "days",
            "owner",
            "action",
            "overdue",
            "href",
        ],
        rows: items
            .iter()
            .map(|i| {
                vec![
                    Cell::text(i.severity.as_str()),
                    Cell::text(i.what),
                    Cell::text(&i.partner),
                    Cell::text(&i.station),
                    Cell::text(&i.title),
                    Cell::minor(i.money_minor),
                    Cell::Int(i.days),
                    Cell::text(&i.owner),
                    Cell::text(i.action),
                    Cell::Bool(i.overdue),
                    Cell::text(&i.href),
                ]
            })
            .collect(),
    }
}

pub async fn run(cli: &Cli, args: &TodayArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let actor = match &args.user {
        Some(name) => match ws.store.user_by_name(name).await? {
            Some(u) => dspdesk_app::Actor::user(&u, "cli"),
            None => anyhow::bail!("no user {name:?}: `dspdesk users list` shows who there is"),
        },
        None => operator(),
    };
    let w = worklist(&ws, &actor, args.clock.now(), args.mine, args.limit).await?;
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&w)?),
        Format::Csv => print_csv(&table(&w.items))?,
        Format::Text => {
            let [c, h, m, l] = w.by_severity;
            outln!(
                "{} items: {c} critical, {h} high, {m} medium, {l} low; money at risk {}",
                w.total,
                dspdesk_core::display::money(dspdesk_core::minor_to_decimal(w.money_minor))
            );
            for i in &w.items {
                let money = if i.money_minor > 0 {
                    format!(
                        " · {}",
                        dspdesk_core::display::money(dspdesk_core::minor_to_decimal(i.money_minor))
                    )
                } else {
                    String::new()
                };
                outln!(
                    "{:<8} {} · {} {} · {} days{money} · {} · {}\n         {}",
                    i.severity.as_str(),
                    i.what,
                    i.partner,
                    i.station,
                    i.days,
                    i.owner,
                    i.action,
                    i.title
                );
            }
            if w.total > w.items.len() {
                outln!("… and {} more (--limit)", w.total - w.items.len());
            }
        }
    }
    ws.close().await;
    Ok(ExitCode::SUCCESS)
}
