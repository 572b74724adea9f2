//! `dspdesk report daily`: the daily DSP report for a date and a scope, as text, JSON,
//! CSV (one block per section) or an Excel workbook (one sheet per section).

use super::cases::Clock;
use super::{open, operator, print_csv};
use crate::Cli;
use clap::{Args, Subcommand, ValueEnum};
use dspdesk_app::reports::{ReportScope, daily, weekly};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum ReportFormat {
    #[default]
    Text,
    Json,
    Csv,
    Xlsx,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The daily report: the day and the week so far against last week, defaulting
    /// partners, bad days, COD owed, follow-ups opened or late, documents lapsing,
    /// launches not green.
    #[command(
        after_help = "Examples:\n  dspdesk report daily\n  dspdesk report daily --date 2026-11-22 --station BOM1\n  dspdesk report daily --user swft --format json\n  dspdesk report daily --coach asha --format xlsx --out daily.xlsx"
    )]
    Daily(DailyArgs),
    /// The weekly review pack: ranking with change, bottom and consistently bottom with
    /// reasons, plans, action items, profitability, COD, EV, VAS, launches.
    #[command(
        after_help = "Examples:\n  dspdesk report weekly\n  dspdesk report weekly --week 2026-W47 --format xlsx --out pack.xlsx\n  dspdesk report weekly --user swft --format json"
    )]
    Weekly(WeeklyArgs),
}

#[derive(Args, Debug)]
pub struct WeeklyArgs {
    /// The ISO week (default: the last complete one).
    #[arg(long, value_parser = dspdesk_core::IsoWeek::parse)]
    pub week: Option<dspdesk_core::IsoWeek>,
    #[command(flatten)]
    pub common: Common,
}

/// What every report takes: its narrowing, the reader, the format and the clock.
#[derive(Args, Debug)]
pub struct Common {
    #[arg(long)]
    pub station: Option<String>,
    /// A coach's portfolio (their user name).
    #[arg(long)]
    pub coach: Option<String>,
    #[arg(long)]
    pub partner: Option<String>,
    /// As this user sees it (their scope).
    #[arg(long)]
    pub user: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Where to write (required for xlsx).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// E-mail it to these addresses (the headline in the message, the workbook
    /// attached) through --smtp-url.
    #[arg(long, value_delimiter = ',')]
    pub email: Vec<String>,
    #[command(flatten)]
    pub mail: super::cases::MailArgs,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Args, Debug)]
pub struct DailyArgs {
    /// The day (default: the last day with data).
    #[arg(long, value_parser = super::day)]
    pub date: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub common: Common,
}

pub async fn run(cli: &Cli, cmd: &ReportCommand) -> anyhow::Result<ExitCode> {
    let args = match cmd {
        ReportCommand::Daily(a) => &a.common,
        ReportCommand::Weekly(a) => &a.common,
    };
    let ws = open(cli).await?;
    let actor = match &args.user {
        Some(name) => match ws.store.user_by_name(name).await? {
            Some(u) => dspdesk_app::Actor::user(&u, "cli"),
            None => anyhow::bail!("no user {name:?}: `dspdesk users list` shows who there is"),
        },
        None => operator(),
    };
    let scope = ReportScope {
        station: args.station.clone(),
        coach: args.coach.clone(),
        partner: args.partner.clone(),
    };
    let r = match cmd {
        ReportCommand::Daily(a) => daily(&ws, &actor, a.date, scope, args.clock.now()).await?,
        ReportCommand::Weekly(a) => weekly(&ws, &actor, a.week, scope, args.clock.now()).await?,
    };
    let write = |bytes: &[u8]| -> anyhow::Result<()> {
        match &args.out {
            Some(p) => std::fs::write(p, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", p.display())),
            None => {
                use std::io::Write;
                std::io::stdout().write_all(bytes)?;
                Ok(())
            }
        }
    };
    if !args.email.is_empty() {
        let Some(mailer) = args.mail.mailer()? else {
            anyhow::bail!("--email needs an SMTP server: give --smtp-url or DSPDESK_SMTP_URL");
        };
        let (text, html) = r.email();
        let book = r.workbook()?;
        for to in &args.email {
            mailer
                .send_with_file(
                    to.trim(),
                    &r.subject(),
                    &text,
                    &html,
                    (
                        &r.file_name(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        book.clone(),
                    ),
                )
                .await
                .map_err(|e| anyhow::anyhow!("e-mail to {to}: {e}"))?;
            outln!("sent {:?} to {to}", r.subject());
        }
        ws.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        ReportFormat::Json => {
            write(format!("{}\n", serde_json::to_string_pretty(&r.to_json())?).as_bytes())?
        }
        ReportFormat::Xlsx => {
            let Some(out) = &args.out else {
                anyhow::bail!("--format xlsx writes a file: give it with --out report.xlsx");
            };
            write(&r.workbook()?)?;
            outln!("wrote {} ({} sheets)", out.display(), r.sections.len());
        }
        ReportFormat::Csv => {
            for s in &r.sections {
                outln!("# {}", s.id);
                print_csv(&s.table)?;
            }
        }
        ReportFormat::Text => {
            match r.week {
                Some(w) => outln!("Weekly review pack, {w} — {}", r.scope.words()),
                None => outln!("Daily report, {} — {}", r.date, r.scope.words()),
            }
            for s in &r.sections {
                outln!("\n{} ({} lines)", s.title, s.table.rows.len());
                for row in &s.table.rows {
                    let cells: Vec<String> = s
                        .show
                        .iter()
                        .filter_map(|c| s.table.column(c).map(|i| row[i].display()))
                        .collect();
                    outln!("  {}", cells.join(" · "));
                }
            }
        }
    }
    ws.close().await;
    Ok(ExitCode::SUCCESS)
}
