//! Schedules and subscriptions: who gets which report when. A subscription names its
//! recipient, and the report is built as that person sees it (a coach gets their
//! portfolio's, a partner its own), narrowed as they chose, at a daily time in the
//! network's zone or on a weekday for the pack. The scheduler's round, or `dspdesk
//! report send` from cron, sends each due run once: the run's record (one per
//! subscription and period) is claimed before the report is built, so a second server
//! or a second cron sends nothing more. A run missed in downtime is sent once, late,
//! and says so.

use super::{Keep, Report, ReportScope, daily, weekly};
use crate::notifications::Mailer;
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, Utc};
use dspdesk_core::Action;
use dspdesk_core::reports::{Cadence, Due, parse_time, parse_weekday, weekday_name};
use dspdesk_store::{NewSubscription, ReportRunRow, RunEnd, SubscriptionRow};

/// A run being sent is another runner's to take over when not finished by then.
const CLAIM_MINUTES: i64 = 15;
/// A run that failed is tried again this long after.
const RETRY_MINUTES: i64 = 10;

/// A subscription with its cadence, its narrowing and its latest run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Subscription {
    #[serde(flatten)]
    pub row: SubscriptionRow,
    /// "every day at 07:30".
    pub when: String,
    pub last: Option<ReportRunRow>,
}

impl Subscription {
    /// What it covers: "all asha may see", or its narrowing.
    pub fn covers(&self) -> String {
        let scope = self.scope();
        if scope == ReportScope::default() {
            format!("all {} may see", self.row.username)
        } else {
            scope.words()
        }
    }

    /// "the daily report" or "the weekly review pack".
    pub fn what(&self) -> &'static str {
        if self.row.kind == "weekly" {
            "the weekly review pack"
        } else {
            "the daily report"
        }
    }

    pub fn scope(&self) -> ReportScope {
        scope_of(&self.row)
    }

    /// "sent 2026-11-30 07:30 to asha@example.com", "failed …", or "not sent yet".
    pub fn last_words(&self, zone: chrono_tz::Tz) -> String {
        let Some(r) = &self.last else {
            return "not sent yet".into();
        };
        let at = |t: DateTime<Utc>| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string();
        let late = if r.late {
            format!(", late (due {})", at(r.due_at))
        } else {
            String::new()
        };
        match r.state.as_str() {
            "sent" => format!(
                "sent {} to {}{late}",
                at(r.finished_at.unwrap_or(r.started_at)),
                r.to_addr
            ),
            "failed" => format!(
                "not sent {}: {}",
                at(r.finished_at.unwrap_or(r.started_at)),
                r.error
            ),
            _ => format!("being sent since {}", at(r.started_at)),
        }
    }
}

/// A subscription's narrowing.
fn scope_of(row: &SubscriptionRow) -> ReportScope {
    ReportScope {
        station: row.station.clone(),
        coach: row.coach.clone(),
        partner: row.partner.clone(),
    }
}

fn cadence_of(row: &SubscriptionRow) -> Result<Cadence, AppError> {
    let at = parse_time(&row.at_time).map_err(|e| AppError::invalid("at", e))?;
    match (row.kind.as_str(), row.weekday) {
        ("daily", _) => Ok(Cadence::Daily { at }),
        ("weekly", Some(w)) => Ok(Cadence::Weekly {
            weekday: parse_weekday(&w.to_string()).map_err(|e| AppError::invalid("weekday", e))?,
            at,
        }),
        _ => Err(AppError::invalid(
            "kind",
            format!("subscription {} has no weekday for its weekly pack", row.id),
        )),
    }
}

/// What a person asks for when subscribing.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SubscribeForm {
    /// The recipient (default: the caller). Another person's needs the program team.
    #[serde(default)]
    pub user: Option<String>,
    /// `daily` or `weekly`.
    pub kind: String,
    /// `HH:MM` in the network's zone.
    pub at: String,
    /// For `weekly`: monday … sunday.
    #[serde(default)]
    pub weekday: Option<String>,
    #[serde(default, flatten)]
    pub scope: ReportScope,
}

/// The subscriptions the caller may see (their own; the program team's: everyone's),
/// of one kind or all, each with its latest run.
pub async fn subscriptions(
    ws: &Workspace,
    actor: &Actor,
    kind: Option<&str>,
) -> Result<Vec<Subscription>, AppError> {
    let all = actor.role.may(Action::ScheduleReports);
    let mut last = ws.store.latest_report_runs().await?;
    Ok(ws
        .store
        .subscriptions()
        .await?
        .into_iter()
        .filter(|s| all || s.username == actor.username)
        .filter(|s| kind.is_none_or(|k| s.kind == k))
        .map(|row| Subscription {
            when: cadence_of(&row).map_or_else(|e| e.to_string(), |c| c.words()),
            last: last.remove(&row.id),
            row,
        })
        .collect())
}

/// Subscribes the caller (or, for the program team, anyone) to a report: its id. The
/// narrowing is checked as the recipient would see it: a partner they may not see is
/// "not found", as on their report page.
pub async fn subscribe(
    ws: &Workspace,
    actor: &Actor,
    form: SubscribeForm,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let username = form
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(&actor.username)
        .to_owned();
    if username != actor.username {
        actor.must(Action::ScheduleReports)?;
    }
    let recipient = ws
        .store
        .user_by_name(&username)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| {
            AppError::invalid(
                "user",
                format!("no active user {username:?}: `dspdesk users list` shows who there is"),
            )
        })?;
    let kind = form.kind.trim().to_ascii_lowercase();
    let at = parse_time(&form.at).map_err(|e| AppError::invalid("at", e))?;
    let weekday = match (kind.as_str(), form.weekday.as_deref().map(str::trim)) {
        ("daily", _) => None,
        ("weekly", Some(w)) if !w.is_empty() => Some(
            parse_weekday(w)
                .map_err(|e| AppError::invalid("weekday", e))?
                .number_from_monday() as i64,
        ),
        ("weekly", _) => {
            return Err(AppError::invalid(
                "weekday",
                "the weekly pack goes out on a weekday: give one, e.g. monday",
            ));
        }
        (other, _) => {
            return Err(AppError::invalid(
                "kind",
                format!("{other:?} is not a report: choose daily or weekly"),
            ));
        }
    };
    let scope = form.scope.normalised();
    let as_them = Actor::user(&recipient, "schedule");
    if let Some(st) = &scope.station {
        let known = ws.store.station_zones().await?.contains_key(st);
        if !known || !as_them.scope.allows_station(st) {
            return Err(AppError::NotFound("station"));
        }
    }
    if let Some(c) = &scope.coach {
        let coach = ws.store.user_by_name(c).await?;
        if !coach.is_some_and(|u| u.role == dspdesk_core::Role::Coach) {
            return Err(AppError::invalid(
                "coach",
                format!("{c:?} is not a coach: give a coach's user name"),
            ));
        }
    }
    if scope.partner.is_some() {
        let model = Model::load(ws).await?;
        Keep::new(ws, &as_them, &model, &scope).await?;
    }
    Ok(ws
        .store
        .add_subscription(
            &NewSubscription {
                username,
                kind,
                at_time: at.format("%H:%M").to_string(),
                weekday,
                station: scope.station,
                coach: scope.coach,
                partner: scope.partner,
            },
            &actor.audit,
            now,
        )
        .await?)
}

/// Ends a subscription: one's own, or anyone's for the program team.
pub async fn unsubscribe(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let s = ws
        .store
        .subscription(id)
        .await?
        .ok_or(AppError::NotFound("report subscription"))?;
    // Another person's subscription is not said to exist to someone who may not end it.
    if s.username != actor.username && !actor.role.may(Action::ScheduleReports) {
        return Err(AppError::NotFound("report subscription"));
    }
    Ok(ws.store.remove_subscription(id, &actor.audit, now).await?)
}

/// What one pass over the schedules did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendReport {
    pub sent: u64,
    /// Of those sent, how many after their time (downtime).
    pub late: u64,
    pub failed: u64,
}

/// Sends every run due at `now` that nobody sent: each once, whoever else runs this.
/// `runner` names this process in the runs' record.
pub async fn send_due(
    ws: &Workspace,
    mailer: &Mailer,
    runner: &str,
    now: DateTime<Utc>,
) -> Result<SendReport, AppError> {
    let mut report = SendReport::default();
    let last = ws.store.latest_report_runs().await?;
    for row in ws.store.subscriptions().await? {
        let Ok(cadence) = cadence_of(&row) else {
            continue;
        };
        let Some(due) = cadence.due(&ws.default_zone, row.created_at, now) else {
            continue;
        };
        if last
            .get(&row.id)
            .is_some_and(|r| r.period == due.period && r.state == "sent")
        {
            continue;
        }
        let late = due.late(now);
        let Some(run) = ws
            .store
            .claim_report_run(
                row.id,
                due.period,
                due.due_at,
                late,
                runner,
                now,
                now + Duration::minutes(CLAIM_MINUTES),
            )
            .await?
        else {
            continue;
        };
        let end = send_one(ws, mailer, &row, cadence, due, late, now).await;
        let recorded = match &end {
            Ok((to, subject)) => RunEnd::Sent { to, subject },
            Err((to, error, retry)) => RunEnd::Failed {
                to,
                error,
                next_try: retry.then(|| now + Duration::minutes(RETRY_MINUTES)),
            },
        };
        ws.store.finish_report_run(run, now, &recorded).await?;
        match end {
            Ok(_) => {
                report.sent += 1;
                report.late += u64::from(late);
            }
            Err((_, error, _)) => {
                tracing::warn!(subscription = row.id, %error, "a scheduled report was not sent");
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Builds and sends one run: (to, subject), or (to, why not, whether to try again).
async fn send_one(
    ws: &Workspace,
    mailer: &Mailer,
    row: &SubscriptionRow,
    cadence: Cadence,
    due: Due,
    late: bool,
    now: DateTime<Utc>,
) -> Result<(String, String), (String, String, bool)> {
    let fail = |to: &str, e: String, retry: bool| (to.to_owned(), e, retry);
    let user = match ws.store.user_by_name(&row.username).await {
        Ok(Some(u)) if !u.disabled => u,
        Ok(_) => {
            return Err(fail(
                "",
                format!("{} is no longer an active user", row.username),
                false,
            ));
        }
        Err(e) => return Err(fail("", e.to_string(), true)),
    };
    let to = match ws.store.email_settings(&user.username).await {
        Ok((addr, _)) if !addr.trim().is_empty() => addr,
        Ok(_) => {
            return Err(fail(
                "",
                format!(
                    "{} has no e-mail address: set it on their settings page",
                    user.username
                ),
                false,
            ));
        }
        Err(e) => return Err(fail("", e.to_string(), true)),
    };
    let report = build(ws, &user, row, cadence, due, now)
        .await
        .map_err(|e| {
            // A narrowing the recipient may no longer see will not come right by waiting.
            let retry = !matches!(e, AppError::NotFound(_));
            fail(&to, format!("the report could not be made: {e}"), retry)
        })?;
    let mut subject = report.subject();
    if late {
        subject.push_str(&format!(
            " (late: due {})",
            due.due_at
                .with_timezone(&ws.default_zone)
                .format("%Y-%m-%d %H:%M %Z")
        ));
    }
    let (text, html) = report.email();
    let book = report
        .workbook()
        .map_err(|e| fail(&to, e.to_string(), true))?;
    mailer
        .send_with_file(
            &to,
            &subject,
            &text,
            &html,
            (&report.file_name(), super::XLSX_MIME, book),
        )
        .await
        .map_err(|e| fail(&to, e.to_string(), true))?;
    Ok((to, subject))
}

/// The run's report as its recipient sees it: the daily for the day before it fell due,
/// the pack for the last week ended (or, when the data lags, the last day and the last
/// whole week it holds).
async fn build(
    ws: &Workspace,
    user: &dspdesk_store::UserRow,
    row: &SubscriptionRow,
    cadence: Cadence,
    due: Due,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let actor = Actor::user(user, "schedule");
    let scope = scope_of(row);
    match cadence {
        Cadence::Daily { .. } => {
            let last = ws.loaded_range().await?.map(|(_, l)| l);
            let date = Some(due.report_date()).filter(|d| last.is_some_and(|l| *d <= l));
            daily(ws, &actor, date, scope, now).await
        }
        Cadence::Weekly { .. } => {
            // When the data lags, the last week it holds whole.
            let last = ws.loaded_range().await?.map(|(_, l)| l);
            let week = Some(due.report_week()).filter(|w| last.is_some_and(|l| w.sunday() <= l));
            weekly(ws, &actor, week, scope, now).await
        }
    }
}

/// The weekdays as a form offers them: (value, name).
pub fn weekdays() -> Vec<(String, &'static str)> {
    std::iter::successors(Some(chrono::Weekday::Mon), |w| Some(w.succ()))
        .take(7)
        .map(|w| (weekday_name(w).to_ascii_lowercase(), weekday_name(w)))
        .collect()
}

/// The runs of the schedules the caller may see, newest first: of one subscription
/// (not found unless the caller sees it) or of all of theirs (everyone's for the
/// program team).
pub async fn runs(
    ws: &Workspace,
    actor: &Actor,
    subscription: Option<i64>,
    limit: i64,
) -> Result<Vec<ReportRunRow>, AppError> {
    let seen: Vec<i64> = subscriptions(ws, actor, None)
        .await?
        .iter()
        .map(|s| s.row.id)
        .collect();
    if let Some(id) = subscription
        && !seen.contains(&id)
    {
        return Err(AppError::NotFound("report subscription"));
    }
    let all = actor.role.may(Action::ScheduleReports);
    Ok(ws
        .store
        .report_runs(subscription, limit.clamp(1, 10_000))
        .await?
        .into_iter()
        .filter(|r| all || seen.contains(&r.subscription_id))
        .collect())
}
