//! Improvement plans: the list and the form that issues one, a plan's page (baseline,
//! the weeks since issue against the targets, a chart, acknowledge, extend, close),
//! and the same as JSON.

use super::Route;
use crate::AppState;
use crate::routes::followups::when;
use crate::shared::auth::{ApiUser, User};
use crate::shared::charts::{Series, line_chart, value_chart};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::plans::{self, Issue, PlanView};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/plans", get(list).post(issue)),
        Route::page("/plans/{plan}", get(show).post(act)),
        Route::page("/plans/{plan}/letter", get(letter)),
        Route::api(
            "/api/v1/plans",
            get(api_list),
            "Improvement plans the caller may see, each with its baseline, the complete weeks since issue and where it stands.",
            &[],
        ),
        Route::api(
            "/api/v1/plans/{plan}",
            get(api_show),
            "One improvement plan with its baseline, weekly values against the targets, and its state.",
            &[],
        ),
    ]
}

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<PlanView>,
    may_issue: bool,
    metrics: Vec<&'static str>,
    result: String,
    /// The form, filled from the link that opened it (a scorecard's): partner and up to
    /// 3 (metric, target) rows.
    partner: String,
    rows_in: Vec<(String, String)>,
    issued: String,
    review: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
    /// `csv` or `xlsx`: the page's table as a file.
    #[serde(default)]
    download: String,
}

pub async fn list(
    State(s): State<AppState>,
    u: User,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> PageResult {
    let q: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| PageError::bad_request(e.to_string()))?;
    let one = |k: &str| {
        q.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        q.iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let mut rows_in: Vec<(String, String)> = all("metric")
        .into_iter()
        .zip(all("target"))
        .take(3)
        .collect();
    rows_in.resize(3, (String::new(), String::new()));
    let today = Utc::now().with_timezone(&s.ws.default_zone).date_naive();
    let rows = plans::list(&s.ws, &u.actor, Utc::now()).await?;
    let format = one("download");
    if !format.is_empty() {
        return download(&plans::plans_table(&rows), "plans", &format);
    }
    Ok(render(ListPage {
        c: chrome(&u, "plans"),
        rows,
        may_issue: u.user.role.may(dspdesk_core::Action::SetGoals),
        metrics: dspdesk_core::plans::PLAN_METRICS
            .iter()
            .map(|(m, _)| *m)
            .collect(),
        result: one("done"),
        partner: one("partner"),
        rows_in,
        issued: today.to_string(),
        review: (today + chrono::Duration::days(28)).to_string(),
    }))
}

fn issue_from(form: &[(String, String)]) -> Result<Issue, AppError> {
    let one = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let names: Vec<&String> = form
        .iter()
        .filter(|(n, _)| n == "metric")
        .map(|(_, v)| v)
        .collect();
    let targets: Vec<&String> = form
        .iter()
        .filter(|(n, _)| n == "target")
        .map(|(_, v)| v)
        .collect();
    let mut metrics = Vec::new();
    for (i, name) in names
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.trim().is_empty())
    {
        let raw = targets.get(i).map(|t| t.trim()).unwrap_or("");
        let t: f64 = raw.parse().map_err(|_| {
            AppError::invalid(
                "metric",
                format!("the target of {name} ({raw:?}) is not a number"),
            )
        })?;
        metrics.push((name.trim().to_owned(), t));
    }
    let day = |k: &'static str| {
        dspdesk_core::time::parse_day(&one(k)).map_err(|e| AppError::invalid(k, e.to_string()))
    };
    Ok(Issue {
        partner: one("partner"),
        station: one("station"),
        metrics,
        issued_on: day("issued")?,
        review_on: day("review")?,
        note: one("note"),
    })
}

pub async fn issue(
    State(s): State<AppState>,
    CsrfForm { user: u, form }: CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let done = match issue_from(&form) {
        Ok(i) => plans::issue(&s.ws, &u.actor, i, Utc::now()).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(id) => Ok(Redirect::to(&format!("/plans/{id}")).into_response()),
        Err(e @ AppError::Invalid { .. }) => Ok(Redirect::to(&format!(
            "/plans?done={}",
            segment(&format!("Not issued: {e}"))
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "plans/show.html")]
struct ShowPage {
    c: Chrome,
    v: PlanView,
    baselines: Vec<String>,
    /// One chart per metric: its weeks, its target and its baseline.
    charts: Vec<String>,
    /// (when, who, what).
    history: Vec<(String, String, String)>,
    may_ack: bool,
    may_work: bool,
    result: String,
}

/// A metric's weeks against its target and baseline, scaled to its own values.
fn charts(v: &PlanView) -> Vec<String> {
    if v.evaluation.weeks.is_empty() {
        return Vec::new();
    }
    let weeks: Vec<String> = v
        .evaluation
        .weeks
        .iter()
        .map(|w| w.week.to_string())
        .collect();
    let flat = |x: Option<f64>| weeks.iter().map(|w| (w.clone(), x)).collect::<Vec<_>>();
    v.metrics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let series = [
                Series {
                    name: "week",
                    class: "s1",
                    points: v
                        .evaluation
                        .weeks
                        .iter()
                        .map(|w| (w.week.to_string(), w.values.get(i).copied().flatten()))
                        .collect(),
                },
                Series {
                    name: "target",
                    class: "s2",
                    points: flat(Some(t.target)),
                },
                Series {
                    name: "baseline",
                    class: "s3",
                    points: flat(t.baseline.value),
                },
            ];
            let title = format!("{} by week against the target", t.metric);
            if t.metric.ends_with("_pct") {
                line_chart(&title, &series)
            } else {
                value_chart(&title, &series)
            }
        })
        .collect()
}

fn baselines(v: &PlanView) -> Vec<String> {
    v.metrics
        .iter()
        .map(|t| plans::baseline_text(&t.baseline))
        .collect()
}

async fn found(s: &AppState, u: &User, id: i64) -> Result<PlanView, PageError> {
    plans::show(&s.ws, &u.actor, id, Utc::now())
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => PageError::not_found("no such plan in your scope"),
            e => e.into(),
        })
}

pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> PageResult {
    let v = found(&s, &u, id).await?;
    if !q.download.is_empty() {
        return download(
            &plans::weeks_table(&v),
            &format!("plan-{id}-weeks"),
            &q.download,
        );
    }
    let history = plans::history(&s.ws, &u.actor, id)
        .await?
        .into_iter()
        .map(|a| {
            (
                when(a.at, u.zone),
                a.actor,
                history_line(&a.action, &a.detail),
            )
        })
        .collect();
    Ok(render(ShowPage {
        c: chrome(&u, "plans"),
        baselines: baselines(&v),
        charts: charts(&v),
        history,
        may_ack: u.user.role == dspdesk_core::Role::Partner
            && matches!(v.plan.state.as_str(), "issued" | "extended"),
        may_work: u.user.role.may(dspdesk_core::Action::SetGoals) && v.plan.state != "closed",
        result: q.done,
        v,
    }))
}

/// An audit row of a plan in words.
fn history_line(action: &str, detail: &str) -> String {
    match action {
        "issue" => match detail.rsplit_once("; review ") {
            Some((_, review)) => format!("Issued, review on {review}"),
            None => "Issued".to_owned(),
        },
        "state" => {
            // "<from> -> <to> <outcome> review <date>"
            let mut words = detail.split_whitespace();
            let (_, _, to) = (words.next(), words.next(), words.next().unwrap_or(""));
            let rest: Vec<&str> = words.collect();
            match (to, rest.as_slice()) {
                ("acknowledged", _) => "Acknowledged by the partner".into(),
                ("extended", [.., "review", d]) => format!("Extended: review moved to {d}"),
                ("closed", [o, ..]) => format!("Closed: {}", o.replace('_', " ")),
                _ => detail.to_owned(),
            }
        }
        _ => format!("{action}: {detail}"),
    }
}

#[derive(Template)]
#[template(path = "plans/letter.html")]
struct LetterPage {
    c: Chrome,
    v: PlanView,
    baselines: Vec<String>,
    /// "at least 95", "at most 500".
    targets: Vec<String>,
    /// Each metric in words.
    labels: Vec<String>,
    today: String,
}

/// The plan as a letter to the partner, to print or save as PDF.
pub async fn letter(State(s): State<AppState>, u: User, Path(id): Path<i64>) -> PageResult {
    let v = found(&s, &u, id).await?;
    Ok(render(LetterPage {
        c: chrome(&u, "plans"),
        baselines: baselines(&v),
        targets: v
            .metrics
            .iter()
            .map(|t| match t.direction {
                dspdesk_core::plans::Direction::Higher => format!("at least {}", t.target),
                dspdesk_core::plans::Direction::Lower => format!("at most {}", t.target),
            })
            .collect(),
        labels: v
            .metrics
            .iter()
            .map(|t| match dspdesk_core::plans::label(&t.metric) {
                "" => t.metric.clone(),
                l => l.to_owned(),
            })
            .collect(),
        today: Utc::now()
            .with_timezone(&s.ws.default_zone)
            .date_naive()
            .format("%-d %B %Y")
            .to_string(),
        v,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    review: String,
    #[serde(default)]
    outcome: String,
}

pub async fn act(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user: u, form: f }: CsrfForm<ActForm>,
) -> PageResult {
    let now = Utc::now();
    let done = match f.action.as_str() {
        "acknowledge" => plans::acknowledge(&s.ws, &u.actor, id, now)
            .await
            .map(|_| "Acknowledged.".to_owned()),
        "extend" => match dspdesk_core::time::parse_day(f.review.trim()) {
            Ok(d) => plans::extend(&s.ws, &u.actor, id, d, now)
                .await
                .map(|_| format!("Review moved to {d}.")),
            Err(e) => Err(AppError::invalid("review", e.to_string())),
        },
        "close" => plans::close(&s.ws, &u.actor, id, f.outcome.trim(), now)
            .await
            .map(|_| "Closed.".to_owned()),
        other => Err(AppError::invalid(
            "action",
            format!("{other:?} is not an action; use acknowledge, extend or close"),
        )),
    };
    match done {
        Ok(m) => Ok(Redirect::to(&format!("/plans/{id}?done={}", segment(&m))).into_response()),
        Err(e @ AppError::Invalid { .. }) => Ok(Redirect::to(&format!(
            "/plans/{id}?done={}",
            segment(&format!("Not done: {e}"))
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

pub async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "plans": plans::list(&s.ws, &u.actor, Utc::now()).await? }),
    ))
}

pub async fn api_show(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let plan = plans::show(&s.ws, &u.actor, id, Utc::now()).await?;
    let history: Vec<Value> = plans::history(&s.ws, &u.actor, id)
        .await?
        .into_iter()
        .map(|a| json!({ "at": a.at, "actor": a.actor, "action": a.action, "detail": a.detail }))
        .collect();
    Ok(Json(json!({ "plan": plan, "history": history })))
}
