//! The route goals page and its forms: adopt the suggestions (the program team) or
//! set one pair's goals (coaches too, within their portfolio); every change audited.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::charts::{Series, value_chart_with_targets};
use crate::shared::download::download;
use crate::shared::error::PageResult;
use crate::shared::error::form_outcome;
use crate::shared::extract::{CsrfForm, PageWeek};
use crate::shared::grid::{ChartBox, GoalFormView, GridPage, GridSpec};
use crate::shared::render::{chrome, render, segment};
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
    /// One partner × station's days on the chart (else the network's).
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
}

pub async fn goals(
    State(s): State<AppState>,
    u: User,
    PageWeek(week): PageWeek,
    Query(q): Query<GridQuery>,
) -> PageResult {
    goals_page(&s, &u, week, &q, None).await
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
    let page = goals_page(&s, u, week, &GridQuery::default(), Some((ok, text))).await?;
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

/// Daily routes against the P50 and P90 goals: one partner × station's when asked
/// for (and seen), else the network's total against the sum of the goals in force.
fn routes_chart(lines: &[goals::GoalLine], partner: &str, station: &str, wk: &str) -> ChartBox {
    let one = lines
        .iter()
        .find(|g| g.partner == partner && g.station == station);
    let label = |d: &NaiveDate| d.format("%a %-d").to_string();
    let (title, daily, p50, p90): (String, Vec<(NaiveDate, i64)>, f64, f64) = match one {
        Some(g) => (
            format!(
                "{} at {}: daily routes against its goals, {wk}",
                g.partner, g.station
            ),
            g.daily.clone(),
            g.goal.map_or(f64::NAN, |x| x.p50.ceil()),
            g.goal.map_or(f64::NAN, |x| x.p90.ceil()),
        ),
        None => {
            let mut by: std::collections::BTreeMap<NaiveDate, i64> = Default::default();
            for g in lines {
                for (d, r) in &g.daily {
                    *by.entry(*d).or_default() += r;
                }
            }
            let sum = |f: fn(&dspdesk_app::shared::model::Goal) -> f64| {
                lines
                    .iter()
                    .filter_map(|g| g.goal.as_ref().map(f))
                    .map(f64::ceil)
                    .sum()
            };
            (
                format!("All partner-stations: daily routes against the sum of their goals, {wk}"),
                by.into_iter().collect(),
                sum(|g| g.p50),
                sum(|g| g.p90),
            )
        }
    };
    let targets = crate::shared::charts::goal_lines(p50, p90);
    let targets: Vec<(&str, f64)> = targets.iter().map(|(l, v)| (l.as_str(), *v)).collect();
    ChartBox {
        title,
        svg: value_chart_with_targets(
            "Daily routes against the P50 and P90 goals",
            &[Series {
                name: "Routes",
                class: "s1",
                points: daily
                    .iter()
                    .map(|(d, r)| (label(d), Some(*r as f64)))
                    .collect(),
            }],
            &targets,
        ),
        legend: vec![(
            "s1",
            "Routes run each day; dashed: the goals. Open a line's routes a day for its own chart."
                .into(),
        )],
    }
}

async fn goals_page(
    s: &AppState,
    u: &User,
    week: Option<IsoWeek>,
    q: &GridQuery,
    result: Option<(bool, String)>,
) -> PageResult {
    let download_as = q.download.as_deref();
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
    let st = table.column("station").unwrap_or(0);
    let link = |col: &str, row: &[dspdesk_core::table::Cell]| match col {
        "partner" => Some(format!(
            "/partners/{}/scorecard?week={wk}",
            segment(&row[p].export_text())
        )),
        "routes_per_day" => Some(format!(
            "?week={wk}&partner={}&station={}#chart",
            segment(&row[p].export_text()),
            segment(&row[st].export_text())
        )),
        _ => None,
    };
    let short = lines.iter().filter(|g| g.shortfall_days > 0).count();
    let mut page = GridPage::new(chrome(u, "scores"), "/goals", "Route goals", week);
    page.intro = format!(
        "Each partner commits to a P50 (typical) and P90 (peak) number of daily routes per station. The goal in force is the one set or adopted for the period, else the suggestion from the {window} days before the week (the median and the 90th percentile of its daily routes, counting 0 on days the station ran routes and the partner none). The suggestion for the next period uses the {window} days ending with this week. Goals show as the whole routes a day needs to meet them (a suggestion of 12.3 shows as 13); downloads keep the exact value."
    );
    page.result = result;
    page.goal_form = goal_form(u, week, window);
    page.charts
        .push(routes_chart(&lines, &q.partner, &q.station, &wk));
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
                "routes_per_day",
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
    page.name_partners(&dspdesk_app::partners::names(&s.ws).await?);
    page.name_stations(&dspdesk_app::network::station_names(&s.ws).await?);
    Ok(render(page))
}
