//! `dspdesk onboarding …`: partners from application to their first route.

use super::cases::{Clock, Format};
use super::{day, open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::onboarding;
use dspdesk_core::onboarding::Stage;
use std::process::ExitCode;

/// Onboarding: add an applicant, work its checklist, move it a stage on, the board.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk onboarding add NEWP --name \"New Partner Logistics Pvt Ltd\" --on 2026-11-02\n  dspdesk onboarding show NEWP\n  dspdesk onboarding done NEWP 12 --evidence \"form received by mail\"\n  dspdesk onboarding advance NEWP documents --on 2026-11-09\n  dspdesk onboarding board --format json"
)]
pub struct OnboardingArgs {
    #[command(subcommand)]
    pub command: OnboardingCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum OnboardingCommand {
    /// Add an applicant at `applied`.
    Add {
        partner: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = day)]
        on: chrono::NaiveDate,
    },
    /// Move a partner to its next stage (documents, verification, agreement,
    /// bank_guarantee, launch); it goes live by itself with its first route.
    Advance {
        partner: String,
        #[arg(value_parser = stage)]
        to: Stage,
        #[arg(long, value_parser = day)]
        on: chrono::NaiveDate,
    },
    /// A partner's onboarding: its stages and its checklist, item by item.
    Show { partner: String },
    /// Mark an item of a partner's checklist done, with what shows it: a note, a file
    /// (PDF, PNG, JPEG), or both.
    Done {
        partner: String,
        item: i64,
        #[arg(long, default_value = "")]
        evidence: String,
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Give an open item to an owner (a user name).
    Assign {
        partner: String,
        item: i64,
        owner: String,
    },
    /// Every partner in onboarding: stage, since, days in the stage.
    Board {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn stage(raw: &str) -> Result<Stage, String> {
    Stage::parse(raw).ok_or_else(|| {
        let all: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
        format!("{raw:?} is not a stage; use one of {}", all.join(", "))
    })
}

pub async fn run(cli: &Cli, args: &OnboardingArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        OnboardingCommand::Add { partner, name, on } => {
            onboarding::apply(&ws, &me, partner, name, *on, now).await?;
            outln!("{partner} applied on {on}");
        }
        OnboardingCommand::Advance { partner, to, on } => {
            onboarding::advance(&ws, &me, partner, *to, *on, now).await?;
            outln!("{partner} is at {to} since {on}");
        }
        OnboardingCommand::Show { partner } => {
            show(&onboarding::show(&ws, &me, partner, now).await?);
        }
        OnboardingCommand::Done {
            partner,
            item,
            evidence,
            file,
        } => {
            let read = super::launches::read_evidence(file.as_deref())?;
            let f = read.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
            onboarding::finish(&ws, &me, partner, *item, evidence, f, now).await?;
            let k = onboarding::show(&ws, &me, partner, now).await?;
            outln!(
                "item #{item} done; {partner} at {} with {} mandatory item{} holding it",
                k.stage,
                k.holding,
                if k.holding == 1 { "" } else { "s" }
            );
        }
        OnboardingCommand::Assign {
            partner,
            item,
            owner,
        } => {
            onboarding::assign(&ws, &me, partner, *item, owner, now).await?;
            outln!("item #{item} of {partner}'s onboarding given to {owner}");
        }
        OnboardingCommand::Board { format } => {
            let cards = onboarding::board(&ws, &me, now).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&cards)?);
            } else {
                for c in &cards {
                    outln!(
                        "{:<6} {:<15} since {} ({} days), {} holding  {}",
                        c.partner,
                        c.stage,
                        c.since,
                        c.days_in_stage,
                        c.holding,
                        c.legal_name
                    );
                }
                outln!("{} partners in onboarding", cards.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A partner's onboarding, line by line.
fn show(k: &onboarding::Card) {
    outln!(
        "{} ({}) at {} since {} ({} days), {} mandatory item{} holding it",
        k.partner,
        k.legal_name,
        k.stage,
        k.since,
        k.days_in_stage,
        k.holding,
        if k.holding == 1 { "" } else { "s" }
    );
    for i in &k.items {
        outln!(
            "  #{:<5} {:<15} {:<3} {} {}",
            i.id,
            Stage::of_gate(i.gate).map_or("?", |s| s.as_str()),
            if i.done_at.is_some() { "✓" } else { "·" },
            i.title,
            if i.mandatory { "" } else { "(optional)" }
        );
    }
}
