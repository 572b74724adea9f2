//! `dspdesk supervisors …`: the supervisor ready reckoner, a supervisor's routes, a
//! route's packages, and a supervisor's name and phone.

use super::cases::{Clock, Format};
use super::{day, open, operator, pct, print_csv};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::supervisors;
use std::process::ExitCode;

/// The supervisor ready reckoner: tenure, routes, packages, DOT, DCR, NL DPMO.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk supervisors list --format csv\n  dspdesk supervisors list --top --as-of 2026-11-29\n  dspdesk supervisors show SWFT SUP-SWFT-03\n  dspdesk supervisors packages SWFT SUP-SWFT-03 --date 2026-11-20 --route R-1042\n  dspdesk supervisors name SWFT SUP-SWFT-03 --name 'Asha Rao' --phone '+91 98450 12345'"
)]
pub struct SupervisorsArgs {
    #[command(subcommand)]
    pub command: SupervisorsCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum SupervisorsCommand {
    /// Every supervisor with tenure and the 28 days ending --as-of (default: the last
    /// day with data).
    List {
        #[arg(long, value_parser = day)]
        as_of: Option<chrono::NaiveDate>,
        /// Only the tenured top performers.
        #[arg(long)]
        top: bool,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// A supervisor's numbers and routes in the window.
    Show {
        partner: String,
        supervisor: String,
        #[arg(long, value_parser = day)]
        as_of: Option<chrono::NaiveDate>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// The packages of one of a supervisor's routes.
    Packages {
        partner: String,
        supervisor: String,
        #[arg(long, value_parser = day)]
        date: chrono::NaiveDate,
        #[arg(long)]
        route: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Give a supervisor id a name and phone.
    Name {
        partner: String,
        supervisor: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
    },
}

pub async fn run(cli: &Cli, args: &SupervisorsArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    match &args.command {
        SupervisorsCommand::List { as_of, top, format } => {
            let mut r = supervisors::reckoner(&ws, &me, *as_of).await?;
            if *top {
                r.lines.retain(|l| l.top_performer);
            }
            print_list(&r, *format)?;
        }
        SupervisorsCommand::Show {
            partner,
            supervisor,
            as_of,
            format,
        } => {
            let d = supervisors::detail(&ws, &me, partner, supervisor, *as_of).await?;
            print_detail(&d, *format)?;
        }
        SupervisorsCommand::Packages {
            partner,
            supervisor,
            date,
            route,
            format,
        } => {
            let v =
                supervisors::route_packages(&ws, &me, partner, supervisor, *date, route).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                outln!(
                    "{} {} at {} ({}): {} packages, {} on time",
                    v.route_id,
                    v.date,
                    v.station,
                    v.timezone,
                    v.counts.dispatched,
                    v.counts.on_time
                );
                for p in &v.packages {
                    outln!(
                        "{:<20} {:<9} promised {} {}",
                        p.package_id,
                        p.status.as_str(),
                        p.promised_by,
                        if p.on_time { "on time" } else { "" }
                    );
                }
            }
        }
        SupervisorsCommand::Name {
            partner,
            supervisor,
            name,
            phone,
        } => {
            supervisors::set_contact(&ws, &me, partner, supervisor, name, phone, args.clock.now())
                .await?;
            outln!("{partner} {supervisor}: {name} {phone}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_list(r: &supervisors::Reckoner, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(r)?),
        Format::Csv => print_csv(&supervisors::table(&r.lines))?,
        Format::Text => {
            if let (Some(from), Some(to)) = (r.from, r.as_of) {
                outln!(
                    "{from} to {to}: {} supervisors, {} with 20 routes or more compared",
                    r.lines.len(),
                    r.compared
                );
            }
            for l in &r.lines {
                outln!(
                    "{:<6} {:<16} {:>4} days {:>4} routes {:>6} packages DOT {:>6} DCR {:>6} {}",
                    l.partner,
                    l.supervisor,
                    l.tenure_days,
                    l.routes,
                    l.packages,
                    pct(l.dot_pct),
                    pct(l.dcr_pct),
                    if l.top_performer { "TOP" } else { "" }
                );
            }
        }
    }
    Ok(())
}

fn print_detail(d: &supervisors::Detail, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        outln!("{}", serde_json::to_string_pretty(d)?);
    } else {
        let l = &d.line;
        outln!(
            "{} {} {}: tenure {} days (first route {}), {} routes, {} packages, DOT {}, DCR {}{}",
            l.partner,
            l.supervisor,
            l.name,
            l.tenure_days,
            l.first_route,
            l.routes,
            l.packages,
            pct(l.dot_pct),
            pct(l.dcr_pct),
            if l.top_performer {
                ", tenured top performer"
            } else {
                ""
            }
        );
        for r in &d.routes {
            let x = &r.line;
            outln!(
                "{} {:<6} {:<14} {:>2}h {:<4} {:>4} packages {:>4} on time",
                r.date,
                x.station,
                x.route_id,
                x.block_hours.unwrap_or(0),
                x.mot.as_deref().unwrap_or(""),
                x.counts.dispatched,
                x.counts.on_time
            );
        }
    }
    Ok(())
}
