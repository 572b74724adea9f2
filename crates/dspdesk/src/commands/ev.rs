//! `dspdesk ev …`: the EV share of routes per partner and week, sustainability goals and
//! the partners behind their trajectory.

use super::cases::{Clock, Format};
use super::{day, open, operator, pct, print_csv};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::ev;
use std::process::ExitCode;

/// EV share: per partner and week, goals, who is behind.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk ev share --from 2026-09-01 --to 2026-10-31 --format csv\n  dspdesk ev goal SWFT --target 30 --by 2027-03-31\n  dspdesk ev board --weeks 8 --format json\n  dspdesk ev vendor --name 'Volta Motors' --vehicles 'EV3W: Volta Cargo' --contact 'Ravi M' --phone '+91 80 4000 1234' --email fleet@volta.example\n  dspdesk ev connect SWFT --vendor 1 --date 2026-12-10 --attendees 'Ravi M (Volta), SWFT owner'\n  dspdesk ev outcome 42 --outcome '10 EV3W on trial' --next-step 'review the trial' --next-date 2027-01-10\n  dspdesk ev connects --format json"
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
    /// The EV vendors.
    Vendors {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Add an EV vendor.
    Vendor {
        #[arg(long)]
        name: String,
        /// What they offer, e.g. "EV2W: Ather 450S; EV3W: Mahindra Treo".
        #[arg(long)]
        vehicles: String,
        #[arg(long, default_value = "")]
        contact: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        email: String,
    },
    /// Schedule a connect: a meeting between a vendor and a partner.
    Connect {
        partner: String,
        #[arg(long)]
        vendor: i64,
        #[arg(long, value_parser = day)]
        date: chrono::NaiveDate,
        #[arg(long)]
        attendees: String,
        #[arg(long, default_value = "")]
        agenda: String,
        /// Who follows it up (default: you).
        #[arg(long, default_value = "")]
        owner: String,
    },
    /// The connects: next meetings first, then past ones with their outcome.
    Connects {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Record what a connect came to; a next step with a date schedules the next one.
    Outcome {
        id: i64,
        #[arg(long)]
        outcome: String,
        #[arg(long, default_value = "")]
        next_step: String,
        #[arg(long, value_parser = day)]
        next_date: Option<chrono::NaiveDate>,
    },
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
                Format::Csv => print_csv(&ev::weeks_table(&rows))?,
                Format::Text => {
                    for r in rows.iter() {
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
        EvCommand::Vendors { .. } | EvCommand::Vendor { .. } => {
            vendors(&ws, &me, &args.command, now).await?
        }
        EvCommand::Connect { .. } | EvCommand::Connects { .. } | EvCommand::Outcome { .. } => {
            connects(&ws, &me, &args.command, now).await?
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn connects(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    command: &EvCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use dspdesk_app::ev::connects as c;
    match command {
        EvCommand::Connect {
            partner,
            vendor,
            date,
            attendees,
            agenda,
            owner,
        } => {
            let id = c::schedule(
                ws,
                me,
                c::Schedule {
                    partner: partner.clone(),
                    vendor: *vendor,
                    date: Some(*date),
                    attendees: attendees.clone(),
                    agenda: agenda.clone(),
                    owner: owner.clone(),
                },
                now,
            )
            .await?;
            outln!("connect {id}: {partner} on {date}");
        }
        EvCommand::Connects { format } => {
            let v = c::list(ws, me).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for x in &v {
                    outln!(
                        "{:>5} {} {:<6} {:<20} {:<16} {}",
                        x.followup.id,
                        x.connect.meeting_date,
                        x.followup.partner,
                        x.vendor,
                        x.followup.state.as_str(),
                        x.connect.outcome
                    );
                }
            }
        }
        EvCommand::Outcome {
            id,
            outcome,
            next_step,
            next_date,
        } => {
            let next = c::record(
                ws,
                me,
                *id,
                c::Outcome {
                    outcome: outcome.clone(),
                    next_step: next_step.clone(),
                    next_date: *next_date,
                },
                now,
            )
            .await?;
            match next {
                Some(n) => outln!("connect {id} resolved; the next one is connect {n}"),
                None => outln!("connect {id} resolved"),
            }
        }
        _ => {}
    }
    Ok(())
}

async fn vendors(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    command: &EvCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use dspdesk_app::ev::connects as c;
    match command {
        EvCommand::Vendors { format } => {
            let v = c::vendors(ws).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for v in &v {
                    outln!(
                        "{:>3} {:<24} {} · {} {} {}",
                        v.id,
                        v.name,
                        v.vehicles,
                        v.contact_name,
                        v.contact_phone,
                        v.contact_email
                    );
                }
            }
        }
        EvCommand::Vendor {
            name,
            vehicles,
            contact,
            phone,
            email,
        } => {
            let id = c::add_vendor(
                ws,
                me,
                dspdesk_app::ev::connects::NewVendor {
                    name: name.clone(),
                    vehicles: vehicles.clone(),
                    contact_name: contact.clone(),
                    contact_phone: phone.clone(),
                    contact_email: email.clone(),
                },
                now,
            )
            .await?;
            outln!("vendor {id}: {name}");
        }
        _ => {}
    }
    Ok(())
}
