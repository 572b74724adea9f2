//! Reports: the daily DSP report as a page that prints, an Excel workbook and JSON.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::grid::{Grid, GridSpec, name_column, no_links};
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use dspdesk_app::reports::{Report, ReportScope, daily, weekly};
use dspdesk_core::table::Cell;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/reports/daily", get(page)),
        Route::page("/reports/weekly", get(weekly_page)),
        Route::api(
            "/api/v1/reports/weekly",
            get(weekly_api),
            "The weekly review pack for an ISO week (default: the last complete one) within the caller's scope, narrowed by station, coach or partner: the ranking with tiers and change, the bottom and consistently-bottom partners with their reasons, improvement plans, open action items, profitability by block and MOT, the COD ledger, EV share, VAS adoption, launches not green. Partner users get every rank with the other partners withheld.",
            &[super::Query::Week, super::Query::Report],
        ),
        Route::api(
            "/api/v1/reports/daily",
            get(api),
            "The daily report for a date (default: the last day with data) within the caller's scope, narrowed by station, coach or partner: the day and the week to date against the same days of last week, defaulting partners, unusually bad days, COD owed, follow-ups opened that day or past their deadline, documents lapsing within 30 days, launches not green.",
            &[super::Query::Date, super::Query::Report],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    date: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    coach: String,
    #[serde(default)]
    partner: String,
    /// `xlsx`: the workbook.
    download: Option<String>,
    /// The pack's week.
    #[serde(default)]
    week: String,
}

impl ReportQuery {
    fn date(&self) -> Result<Option<chrono::NaiveDate>, String> {
        match self.date.trim() {
            "" => Ok(None),
            d => dspdesk_core::time::parse_day(d)
                .map(Some)
                .map_err(|e| format!("date={d:?}: {e}")),
        }
    }

    fn week(&self) -> Result<Option<dspdesk_core::IsoWeek>, String> {
        match self.week.trim() {
            "" => Ok(None),
            w => dspdesk_core::IsoWeek::parse(w)
                .map(Some)
                .map_err(|e| format!("week={w:?}: {e}")),
        }
    }

    fn scope(&self) -> ReportScope {
        ReportScope {
            station: Some(self.station.clone()),
            coach: Some(self.coach.clone()),
            partner: Some(self.partner.clone()),
        }
        .normalised()
    }
}

#[derive(Template)]
#[template(path = "reports/daily.html")]
struct DailyPage {
    c: Chrome,
    title: String,
    /// `daily` or `weekly`: which form the page shows.
    kind: &'static str,
    week: String,
    scope: String,
    date: String,
    station: String,
    coach: String,
    partner: String,
    /// The query that reproduces the report, for its workbook link.
    keep: String,
    grids: Vec<Grid>,
}

fn grids(r: &Report) -> Vec<Grid> {
    r.sections
        .iter()
        .map(|s| {
            let link = |col: &str, row: &[Cell]| match col {
                "partner" => {
                    let p = s.table.text_of(row, "partner");
                    // An anonymous peer of a partner's ranking links nowhere.
                    (!p.is_empty() && !p.starts_with('('))
                        .then(|| format!("/partners/{}/scorecard", segment(&p)))
                }
                "id" if s.id == "cases" => {
                    Some(format!("/followups/{}", s.table.text_of(row, "id")))
                }
                _ => None,
            };
            let link: &dyn Fn(&str, &[Cell]) -> Option<String> =
                if s.table.column("partner").is_some() {
                    &link
                } else {
                    &no_links
                };
            let mut g = GridSpec {
                id: s.id,
                title: s.title.clone(),
                note: s.note.clone(),
                table: &s.table,
                show: &s.show,
                dl: String::new(),
            }
            .build(link, &|c| match c {
                "day" => Some("The day".into()),
                "week_to_date" => Some("Week to date".into()),
                "same_days_last_week" => Some("Same days last week".into()),
                "change" => Some("Change".into()),
                "why" => Some("Why it is here".into()),
                _ => None,
            });
            g.empty = "Nothing today.".into();
            g
        })
        .collect()
}

pub async fn page(State(s): State<AppState>, u: User, Query(q): Query<ReportQuery>) -> PageResult {
    let date = q.date().map_err(PageError::bad_request)?;
    let r = daily(&s.ws, &u.actor, date, q.scope(), chrono::Utc::now()).await?;
    show(&s, &u, &q, &r).await
}

pub async fn weekly_page(
    State(s): State<AppState>,
    u: User,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let week = q.week().map_err(PageError::bad_request)?;
    let r = weekly(&s.ws, &u.actor, week, q.scope(), chrono::Utc::now()).await?;
    show(&s, &u, &q, &r).await
}

pub async fn weekly_api(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<ReportQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let week = q
        .week()
        .map_err(|m| ApiError::new(axum::http::StatusCode::BAD_REQUEST, m))?;
    let r = weekly(&s.ws, &u.actor, week, q.scope(), chrono::Utc::now()).await?;
    Ok(Json(r.to_json()))
}

/// A report as a page, or its workbook.
async fn show(s: &AppState, u: &User, q: &ReportQuery, r: &Report) -> PageResult {
    let name = match r.week {
        Some(w) => format!("weekly-{w}"),
        None => format!("daily-{}", r.date),
    };
    if q.download.as_deref() == Some("xlsx") {
        let bytes = r.workbook()?;
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.xlsx\""),
                ),
            ],
            bytes,
        )
            .into_response());
    }
    let mut page = DailyPage {
        c: chrome(u, "reports"),
        kind: r.kind,
        week: r.week.map(|w| w.to_string()).unwrap_or_default(),
        title: match r.week {
            Some(w) => format!("Weekly review pack, {w}"),
            None => format!("Daily report, {}", r.date.format("%A %-d %b %Y")),
        },
        scope: r.scope.words(),
        date: r.date.to_string(),
        station: q.station.trim().to_owned(),
        coach: q.coach.trim().to_owned(),
        partner: q.partner.trim().to_owned(),
        keep: format!(
            "?{}&station={}&coach={}&partner={}",
            match r.week {
                Some(w) => format!("week={w}"),
                None => format!("date={}", r.date),
            },
            segment(q.station.trim()),
            segment(q.coach.trim()),
            segment(q.partner.trim())
        ),
        grids: grids(r),
    };
    // Names under codes, as on every screen.
    let partners = dspdesk_app::partners::names(&s.ws).await?;
    name_column(&mut page.grids, "partner", &partners);
    let stations = dspdesk_app::network::station_names(&s.ws).await?;
    name_column(&mut page.grids, "station", &stations);
    Ok(render(page))
}

pub async fn api(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<ReportQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let date = q
        .date()
        .map_err(|m| ApiError::new(axum::http::StatusCode::BAD_REQUEST, m))?;
    let r = daily(&s.ws, &u.actor, date, q.scope(), chrono::Utc::now()).await?;
    Ok(Json(r.to_json()))
}
