//! Improvement plans (MEPs): issue a plan to a partner (optionally at one station),
//! read it with its baseline and every complete week since issue from the facts, as
//! `metrics.md` says; the partner acknowledges it; a coach extends or closes it. The
//! scheduler's round tells the coaches once when a plan stops improving and once when
//! its review is due.

use crate::followups::{About, Notify, check_codes};
use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::model::Model;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::followups::Kind;
use dspdesk_core::plans::{
    Baseline, Evaluation, Standing, Tracked, baseline_from_counts, baseline_from_values,
    baseline_weeks, direction, evaluate, from_counts,
};
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Action, Counts, IsoWeek, Role};
use dspdesk_store::{AuditFilter, AuditRow, NewPlan, PlanRow};

/// A plan to issue.
#[derive(Debug, Clone)]
pub struct Issue {
    pub partner: String,
    pub station: String,
    pub metrics: Vec<(String, f64)>,
    pub issued_on: NaiveDate,
    pub review_on: NaiveDate,
    pub note: String,
}

/// A plan with what the data says of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanView {
    pub plan: PlanRow,
    /// `closed`, else what the data says (`on_track`, `not_improving`, `met`), else
    /// what people did (`issued`, `acknowledged`, `extended`).
    pub state: String,
    pub metrics: Vec<Tracked>,
    pub evaluation: Evaluation,
}

pub async fn issue(
    ws: &Workspace,
    actor: &Actor,
    p: Issue,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    actor.must(Action::SetGoals)?;
    let (partner, station) = (p.partner.trim().to_owned(), p.station.trim().to_owned());
    if partner.is_empty() {
        return Err(AppError::invalid(
            "partner",
            "a plan is issued to a partner: name it",
        ));
    }
    if !actor.scope.allows(&partner, &station) {
        return Err(AppError::invalid("partner", "name a partner of your scope"));
    }
    check_codes(ws, &partner, &station).await?;
    if p.metrics.is_empty() {
        return Err(AppError::invalid(
            "metric",
            "name at least one metric and its target, e.g. dot_pct=95",
        ));
    }
    for (i, (m, t)) in p.metrics.iter().enumerate() {
        if direction(m).is_none() {
            let all: Vec<&str> = dspdesk_core::plans::PLAN_METRICS
                .iter()
                .map(|(m, _)| *m)
                .collect();
            return Err(AppError::invalid(
                "metric",
                format!(
                    "{m:?} is not a metric a plan tracks; use one of {}",
                    all.join(", ")
                ),
            ));
        }
        if !t.is_finite() || *t < 0.0 || *t > 1_000_000.0 {
            return Err(AppError::invalid(
                "metric",
                format!("the target of {m} is not a number between 0 and 1,000,000"),
            ));
        }
        if p.metrics[..i].iter().any(|(x, _)| x == m) {
            return Err(AppError::invalid("metric", format!("{m} is named twice")));
        }
    }
    let today = today(ws, now);
    if p.issued_on > today || p.issued_on < today - Duration::weeks(52) {
        return Err(AppError::invalid(
            "issued",
            format!(
                "issued on {}: a plan is issued on a day of the last year, not later than today ({today})",
                p.issued_on
            ),
        ));
    }
    if p.review_on <= p.issued_on {
        return Err(AppError::invalid(
            "review",
            format!(
                "the review on {} is not after the issue on {}",
                p.review_on, p.issued_on
            ),
        ));
    }
    let plan = NewPlan {
        partner,
        station,
        metrics: p.metrics,
        issued_on: p.issued_on,
        review_on: p.review_on,
        note: p.note.trim().to_owned(),
        issued_by: actor.audit.clone(),
        issued_at: now,
    };
    Ok(ws.store.create_plan(&plan).await?)
}

/// The partner's (or the pair's) counts of a week.
fn week_counts(model: &Model, partner: &str, station: &str, week: IsoWeek) -> Counts {
    let mut sum = Counts::default();
    for pair in model
        .pairs
        .iter()
        .filter(|p| p.partner == partner && (station.is_empty() || p.station == station))
    {
        for (_, c) in pair.days_between(week.monday(), week.sunday()) {
            sum += *c;
        }
    }
    sum
}

/// A metric's value in a week: a daily ratio from the week's counts, else the
/// partner's health score or component of that week.
fn week_value(model: &Model, plan: &PlanRow, metric: &str, week: IsoWeek) -> Option<f64> {
    let c = week_counts(model, &plan.partner, &plan.station, week);
    match from_counts(metric, &c) {
        Some(v) => v,
        None => {
            let scores = model.week(week);
            // A plan at one station reads the partner's score there, never its network's.
            let row = if plan.station.is_empty() {
                scores.partner(&plan.partner)?
            } else {
                scores.pairs.iter().find(|r| {
                    r.partner == plan.partner && r.station.as_deref() == Some(plan.station.as_str())
                })?
            };
            if metric == "score" {
                row.score
            } else {
                row.value(metric)
            }
        }
    }
}

/// Evaluates a plan from the facts on `today`.
pub fn view(model: &Model, plan: PlanRow, today: NaiveDate) -> PlanView {
    // Only complete weeks count: one still loading is no baseline.
    let last = model.last_complete_week();
    let before: Vec<IsoWeek> = baseline_weeks(plan.issued_on)
        .into_iter()
        .filter(|w| last.is_some_and(|l| *w <= l))
        .collect();
    let metrics: Vec<Tracked> = plan
        .metrics
        .iter()
        .map(|(m, target)| {
            let baseline = if from_counts(m, &Counts::default()).is_some() {
                let weeks: Vec<(IsoWeek, Counts)> = before
                    .iter()
                    .map(|w| (*w, week_counts(model, &plan.partner, &plan.station, *w)))
                    .collect();
                baseline_from_counts(m, &weeks, plan.issued_on)
            } else {
                let weeks: Vec<(IsoWeek, Option<f64>)> = before
                    .iter()
                    .map(|w| (*w, week_value(model, &plan, m, *w)))
                    .collect();
                baseline_from_values(&weeks, plan.issued_on)
            };
            Tracked {
                metric: m.clone(),
                direction: direction(m).unwrap_or(dspdesk_core::plans::Direction::Higher),
                target: *target,
                baseline,
            }
        })
        .collect();
    let mut weeks = Vec::new();
    if let Some(last) = model.last_complete_week() {
        let mut w =
            IsoWeek::of(plan.issued_on.week(chrono::Weekday::Mon).first_day() + Duration::days(7));
        while w <= last {
            weeks.push((
                w,
                metrics
                    .iter()
                    .map(|t| week_value(model, &plan, &t.metric, w))
                    .collect(),
            ));
            w = IsoWeek::of(w.sunday() + Duration::days(1));
        }
    }
    let evaluation = evaluate(&metrics, &weeks, plan.review_on, today);
    let state = match (plan.state.as_str(), evaluation.standing) {
        ("closed", _) => "closed".to_owned(),
        (s, Standing::Waiting) => s.to_owned(),
        (_, Standing::OnTrack) => "on_track".to_owned(),
        (_, Standing::NotImproving) => "not_improving".to_owned(),
        (_, Standing::Met) => "met".to_owned(),
    };
    PlanView {
        plan,
        state,
        metrics,
        evaluation,
    }
}

fn today(ws: &Workspace, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&ws.default_zone).date_naive()
}

pub async fn list(
    ws: &Workspace,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<PlanView>, AppError> {
    let model = Model::load(ws).await?;
    let day = today(ws, now);
    Ok(ws
        .store
        .plans(&actor.scope)
        .await?
        .into_iter()
        .map(|p| view(&model, p, day))
        .collect())
}

/// The plan, if the caller's scope holds its partner and station; else "not found".
async fn visible(ws: &Workspace, actor: &Actor, id: i64) -> Result<PlanRow, AppError> {
    ws.store
        .plan(id)
        .await?
        .filter(|p| actor.scope.allows(&p.partner, &p.station))
        .ok_or(AppError::NotFound("plan"))
}

pub async fn show(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<PlanView, AppError> {
    let plan = visible(ws, actor, id).await?;
    let model = Model::load(ws).await?;
    Ok(view(&model, plan, today(ws, now)))
}

/// The partner acknowledges a plan issued to it.
pub async fn acknowledge(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let v = show(ws, actor, id, now).await?;
    if actor.role != Role::Partner {
        return Err(AppError::invalid(
            "state",
            "the partner acknowledges its plan on its own page",
        ));
    }
    if !matches!(v.plan.state.as_str(), "issued" | "extended") {
        return Err(AppError::invalid(
            "state",
            format!(
                "plan {id} is {}: only an issued or extended plan is acknowledged",
                v.plan.state
            ),
        ));
    }
    Ok(ws
        .store
        .update_plan(
            id,
            &v.plan.state,
            "acknowledged",
            "",
            v.plan.review_on,
            &actor.audit,
            now,
        )
        .await?)
}

/// Moves the review date later (`extended`) or closes the plan with its outcome.
pub async fn extend(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    review_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::SetGoals)?;
    let v = show(ws, actor, id, now).await?;
    if v.plan.state == "closed" || review_on <= v.plan.review_on {
        return Err(AppError::invalid(
            "review",
            format!(
                "plan {id}: extend an open plan to a date after {}",
                v.plan.review_on
            ),
        ));
    }
    Ok(ws
        .store
        .update_plan(
            id,
            &v.plan.state,
            "extended",
            "",
            review_on,
            &actor.audit,
            now,
        )
        .await?)
}

pub async fn close(
    ws: &Workspace,
    actor: &Actor,
    id: i64,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.must(Action::SetGoals)?;
    if !matches!(outcome, "met" | "not_met" | "escalated") {
        return Err(AppError::invalid(
            "outcome",
            format!("{outcome:?} is not an outcome; use met, not_met or escalated"),
        ));
    }
    let v = show(ws, actor, id, now).await?;
    if v.plan.state == "closed" {
        return Err(AppError::invalid(
            "state",
            format!("plan {id} is closed already"),
        ));
    }
    Ok(ws
        .store
        .update_plan(
            id,
            &v.plan.state,
            "closed",
            outcome,
            v.plan.review_on,
            &actor.audit,
            now,
        )
        .await?)
}

/// The scheduler's part: tells the partner's coaches once when a plan stops improving
/// and once when its review is due. Returns how many were told of.
pub async fn notify_plans(ws: &Workspace, now: DateTime<Utc>) -> Result<u64, AppError> {
    let everyone = Actor::operator("scheduler");
    let notify = Notify::load(ws).await?;
    let mut told = 0;
    for v in list(ws, &everyone, now)
        .await?
        .into_iter()
        .filter(|v| v.plan.state != "closed")
    {
        let about = About {
            partner: &v.plan.partner,
            station: &v.plan.station,
            kind: Kind::ActionItem,
        };
        let mut coaches = notify.coaches_of(&v.plan.partner);
        if coaches.is_empty() {
            coaches = notify.program_team();
        }
        for (due, happened, what) in [
            (
                false,
                v.evaluation.not_improving_since.is_some(),
                "is not improving: no metric better than its baseline for 2 weeks",
            ),
            (true, v.evaluation.due, "is due for its review"),
        ] {
            if happened
                && !(if due {
                    v.plan.notified_due
                } else {
                    v.plan.notified_stalled
                })
            {
                let message = format!(
                    "Improvement plan #{} of {} {what}",
                    v.plan.id, v.plan.partner
                );
                let notes = notify.build(&coaches, "state", &message, None, about);
                // Marked and told in one transaction, only for the review date read.
                if ws
                    .store
                    .mark_plan_notified(v.plan.id, due, v.plan.review_on, &notes, now)
                    .await?
                {
                    told += 1;
                }
            }
        }
    }
    Ok(told)
}

/// The baseline of a plan's metric, for screens.
pub fn baseline_text(b: &Baseline) -> String {
    match b.value {
        Some(v) => format!(
            "{v:.1} over {} week{}",
            b.weeks,
            if b.weeks == 1 { "" } else { "s" }
        ),
        None => "none: no complete week before the issue".into(),
    }
}

/// The metrics of a plan issued from a partner's scorecard: the components that pulled
/// its score down against the week before (most first, at most 3), each with the
/// target of the score configuration; DOT at its target when none did.
pub fn suggested_metrics(card: &crate::health::Scorecard) -> Vec<(String, f64)> {
    let mut moved: Vec<_> = card
        .explanation
        .components
        .iter()
        .filter(|c| c.delta < -0.05 && direction(c.component.as_str()).is_some())
        .collect();
    moved.sort_by(|a, b| a.delta.total_cmp(&b.delta));
    let mut out: Vec<(String, f64)> = moved
        .iter()
        .take(3)
        .filter_map(|c| {
            let name = c.component.as_str();
            card.config
                .component(name)
                .map(|cfg| (name.to_owned(), cfg.target))
        })
        .collect();
    if out.is_empty() {
        let target = card.config.component("dot_pct").map_or(95.0, |c| c.target);
        out.push(("dot_pct".to_owned(), target));
    }
    out
}

/// What happened to a plan the caller may see, oldest first: issued, acknowledged,
/// extended, closed (the audit rows written with each change).
pub async fn history(ws: &Workspace, actor: &Actor, id: i64) -> Result<Vec<AuditRow>, AppError> {
    let plan = visible(ws, actor, id).await?;
    let mut rows = ws
        .store
        .audit_search(&AuditFilter {
            entity: Some("plan".into()),
            entity_id: Some(plan.id.to_string()),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    rows.reverse();
    Ok(rows)
}

/// Plans as a table, for downloads.
pub fn plans_table(rows: &[PlanView]) -> Table {
    Table {
        columns: vec![
            "id",
            "partner",
            "station",
            "metrics",
            "issued_on",
            "review_on",
            "state",
            "outcome",
            "not_improving_since",
            "issued_by",
        ],
        rows: rows
            .iter()
            .map(|v| {
                let metrics: Vec<String> = v
                    .plan
                    .metrics
                    .iter()
                    .map(|(m, t)| format!("{m}={t}"))
                    .collect();
                vec![
                    Cell::Int(v.plan.id),
                    Cell::text(&v.plan.partner),
                    Cell::text(&v.plan.station),
                    Cell::text(metrics.join(";")),
                    Cell::text(v.plan.issued_on.to_string()),
                    Cell::text(v.plan.review_on.to_string()),
                    Cell::text(&v.state),
                    Cell::text(&v.plan.outcome),
                    Cell::text(
                        v.evaluation
                            .not_improving_since
                            .map(|w| w.to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::text(&v.plan.issued_by),
                ]
            })
            .collect(),
    }
}

/// A plan's tracked weeks as a table, one row per week and metric, for downloads.
pub fn weeks_table(v: &PlanView) -> Table {
    let mut rows = Vec::new();
    for w in &v.evaluation.weeks {
        for (i, t) in v.metrics.iter().enumerate() {
            rows.push(vec![
                Cell::text(w.week.to_string()),
                Cell::text(&t.metric),
                Cell::Num(w.values.get(i).copied().flatten()),
                Cell::Num(Some(t.target)),
                Cell::Num(t.baseline.value),
                Cell::Bool(w.met.get(i).copied().unwrap_or(false)),
                Cell::Bool(w.better.get(i).copied().unwrap_or(false)),
            ]);
        }
    }
    Table {
        columns: vec![
            "week",
            "metric",
            "value",
            "target",
            "baseline",
            "met",
            "better_than_baseline",
        ],
        rows,
    }
}
