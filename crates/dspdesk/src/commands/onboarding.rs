//! `dspdesk onboarding …`: partners from application to their first route.

use super::cases::{Clock, Format};
use super::{open, operator};
use crate::Cli;
use clap::{Args, Subcommand};
use dspdesk_app::onboarding;
use dspdesk_core::onboarding::Stage;
use std::process::ExitCode;

/// Onboarding: add an applicant, move it a stage on, the board.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk onboarding add NEWP --name \"New Partner Logistics Pvt Ltd\" --on 2026-11-02\n  dspdesk onboarding advance NEWP documents --on 2026-11-09\n  dspdesk onboarding board --format json"
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
    /// Every partner in onboarding: stage, since, days in the stage.
    Board {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn day(raw: &str) -> Result<chrono::NaiveDate, String> {
    dspdesk_core::time::parse_day(raw).map_err(|e| e.to_string())
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
        OnboardingCommand::Board { format } => {
            let cards = onboarding::board(&ws, &me, now).await?;
            if *format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&cards)?);
            } else {
                for c in &cards {
                    outln!(
                        "{:<6} {:<15} since {} ({} days)  {}",
                        c.partner,
                        c.stage,
                        c.since,
                        c.days_in_stage,
                        c.legal_name
                    );
                }
                outln!("{} partners in onboarding", cards.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
