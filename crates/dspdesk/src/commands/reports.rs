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
    /// A page that prints, every section whole.
    Html,
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
    /// Subscribe someone to a report: a daily time (the network's zone) or a weekday
    /// and time for the pack. They get it as they see it (a coach their portfolio's, a
    /// partner its own), narrowed as given.
    #[command(
        after_help = "Examples:\n  dspdesk report subscribe --user asha --kind daily --at 07:30\n  dspdesk report subscribe --user swft --kind weekly --weekday monday --at 08:00\n  dspdesk report subscribe --user lead --kind daily --at 07:00 --station BOM1"
    )]
    Subscribe(SubscribeArgs),
    /// The subscriptions, each with when it goes out and its last run.
    Subscriptions(ListArgs),
    /// End a subscription (its runs are kept).
    Unsubscribe(UnsubscribeArgs),
    /// Send the scheduled reports that are due and were not sent (for cron; `serve`
    /// does it every minute). Each run goes out once, whoever else sends.
    #[command(
        after_help = "Examples:\n  dspdesk report send --smtp-url smtp://127.0.0.1:25\n  */5 * * * * dspdesk report send   (with DSPDESK_SMTP_URL set)"
    )]
    Send(SendArgs),
    /// The runs of the schedules, newest first: when, to whom, late or not.
    Runs(RunsArgs),
}

#[derive(Args, Debug)]
pub struct SubscribeArgs {
    /// Who receives it (their e-mail address, their scope).
    #[arg(long)]
    pub user: String,
    /// daily or weekly.
    #[arg(long)]
    pub kind: String,
    /// The time, HH:MM in the network's zone.
    #[arg(long)]
    pub at: String,
    /// For weekly: monday … sunday.
    #[arg(long)]
    pub weekday: Option<String>,
    #[command(flatten)]
    pub narrow: Narrowing,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
}

#[derive(Args, Debug)]
pub struct UnsubscribeArgs {
    pub id: i64,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Args, Debug)]
pub struct SendArgs {
    #[command(flatten)]
    pub mail: super::cases::MailArgs,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Args, Debug)]
pub struct RunsArgs {
    /// Only this subscription's.
    #[arg(long)]
    pub subscription: Option<i64>,
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
}

#[derive(Args, Debug)]
pub struct WeeklyArgs {
    /// The ISO week (default: the last complete one).
    #[arg(long, value_parser = dspdesk_core::IsoWeek::parse)]
    pub week: Option<dspdesk_core::IsoWeek>,
    #[command(flatten)]
    pub common: Common,
}

/// A report's narrowing within its reader's scope.
#[derive(Args, Debug)]
pub struct Narrowing {
    #[arg(long)]
    pub station: Option<String>,
    /// A coach's portfolio (their user name).
    #[arg(long)]
    pub coach: Option<String>,
    #[arg(long)]
    pub partner: Option<String>,
}

impl Narrowing {
    fn scope(&self) -> ReportScope {
        ReportScope {
            station: self.station.clone(),
            coach: self.coach.clone(),
            partner: self.partner.clone(),
        }
    }
}

/// What every report takes: its narrowing, the reader, the format and the clock.
#[derive(Args, Debug)]
pub struct Common {
    #[command(flatten)]
    pub narrow: Narrowing,
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
        other => return schedules(cli, other).await,
    };
    let ws = open(cli).await?;
    let actor = match &args.user {
        Some(name) => match ws.store.user_by_name(name).await? {
            Some(u) => dspdesk_app::Actor::user(&u, "cli"),
            None => anyhow::bail!("no user {name:?}: `dspdesk users list` shows who there is"),
        },
        None => operator(),
    };
    let scope = args.narrow.scope();
    let r = match cmd {
        ReportCommand::Weekly(a) => weekly(&ws, &actor, a.week, scope, args.clock.now()).await?,
        ReportCommand::Daily(a) => daily(&ws, &actor, a.date, scope, args.clock.now()).await?,
        _ => unreachable!("the schedule commands returned above"),
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
                        dspdesk_app::reports::XLSX_MIME,
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
        ReportFormat::Html => write(r.to_html().as_bytes())?,
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
                let n = s.table.rows.len();
                outln!("\n{} ({n} line{})", s.title, if n == 1 { "" } else { "s" });
                if n > 0 {
                    let labels: Vec<String> = s
                        .show
                        .iter()
                        .filter(|c| s.table.column(c).is_some())
                        .map(|c| dspdesk_core::metric::label(c))
                        .collect();
                    outln!("  [{}]", labels.join(" · "));
                }
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

/// The schedule commands: subscribe, list, unsubscribe, send, runs.
async fn schedules(cli: &Cli, cmd: &ReportCommand) -> anyhow::Result<ExitCode> {
    use dspdesk_app::reports::schedule;
    let ws = open(cli).await?;
    let me = operator();
    match cmd {
        ReportCommand::Subscribe(a) => {
            let id = schedule::subscribe(
                &ws,
                &me,
                schedule::SubscribeForm {
                    user: Some(a.user.clone()),
                    kind: a.kind.clone(),
                    at: a.at.clone(),
                    weekday: a.weekday.clone(),
                    scope: a.narrow.scope(),
                },
                a.clock.now(),
            )
            .await?;
            let s = schedule::subscriptions(&ws, &me, None)
                .await?
                .into_iter()
                .find(|s| s.row.id == id);
            if let Some(s) = s {
                outln!(
                    "subscription {id}: {} for {} {} ({}; times in {})",
                    s.what(),
                    s.row.username,
                    s.when,
                    s.covers(),
                    ws.default_zone
                );
            }
        }
        ReportCommand::Subscriptions(a) => {
            let subs = schedule::subscriptions(&ws, &me, None).await?;
            match a.format {
                ReportFormat::Json => outln!("{}", serde_json::to_string_pretty(&subs)?),
                _ => {
                    if subs.is_empty() {
                        outln!("no subscriptions: `dspdesk report subscribe --help` makes one");
                    }
                    for s in &subs {
                        outln!(
                            "{:>4}  {:<7} {:<16} {:<28} {:<32} {}",
                            s.row.id,
                            s.row.kind,
                            s.row.username,
                            s.when,
                            s.covers(),
                            s.last_words(ws.default_zone)
                        );
                    }
                }
            }
        }
        ReportCommand::Unsubscribe(a) => {
            schedule::unsubscribe(&ws, &me, a.id, a.clock.now()).await?;
            outln!("subscription {} ended", a.id);
        }
        ReportCommand::Send(a) => {
            let Some(mailer) = a.mail.mailer()? else {
                anyhow::bail!(
                    "sending reports needs an SMTP server: give --smtp-url or DSPDESK_SMTP_URL"
                );
            };
            let runner = format!("cli:{}", std::process::id());
            let r = schedule::send_due(&ws, &mailer, &runner, a.clock.now()).await?;
            outln!(
                "scheduled reports: {} sent ({} late), {} not sent",
                r.sent,
                r.late,
                r.failed
            );
        }
        ReportCommand::Runs(a) => {
            let runs = schedule::runs(&ws, &me, a.subscription, a.limit).await?;
            match a.format {
                ReportFormat::Json => outln!("{}", serde_json::to_string_pretty(&runs)?),
                _ => {
                    for r in &runs {
                        outln!(
                            "{:>5}  subscription {:<4} {}  {:<8}{}  {}  {}{}",
                            r.id,
                            r.subscription_id,
                            r.period,
                            r.state,
                            if r.late { " (late)" } else { "" },
                            r.started_at
                                .with_timezone(&ws.default_zone)
                                .format("%Y-%m-%d %H:%M %Z"),
                            r.to_addr,
                            if r.error.is_empty() {
                                String::new()
                            } else {
                                format!("  {}", r.error)
                            }
                        );
                    }
                }
            }
        }
        ReportCommand::Daily(_) | ReportCommand::Weekly(_) => unreachable!("reports are run above"),
    }
    ws.close().await;
    Ok(ExitCode::SUCCESS)
}
