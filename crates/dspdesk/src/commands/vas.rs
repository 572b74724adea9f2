//! `dspdesk vas …`: VAS adoption per partner and kind beside the network, the ranking,
//! and the kinds offered per station and enrolled per partner.

use super::cases::{Clock, Format};
use super::{day, open, operator, pct, print_csv};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::vas;
use std::process::ExitCode;

/// VAS adoption: completion and enrolment per partner and kind, ranked.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk vas adoption --from 2026-11-01 --to 2026-11-30 --format csv\n  dspdesk vas offer DEL4 open_box\n  dspdesk vas offer DEL4 open_box --remove\n  dspdesk vas enrol SWFT open_box\n  dspdesk vas config --format json"
)]
pub struct VasArgs {
    #[command(subcommand)]
    pub command: VasCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum VasCommand {
    /// Partners ranked by adoption (enrolment, then completion) over a period.
    Adoption {
        #[arg(long, value_parser = day)]
        from: chrono::NaiveDate,
        #[arg(long, value_parser = day)]
        to: chrono::NaiveDate,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Offer a VAS kind at a station (or withdraw it with --remove).
    Offer {
        station: String,
        vas: String,
        #[arg(long)]
        remove: bool,
    },
    /// Enrol a partner in a VAS kind offered at one of its stations (or --remove).
    Enrol {
        partner: String,
        vas: String,
        #[arg(long)]
        remove: bool,
    },
    /// The kinds offered per station and enrolled per partner.
    Config {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub async fn run(cli: &Cli, args: &VasArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        VasCommand::Adoption { from, to, format } => {
            let a = vas::adoption(&ws, &me, *from, *to).await?;
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&a)?),
                Format::Csv => print_csv(&vas::table(&a))?,
                Format::Text => {
                    for n in &a.network {
                        outln!(
                            "network {:<14} {:>7} dispatched {} completed",
                            n.vas,
                            n.dispatched,
                            pct(n.completion_pct)
                        );
                    }
                    for p in &a.partners {
                        outln!(
                            "#{:<3} {:<6} enrolled {}/{} ({}) completion {} of {} VAS packages",
                            p.rank.map_or_else(|| "–".into(), |r| r.to_string()),
                            p.partner,
                            p.enrolment.enrolled,
                            p.enrolment.offered,
                            pct(p.enrolment.pct),
                            pct(p.completion_pct),
                            p.dispatched
                        );
                    }
                }
            }
        }
        VasCommand::Offer {
            station,
            vas: kind,
            remove,
        } => {
            let changed = vas::set_offered(&ws, &me, station, kind, !remove, now).await?;
            outln!(
                "{station}: {kind} {}{}",
                if *remove { "withdrawn" } else { "offered" },
                if changed { "" } else { " (already so)" }
            );
        }
        VasCommand::Enrol {
            partner,
            vas: kind,
            remove,
        } => {
            let changed = vas::set_enrolled(&ws, &me, partner, kind, !remove, now).await?;
            outln!(
                "{partner}: {kind} {}{}",
                if *remove { "withdrawn" } else { "enrolled" },
                if changed { "" } else { " (already so)" }
            );
        }
        VasCommand::Config { format } => {
            let c = vas::config(&ws, &me).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                for (s, kinds) in &c.offered {
                    let v: Vec<&str> = kinds.iter().map(String::as_str).collect();
                    outln!("station {s}: offers {}", v.join(", "));
                }
                for (p, kinds) in &c.enrolled {
                    let v: Vec<&str> = kinds.iter().map(String::as_str).collect();
                    outln!("partner {p}: enrolled in {}", v.join(", "));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
