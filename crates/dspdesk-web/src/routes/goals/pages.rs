//! The route goals page and its forms: adopt the suggestions (the program team) or
//! set one pair's goals (coaches too, within their portfolio); every change audited.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::download::download;
use crate::shared::error::PageResult;
use crate::shared::error::form_outcome;
use crate::shared::extract::{CsrfForm, PageWeek};
use crate::shared::grid::{GoalFormView, GridPage, GridSpec};
use crate::shared::render::{chrome, render};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Duration, NaiveDate};
use dspdesk_app::goals::{self, GoalSetting, Period, goals_table};
use dspdesk_app::{Actor, AppError};
use dspdesk_core::{Action, CodeError, IsoWeek, PartnerCode, StationCode};

#[derive(serde::Deserialize, Default)]
pub struct GridQuery {
    download: Option<String>,
}

pub async fn goals(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<GridQuery>,
) -> PageResult {
    goals_page(&s, &u, week, q.download.as_deref(), None).await
}

#[derive(serde::Deserialize)]
pub struct GoalForm {
    action: String,
    from: String,
    to: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    p50: String,
    #[serde(default)]
    p90: String,
}

fn date(field: &'static str, raw: &str) -> Result<NaiveDate, AppError> {
    dspdesk_core::time::parse_day(raw)
        .map_err(|e| AppError::invalid(field, format!("{field}: {e}")))
}

/// A code typed into the form (any case): the code, or the field's error.
fn code<T>(
    field: &'static str,
    raw: &str,
    parse: fn(&str) -> Result<T, CodeError>,
) -> Result<T, AppError> {
    let raw = raw.trim().to_uppercase();
    parse(&raw).map_err(|e| AppError::invalid(field, format!("{field} code {raw:?} {e}")))
}

fn routes_number(field: &'static str, what: &str, raw: &str) -> Result<f64, AppError> {
    raw.trim()
        .parse::<f64>()
        .map_err(|_| AppError::invalid(field, format!("{what}: {raw:?} is not a number of routes")))
}

async fn apply(s: &AppState, actor: &Actor, f: &GoalForm) -> Result<String, AppError> {
    let period = Period::new(date("from", &f.from)?, date("to", &f.to)?)?;
    let (from, to) = (period.from, period.to);
    match f.action.as_str() {
        "adopt" => {
            let n = goals::adopt_goals(&s.ws, actor, period).await?;
            Ok(format!(
                "Adopted the suggested goals of {n} partner-station pairs for {from} to {to}."
            ))
        }
        "set" => {
            let g = GoalSetting {
                partner: code("partner", &f.partner, PartnerCode::parse)?,
                station: code("station", &f.station, StationCode::parse)?,
                period,
                p50: routes_number("p50", "P50", &f.p50)?,
                p90: routes_number("p90", "P90", &f.p90)?,
            };
            goals::set_goal(&s.ws, actor, &g).await?;
            Ok(format!(
                "Set {} at {}: P50 {}, P90 {} for {from} to {to}.",
                g.partner, g.station, g.p50, g.p90
            ))
        }
        other => Err(AppError::invalid(
            "action",
            format!("unknown action {other:?}"),
        )),
    }
}

/// Adopts or sets goals; the page shows what happened, and a refused form stays open
/// with its message (400).
pub async fn set_goals(State(s): State<AppState>, f: CsrfForm<GoalForm>) -> PageResult {
    let u = &f.user;
    let (ok, text) = form_outcome(apply(&s, &u.actor, &f.form).await)?;
    let week = dspdesk_core::time::parse_day(&f.form.from)
        .ok()
        .map(|d| IsoWeek::of(d - Duration::days(1)));
    let page = goals_page(&s, u, week, None, Some((ok, text))).await?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, page).into_response())
}

fn goal_form(u: &User, week: Option<IsoWeek>, window_days: u32) -> Option<GoalFormView> {
    u.user.role.may(Action::SetGoals).then(|| {
        let from = week.map_or_else(
            || chrono::Utc::now().date_naive(),
            |w| w.sunday() + Duration::days(1),
        );
        GoalFormView {
            csrf: u.csrf.clone(),
            from: from.to_string(),
            to: (from + Duration::days(27)).to_string(),
            may_adopt: u.user.role.may(Action::AdoptGoals),
            window_days,
        }
    })
}

async fn goals_page(
    s: &AppState,
    u: &User,
    week: Option<IsoWeek>,
    download_as: Option<&str>,
    result: Option<(bool, String)>,
) -> PageResult {
    let goals::GoalsWeek {
        week,
        lines,
        window_days: window,
    } = goals::goals_week(&s.ws, &u.actor, week).await?;
    let wk = week.map(|w| w.to_string()).unwrap_or_default();
    let table = goals_table(&lines);
    if let Some(f) = download_as {
        return download(&table, &format!("goals-{wk}"), f);
    }
    let p = table.column("partner").unwrap_or(0);
    let link = |col: &str, row: &[dspdesk_core::table::Cell]| {
        (col == "partner")
            .then(|| format!("/partners/{}/scorecard?week={wk}", row[p].export_text()))
    };
    let short = lines.iter().filter(|g| g.shortfall_days > 0).count();
    let mut page = GridPage::new(chrome(u, "scores"), "/goals", "Route goals", week);
    page.intro = format!(
        "Each partner commits to a P50 (typical) and P90 (peak) number of daily routes per station. The goal in force is the one set or adopted for the period, else the suggestion from the {window} days before the week (PERCENTILE.INC of daily routes, counting 0 on days the station ran routes and the partner none). The suggestion for the next period uses the {window} days ending with this week. `dspdesk goals adopt` or `dspdesk goals set` stores goals."
    );
    page.result = result;
    page.goal_form = goal_form(u, week, window);
    page.tiles = vec![
        (
            "Partner-stations".into(),
            lines.len().to_string(),
            "active this week".into(),
        ),
        (
            "With shortfall days".into(),
            short.to_string(),
            "routes below P50 on some day".into(),
        ),
    ];
    page.grids.push(
        GridSpec {
            id: "goals",
            title: "Goals and attainment".into(),
            note: String::new(),
            table: &table,
            show: &[
                "partner",
                "station",
                "goal_p50",
                "goal_p90",
                "goal_source",
                "routes",
                "route_days",
                "goal_p50_met_pct",
                "goal_p90_met_pct",
                "shortfall_days",
                "suggested_p50",
                "suggested_p90",
            ],
            dl: format!("?week={wk}&download="),
        }
        .build(&link, &|c| match c {
            "routes" => Some("Routes in the week (total)".into()),
            "route_days" => Some("Route days".into()),
            _ => None,
        }),
    );
    Ok(render(page))
}
