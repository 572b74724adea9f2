//! `dspdesk reviews …`: DSP reviews and WBRs with their action items.

use super::cases::{Clock, Format};
use super::{day, open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::reviews::{self, NewItem, Record};
use dspdesk_core::reviews::ReviewKind;
use std::process::ExitCode;

/// Reviews: DSP review meetings and weekly business reviews, with their action items.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk reviews add --kind wbr --date 2026-11-30 --station DEL4 --attendees \"Asha, Ravi\" --item \"Fix the van roster;asha;2026-12-04\"\n  dspdesk reviews list\n  dspdesk reviews show 3 --format json\n  dspdesk reviews item --from-flag 12 --owner asha --due 2026-12-04"
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
    /// Agree an action item on a flag (see `dspdesk flags`): about its partner and
    /// station, owned and due as given; one per flag.
    Item {
        #[arg(long)]
        from_flag: i64,
        /// A user name (a partner user owns it for its company).
        #[arg(long)]
        owner: String,
        #[arg(long, value_parser = day)]
        due: chrono::NaiveDate,
        /// Default: the flag's kind and subject.
        #[arg(long, default_value = "")]
        title: String,
    },
}

fn review_kind(raw: &str) -> Result<ReviewKind, String> {
    ReviewKind::parse(raw)
        .ok_or_else(|| format!("{raw:?} is not a kind of review; use dsp_review or wbr"))
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
        ReviewsCommand::Item {
            from_flag,
            owner,
            due,
            title,
        } => {
            let from = reviews::FromFlag {
                flag: *from_flag,
                title: title.clone(),
                owner: owner.clone(),
                due: *due,
            };
            item_from_flag(&ws, &me, from, args.clock.now()).await?;
        }
        ReviewsCommand::List { limit, format } => {
            let rows = reviews::list(&ws, &me, *limit, 0).await?;
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
            print_review(&r, &items, *format)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn item_from_flag(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    from: reviews::FromFlag,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let (flag, owner, due) = (from.flag, from.owner.clone(), from.due);
    let id = reviews::item_from_flag(ws, me, from, now).await?;
    outln!("action item #{id} on flag {flag}, owned by {owner}, due {due}");
    Ok(())
}

fn print_review(
    r: &dspdesk_app::ReviewRow,
    items: &[dspdesk_app::FollowupRow],
    format: Format,
) -> anyhow::Result<()> {
    if format == Format::Json {
        let v = serde_json::json!({ "review": r, "action_items": items, "numbers": reviews::numbers_link(r) });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
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
    for f in items {
        outln!(
            "  #{:<6} {:<19} {:<12} due {} {}",
            f.id,
            f.state,
            f.owner.as_deref().unwrap_or("-"),
            f.data_date.map(|d| d.to_string()).unwrap_or_default(),
            f.title
        );
    }
    Ok(())
}
