//! The scheduler's round: escalate what passed its deadlines, send the e-mail that is
//! due and the scheduled reports. `dspdesk serve` runs a round every minute, `dspdesk jobs run` one for cron.
//! With several servers on one PostgreSQL database only the holder of the advisory
//! lock runs a round; every change of a round is also conditional on the row still
//! needing it, so a level is escalated, and a mail sent, once.

use crate::followups::Notify;
use crate::notifications::{Mailer, send_due};
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Utc};
use dspdesk_core::followups::{Level, escalations_due};
use dspdesk_store::{Edit, FollowupRow, StoreError, Value};

/// How the audit log names the scheduler.
pub const SCHEDULER: &str = "system:scheduler";

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct JobReport {
    /// False when another process holds the lock and ran (or runs) the round.
    pub ran: bool,
    pub escalated: u64,
    pub sent: u64,
    pub failed: u64,
    /// E-mail due but not sent because no SMTP server is configured.
    pub unsent_no_smtp: u64,
    /// Improvement plans whose coaches were told they stopped improving or are due.
    pub plans_notified: u64,
    /// Renewal reminders sent for documents and bank guarantees about to expire.
    pub renewals_reminded: u64,
    /// EV connects whose owner was reminded of the meeting.
    pub connects_reminded: u64,
    /// Quarterly compliance checks opened.
    pub compliance_checks: u64,
    /// Scheduled reports sent (and of those, sent late after downtime) or not sent.
    pub reports_sent: u64,
    pub reports_late: u64,
    pub reports_failed: u64,
}

/// Runs one round as of `now`. `runner` names this process in the record of rounds.
pub async fn run_round(
    ws: &Workspace,
    mailer: Option<&Mailer>,
    runner: &str,
    now: DateTime<Utc>,
) -> Result<JobReport, AppError> {
    let Some(lock) = ws.store.try_jobs_lock().await? else {
        return Ok(JobReport::default());
    };
    let started = Utc::now();
    let result = round(ws, mailer, runner, now).await;
    let finished = Utc::now();
    if let Ok(r) = &result {
        ws.store
            .record_job_run(
                started,
                finished,
                runner,
                (r.escalated as i64, r.sent as i64, r.failed as i64),
            )
            .await?;
    }
    lock.release().await?;
    result
}

async fn round(
    ws: &Workspace,
    mailer: Option<&Mailer>,
    runner: &str,
    now: DateTime<Utc>,
) -> Result<JobReport, AppError> {
    let mut report = JobReport {
        ran: true,
        ..Default::default()
    };
    let candidates = ws.store.escalation_candidates(now).await?;
    if !candidates.is_empty() {
        let notify = Notify::load(ws).await?;
        for f in &candidates {
            let mut row = f.clone();
            for level in escalations_due(
                row.state,
                row.clock_from,
                row.resolve_by,
                row.escalation,
                now,
            ) {
                if !escalate(ws, &notify, &row, level, now).await? {
                    break;
                }
                report.escalated += 1;
                // The next level checks against the row as this one left it.
                match ws.store.followup(row.id).await? {
                    Some(r) => row = r,
                    None => break,
                }
            }
        }
    }
    report.plans_notified = crate::plans::notify_plans(ws, now).await?;
    report.renewals_reminded = crate::documents::remind(ws, now).await?;
    report.connects_reminded = crate::ev::connects::remind(ws, now).await?;
    report.compliance_checks = crate::documents::open_quarterly_checks(ws, now).await?;
    match mailer {
        Some(m) => {
            let s = send_due(ws, m, now).await?;
            report.sent = s.sent;
            report.failed = s.failed;
            let r = crate::reports::schedule::send_due(ws, m, runner, now).await?;
            report.reports_sent = r.sent;
            report.reports_late = r.late;
            report.reports_failed = r.failed;
        }
        None => report.unsent_no_smtp = ws.store.outbox_due(now, 10_000).await?.len() as u64,
    }
    Ok(report)
}

/// Escalates one follow-up to `level`, once: `false` when it already was (another
/// runner was first).
async fn escalate(
    ws: &Workspace,
    notify: &Notify,
    f: &FollowupRow,
    level: Level,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut to: Vec<String> = match level {
        Level::Coaches => notify.coaches_of(&f.partner),
        Level::Program => notify.program_team(),
    };
    if to.is_empty() {
        // No coach for the partner: the program team hears of it at level 1 already.
        to = notify.program_team();
    }
    to.extend(f.owner.clone());
    to.sort();
    to.dedup();
    let who = match level {
        Level::Coaches => "the partner's coaches",
        Level::Program => "the program team",
    };
    let mut e = Edit::new(
        SCHEDULER,
        now,
        "escalate",
        format!(
            "level {}: resolve_by {} passed{}; told {who} ({})",
            level.number(),
            f.resolve_by
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            if level == Level::Program {
                " twice over"
            } else {
                ""
            },
            to.join(", ")
        ),
    );
    e.set.push(("escalation", Value::Int(Some(level.number()))));
    e.expect_escalation_below = Some(level.number());
    // Nothing else changed it since it was read (resolved, reopened, escalated by
    // another runner): else it waits for the next round.
    e.expect_updated_at = Some(f.updated_at);
    e.notify = notify.build(
        &to,
        "escalated",
        &format!(
            "#{} {} is past its deadline (escalation level {}): {} {}",
            f.id,
            f.title,
            level.number(),
            f.partner,
            f.station
        ),
        None,
        crate::followups::About::from(f),
    );
    match ws.store.edit_followup(f.id, &e).await {
        Ok(()) => Ok(true),
        Err(StoreError::NotFound(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
