//! `dspdesk ev …`: the EV share of routes per partner and week, sustainability goals and
//! the partners behind their trajectory.

use super::cases::{Clock, Format};
use super::{open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::ev;
use std::process::ExitCode;

/// EV share: per partner and week, goals, who is behind.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk ev share --from 2026-09-01 --to 2026-10-31 --format csv\n  dspdesk ev goal SWFT --target 30 --by 2027-03-31\n  dspdesk ev board --weeks 8 --format json"
)]
pub struct EvArgs {
    #[command(subcommand)]
    pub command: EvCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum EvCommand {
    /// Routes, EV routes and the EV share per partner per ISO week.
    Share {
        #[arg(long, value_parser = day)]
        from: chrono::NaiveDate,
        #[arg(long, value_parser = day)]
        to: chrono::NaiveDate,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Set a partner's goal: a share of routes on EVs by a date, its trajectory from the
    /// share of the last complete week.
    Goal {
        partner: String,
        #[arg(long)]
        target: f64,
        #[arg(long, value_parser = day)]
        by: chrono::NaiveDate,
    },
    /// Every partner in the last complete week: EV share, fleet share, goal, trajectory;
    /// behind ones first.
    Board {
        #[arg(long, default_value_t = 8)]
        weeks: u32,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn day(raw: &str) -> Result<chrono::NaiveDate, String> {
    dspdesk_core::time::parse_day(raw).map_err(|e| e.to_string())
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}%"))
}

pub async fn run(cli: &Cli, args: &EvArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        EvCommand::Share { from, to, format } => {
            let rows = ev::weekly(&ws, &me, *from, *to).await?;
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&rows)?),
                Format::Csv => {
                    let mut out = Vec::new();
                    dspdesk_app::shared::table::write_csv(&ev::weeks_table(&rows), &mut out)?;
                    outln!("{}", String::from_utf8_lossy(&out).trim_end());
                }
                Format::Text => {
                    for r in &rows {
                        outln!(
                            "{:<6} {} {:>5} routes {:>5} EV {}",
                            r.partner,
                            r.week,
                            r.routes,
                            r.ev_routes,
                            pct(r.ev_routes_pct)
                        );
                    }
                }
            }
        }
        EvCommand::Goal {
            partner,
            target,
            by,
        } => {
            let g = ev::set_goal(&ws, &me, partner, *target, *by, now).await?;
            outln!(
                "{partner}: {:.1}% of routes on EVs by {}, from {:.1}% in {}",
                g.target_pct,
                g.by,
                g.start_pct,
                g.set_week
            );
        }
        EvCommand::Board { weeks, format } => {
            let lines = ev::board(&ws, &me, *weeks).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&lines)?);
            } else {
                for l in &lines {
                    outln!(
                        "{:<6} {} EV {:>6} fleet {:>6} trajectory {:>6} {}",
                        l.partner,
                        l.week,
                        pct(l.ev_routes_pct),
                        pct(l.fleet_ev_pct),
                        pct(l.trajectory_pct),
                        if l.behind == Some(true) { "BEHIND" } else { "" }
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
