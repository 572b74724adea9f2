//! `dspdesk cases …` (follow-ups: cases from the data and support-hub points) and
//! `dspdesk jobs run` (one round of the scheduler, for cron).

use super::{open, operator};
use crate::Cli;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use dspdesk_app::followups::{self, Queue, Raise};
use dspdesk_core::followups::{Kind, Priority, State, time_left};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
}

/// The time the rules run at: now, or a fixed time for a rehearsal or a test.
#[derive(Args, Debug, Clone)]
pub struct Clock {
    /// Act as of this time (RFC 3339, e.g. 2026-12-01T09:00:00Z) instead of now.
    #[arg(long, global = true, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

fn parse_now(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{raw:?} is not a time: write it as 2026-12-01T09:00:00Z ({e})"))
}

fn kind(raw: &str) -> Result<Kind, String> {
    Kind::parse(raw).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "{raw:?} is not a kind of follow-up; use one of {}",
            all.join(", ")
        )
    })
}

fn state(raw: &str) -> Result<State, String> {
    State::parse(raw).ok_or_else(|| {
        let all: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
        format!("{raw:?} is not a state; use one of {}", all.join(", "))
    })
}

fn priority(raw: &str) -> Result<Priority, String> {
    Priority::parse(raw)
        .ok_or_else(|| format!("{raw:?} is not a priority; use low, normal, high or urgent"))
}

/// Follow-ups: cases the data opened (nl, cod, ageing, slp) and points people raised.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  dspdesk cases list --overdue\n  dspdesk cases open --partner SWFT --station DEL4 --title \"Van off road\"\n  dspdesk cases comment 12 \"Called the owner\"\n  dspdesk cases resolve 12 --note \"Cash deposited\""
)]
pub struct CasesArgs {
    #[command(subcommand)]
    pub command: CasesCommand,
    #[command(flatten)]
    pub clock: Clock,
}

#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// The queue: open follow-ups by time left (filters combine).
    List(ListArgs),
    /// One follow-up with its lines, comments, attachments and history.
    Show {
        id: i64,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Raise a support-hub point.
    Open(OpenArgs),
    /// Give a follow-up to an owner (or to nobody with --nobody).
    Assign {
        id: i64,
        owner: Option<String>,
        #[arg(long, conflicts_with = "owner")]
        nobody: bool,
    },
    Comment {
        id: i64,
        text: String,
    },
    Resolve {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
    Close {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
    Reopen {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Move a follow-up to any state the state machine allows.
    State {
        id: i64,
        #[arg(value_parser = state)]
        to: State,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record what was recovered of an NL case (an amount such as 1250.50).
    Recover {
        id: i64,
        amount: String,
    },
    /// Evaluate the cases from the data now (what every load does).
    Detect,
    /// The SLA report per kind and owner.
    Sla {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[arg(long, value_parser = kind)]
    pub kind: Option<Kind>,
    #[arg(long, value_parser = state)]
    pub state: Option<State>,
    #[arg(long)]
    pub partner: Option<String>,
    #[arg(long)]
    pub station: Option<String>,
    /// Owned by this user.
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long)]
    pub unassigned: bool,
    /// Open past their resolve deadline.
    #[arg(long)]
    pub overdue: bool,
    /// Resolved and closed ones too.
    #[arg(long)]
    pub all: bool,
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct OpenArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long, default_value = "")]
    pub partner: String,
    #[arg(long, default_value = "")]
    pub station: String,
    #[arg(long, default_value = "")]
    pub text: String,
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long, value_parser = priority)]
    pub priority: Option<Priority>,
}

pub async fn run(cli: &Cli, args: &CasesArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let me = operator();
    let now = args.clock.now();
    match &args.command {
        CasesCommand::List(l) => list(&ws, &me, l, now).await?,
        CasesCommand::Show { id, format } => show(&ws, &me, *id, *format, now).await?,
        CasesCommand::Open(o) => {
            let raise = Raise {
                partner: o.partner.clone(),
                station: o.station.clone(),
                title: o.title.clone(),
                body: o.text.clone(),
                priority: o.priority,
                owner: o.owner.clone(),
            };
            let id = followups::raise(&ws, &me, raise, now).await?;
            outln!("opened #{id}");
        }
        CasesCommand::Assign { id, owner, nobody } => {
            if owner.is_none() && !nobody {
                anyhow::bail!("name the owner, or say --nobody to leave it unassigned");
            }
            followups::assign(&ws, &me, *id, owner.as_deref(), now).await?;
            outln!("#{id} assigned to {}", owner.as_deref().unwrap_or("nobody"));
        }
        CasesCommand::Comment { id, text } => {
            followups::comment(&ws, &me, *id, text, now).await?;
            outln!("commented on #{id}");
        }
        CasesCommand::Resolve { id, note } => {
            move_to(&ws, &me, *id, State::Resolved, note, now).await?
        }
        CasesCommand::Close { id, note } => {
            move_to(&ws, &me, *id, State::Closed, note, now).await?
        }
        CasesCommand::Reopen { id, note } => move_to(&ws, &me, *id, State::Open, note, now).await?,
        CasesCommand::State { id, to, note } => move_to(&ws, &me, *id, *to, note, now).await?,
        CasesCommand::Recover { id, amount } => {
            let minor = dspdesk_core::parse_amount(amount.as_bytes(), false)
                .map_err(|e| anyhow::anyhow!("--amount {amount:?}: {e}"))?;
            followups::record_recovery(&ws, &me, *id, minor, now).await?;
            outln!("#{id}: recovered {}", dspdesk_core::format_minor(minor));
        }
        CasesCommand::Detect => {
            let s = dspdesk_app::cases::detect(&ws, now).await?;
            outln!(
                "cases: {} opened, {} updated, {} resolved by the data, {} withdrawn; {} shown by the data",
                s.opened,
                s.updated,
                s.resolved,
                s.withdrawn,
                s.shown
            );
        }
        CasesCommand::Sla { format } => {
            let lines = followups::sla_report(&ws, &me, now).await?;
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&lines)?),
                _ => dspdesk_app::shared::table::write_csv(
                    &followups::sla_table(&lines),
                    std::io::stdout().lock(),
                )?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn move_to(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    id: i64,
    to: State,
    note: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    followups::transition(ws, me, id, to, note, now).await?;
    outln!("#{id} is now {to}");
    Ok(())
}

async fn list(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    l: &ListArgs,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let q = Queue {
        overdue: l.overdue,
        all: l.all,
        unassigned: l.unassigned,
        kind: l.kind,
        state: l.state,
        partner: l.partner.clone(),
        station: l.station.clone(),
        page: 1,
        per_page: l.limit,
        ..Default::default()
    };
    let mut page = followups::queue(ws, me, &q, now).await?;
    if let Some(o) = &l.owner {
        page.rows.retain(|f| f.owner.as_deref() == Some(o.as_str()));
    }
    match l.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&page.rows)?),
        Format::Csv => dspdesk_app::shared::table::write_csv(
            &followups::queue_table(&page.rows, now),
            std::io::stdout().lock(),
        )?,
        Format::Text => {
            for f in &page.rows {
                let who = match (f.partner.as_str(), f.station.as_str()) {
                    ("", s) => s.to_owned(),
                    (p, "") => p.to_owned(),
                    (p, s) => format!("{p}@{s}"),
                };
                let amount = f
                    .amount_minor
                    .map(dspdesk_core::format_minor)
                    .unwrap_or_default();
                outln!(
                    "#{:<6} {:<7} {:<12} {:<19} {:<12} {:>12}  {:<22} {}",
                    f.id,
                    f.kind,
                    who,
                    f.state,
                    f.owner.as_deref().unwrap_or("-"),
                    amount,
                    if f.state.is_open() {
                        time_left(f.resolve_by, now)
                    } else {
                        String::new()
                    },
                    f.title
                );
            }
            outln!("{} of {} follow-ups", page.rows.len(), page.total);
        }
    }
    Ok(())
}

async fn show(
    ws: &dspdesk_app::Workspace,
    me: &dspdesk_app::Actor,
    id: i64,
    format: Format,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let d = followups::show(ws, me, id).await?;
    if format == Format::Json {
        outln!("{}", serde_json::to_string_pretty(&detail_json(&d))?);
        return Ok(());
    }
    print_detail(&d, now);
    Ok(())
}

fn detail_json(d: &followups::Detail) -> serde_json::Value {
    serde_json::json!({
        "followup": d.row,
        "lines": d.lines,
        "comments": d.comments,
        "attachments": d.attachments,
        "watchers": d.watchers,
        "history": d.history.iter().map(|h| serde_json::json!({
            "at": h.at, "actor": h.actor, "action": h.action, "detail": h.detail,
        })).collect::<Vec<_>>(),
    })
}

fn print_detail(d: &followups::Detail, now: DateTime<Utc>) {
    let f = &d.row;
    outln!("#{} {} ({}): {}", f.id, f.kind.label(), f.state, f.title);
    outln!(
        "partner {}  station {}  owner {}",
        f.partner,
        f.station,
        f.owner.as_deref().unwrap_or("-")
    );
    if let Some(a) = f.amount_minor {
        outln!(
            "amount {}  recovered {}",
            dspdesk_core::format_minor(a),
            dspdesk_core::format_minor(f.recovered_minor)
        );
    }
    outln!(
        "respond by {}  resolve by {}  ({})",
        f.respond_by,
        f.resolve_by,
        if f.state.is_open() {
            time_left(f.resolve_by, now)
        } else {
            "done".into()
        }
    );
    if !f.body.is_empty() {
        outln!("{}", f.body);
    }
    for l in &d.lines {
        outln!(
            "  {} {} {} {}",
            l.date,
            l.reference,
            l.amount_minor
                .map(dspdesk_core::format_minor)
                .unwrap_or_default(),
            l.detail
        );
    }
    if f.lines_more > 0 {
        outln!("  … and {} more lines", f.lines_more);
    }
    for c in &d.comments {
        outln!(
            "{} {} ({}): {}",
            c.at.format("%Y-%m-%d %H:%M"),
            c.author,
            c.role,
            c.body
        );
    }
    for h in &d.history {
        outln!(
            "{} {} {} {}",
            h.at.format("%Y-%m-%d %H:%M"),
            h.actor,
            h.action,
            h.detail
        );
    }
}

/// One round of the scheduler (escalations, e-mail) for cron.
#[derive(Args, Debug)]
pub struct JobsArgs {
    #[command(subcommand)]
    pub command: JobsCommand,
    #[command(flatten)]
    pub clock: Clock,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Subcommand, Debug)]
pub enum JobsCommand {
    /// Run one round now: escalate what is past its deadline, send due e-mail.
    Run,
}

/// Where e-mail goes.
#[derive(Args, Debug, Clone, Default)]
pub struct MailArgs {
    /// SMTP server for e-mail (smtp://host:port, smtp://user:pass@host:587?tls=required); none: nothing is sent.
    #[arg(long, global = true, env = "DSPDESK_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of e-mail.
    #[arg(
        long,
        global = true,
        env = "DSPDESK_MAIL_FROM",
        default_value = "dspdesk <dspdesk@localhost>"
    )]
    pub mail_from: String,
}

impl MailArgs {
    pub fn mailer(&self) -> anyhow::Result<Option<dspdesk_app::notifications::Mailer>> {
        match self.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => Ok(Some(dspdesk_app::notifications::Mailer::new(
                url,
                &self.mail_from,
            )?)),
            None => Ok(None),
        }
    }
}

pub async fn jobs(cli: &Cli, args: &JobsArgs) -> anyhow::Result<ExitCode> {
    let ws = open(cli).await?;
    let mailer = args.mail.mailer()?;
    let JobsCommand::Run = args.command;
    let runner = format!("cli:{}", std::process::id());
    let r = dspdesk_app::jobs::run_round(&ws, mailer.as_ref(), &runner, args.clock.now()).await?;
    if !r.ran {
        outln!("another process holds the scheduler's lock and runs the jobs; nothing done");
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "escalated {} follow-up levels; e-mail: {} sent, {} failed (kept for the next try); {} plans told; {} renewal reminders; {} EV connect reminders; {} compliance checks opened",
        r.escalated,
        r.sent,
        r.failed,
        r.plans_notified,
        r.renewals_reminded,
        r.connects_reminded,
        r.compliance_checks
    );
    if mailer.is_some() {
        outln!(
            "scheduled reports: {} sent ({} late), {} not sent",
            r.reports_sent,
            r.reports_late,
            r.reports_failed
        );
    }
    if mailer.is_none() && r.unsent_no_smtp > 0 {
        outln!(
            "{} e-mails wait in the outbox: no SMTP server is configured (--smtp-url or DSPDESK_SMTP_URL)",
            r.unsent_no_smtp
        );
    }
    Ok(ExitCode::SUCCESS)
}
