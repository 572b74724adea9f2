//! `dspdesk reviews …`: DSP reviews and WBRs with their action items.

use super::cases::{Clock, Format};
use super::{open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::reviews::{self, NewItem, Record};
use dspdesk_core::reviews::ReviewKind;
use std::process::ExitCode;

/// Reviews: DSP review meetings and weekly business reviews, with their action items.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk reviews add --kind wbr --date 2026-11-30 --station DEL4 --attendees \"Asha, Ravi\" --item \"Fix the van roster;asha;2026-12-04\"\n  dspdesk reviews list\n  dspdesk reviews show 3 --format json"
)]
pub struct ReviewsArgs {
    #[command(subcommand)]
    pub command: ReviewsCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum ReviewsCommand {
    /// Record a review and its action items.
    Add {
        /// dsp_review or wbr.
        #[arg(long, value_parser = review_kind)]
        kind: ReviewKind,
        #[arg(long, value_parser = day)]
        date: chrono::NaiveDate,
        #[arg(long, default_value = "")]
        partner: String,
        #[arg(long, default_value = "")]
        station: String,
        #[arg(long, default_value = "")]
        attendees: String,
        #[arg(long, default_value = "")]
        notes: String,
        /// An action item as "TITLE;OWNER;DUE" (the owner a user name, DUE a date); repeat.
        #[arg(long)]
        item: Vec<String>,
    },
    /// The newest reviews.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// One review with its action items.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn review_kind(raw: &str) -> Result<ReviewKind, String> {
    ReviewKind::parse(raw)
        .ok_or_else(|| format!("{raw:?} is not a kind of review; use dsp_review or wbr"))
}

fn day(raw: &str) -> Result<chrono::NaiveDate, String> {
    dspdesk_core::time::parse_day(raw).map_err(|e| e.to_string())
}

fn parse_item(raw: &str) -> anyhow::Result<NewItem> {
    let parts: Vec<&str> = raw.split(';').collect();
    let [title, owner, due] = parts[..] else {
        anyhow::bail!(
            "--item {raw:?}: write it as \"TITLE;OWNER;DUE\", e.g. \"Fix the roster;asha;2026-12-04\""
        );
    };
    let due = day(due.trim()).map_err(|e| anyhow::anyhow!("--item {raw:?}: the due date: {e}"))?;
    Ok(NewItem {
        title: title.to_owned(),
        owner: owner.to_owned(),
        due,
    })
}

pub async fn run(cli: &Cli, args: &ReviewsArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    match &args.command {
        ReviewsCommand::Add {
            kind,
            date,
            partner,
            station,
            attendees,
            notes,
            item,
        } => {
            let items = item
                .iter()
                .map(|i| parse_item(i))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let n = items.len();
            let record = Record {
                kind: *kind,
                date: *date,
                partner: partner.clone(),
                station: station.clone(),
                attendees: attendees.clone(),
                notes: notes.clone(),
                items,
            };
            let id = reviews::record(&ws, &me, record, args.clock.now()).await?;
            outln!("recorded review #{id} with {n} action items");
        }
        ReviewsCommand::List { limit, format } => {
            let rows = reviews::list(&ws, &me, *limit).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in &rows {
                    outln!(
                        "#{:<5} {} {:<10} {:<6} {:<6} {}",
                        r.id,
                        r.date,
                        r.kind,
                        r.partner,
                        r.station,
                        r.attendees
                    );
                }
                outln!("{} reviews", rows.len());
            }
        }
        ReviewsCommand::Show { id, format } => {
            let (r, items) = reviews::show(&ws, &me, *id).await?;
            if *format == Format::Json {
                let v = serde_json::json!({ "review": r, "action_items": items, "numbers": reviews::numbers_link(&r) });
                outln!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                outln!(
                    "#{} {} on {} {} {}",
                    r.id,
                    r.kind.label(),
                    r.date,
                    r.partner,
                    r.station
                );
                outln!("attendees: {}", r.attendees);
                outln!("{}", r.notes);
                for f in &items {
                    outln!(
                        "  #{:<6} {:<19} {:<12} due {} {}",
                        f.id,
                        f.state,
                        f.owner.as_deref().unwrap_or("-"),
                        f.data_date.map(|d| d.to_string()).unwrap_or_default(),
                        f.title
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
