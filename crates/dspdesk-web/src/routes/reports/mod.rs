//! Reports: the daily DSP report as a page that prints, an Excel workbook and JSON.

use super::Route;
use crate::AppState;
use crate::routes::followups::may_change;
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::grid::{Grid, GridSpec, name_column, no_links};
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use dspdesk_app::reports::schedule::{self, Subscription};
use dspdesk_app::reports::{Report, ReportScope, daily, weekly};
use dspdesk_core::Action;
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
        Route::page("/reports/schedules", post(schedule_form)),
        Route::api(
            "/api/v1/reports/subscriptions",
            get(api_subscriptions).post(api_subscribe),
            "The report subscriptions the caller may see (their own; the program team's: everyone's), each with when it goes out and its last run. POST {kind: daily|weekly, at: HH:MM, weekday, user, station, coach, partner} subscribes (another person needs the program team).",
            &[],
        ),
        Route::api(
            "/api/v1/reports/subscriptions/{subscription}",
            get(api_subscription).delete(api_unsubscribe),
            "One report subscription with its runs, newest first (when, to whom, late or not). DELETE ends it.",
            &[],
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
    /// What a schedule form did.
    #[serde(default)]
    done: String,
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
    /// The subscriptions to this report the viewer may see, and the form's choices.
    schedules: Vec<ScheduleLine>,
    may_others: bool,
    weekdays: Vec<(String, &'static str)>,
    zone: String,
    done: String,
}

/// A subscription as the report page lists it.
struct ScheduleLine {
    id: i64,
    who: String,
    when: String,
    scope: String,
    last: String,
    late: bool,
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
                    dspdesk_app::reports::XLSX_MIME.to_owned(),
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
        schedules: Vec::new(),
        may_others: u.user.role.may(Action::ScheduleReports),
        weekdays: schedule::weekdays(),
        zone: s.ws.default_zone.to_string(),
        done: q.done.clone(),
    };
    page.schedules = schedule::subscriptions(&s.ws, &u.actor, Some(r.kind))
        .await?
        .iter()
        .map(|x: &Subscription| ScheduleLine {
            id: x.row.id,
            who: x.row.username.clone(),
            when: x.when.clone(),
            scope: x.covers(),
            last: x.last_words(u.zone),
            late: x.last.as_ref().is_some_and(|l| l.late),
        })
        .collect();
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

/// The report page's schedule form: subscribe (oneself, or anyone for the program
/// team) or end a subscription.
#[derive(serde::Deserialize, Default)]
pub struct ScheduleForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    coach: String,
    #[serde(default)]
    partner: String,
}

pub async fn schedule_form(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<ScheduleForm>,
) -> PageResult {
    let kind = if f.kind == "weekly" {
        "weekly"
    } else {
        "daily"
    };
    let now = chrono::Utc::now();
    let done = if f.action == "end" {
        let id: i64 =
            f.id.trim()
                .parse()
                .map_err(|_| PageError::bad_request(format!("id={:?} is not a number", f.id)))?;
        schedule::unsubscribe(&s.ws, &u.actor, id, now)
            .await
            .map(|()| format!("Subscription {id} ended."))
    } else {
        schedule::subscribe(
            &s.ws,
            &u.actor,
            schedule::SubscribeForm {
                user: Some(f.user.clone()),
                kind: kind.into(),
                at: f.at.clone(),
                weekday: Some(f.weekday.clone()),
                scope: ReportScope {
                    station: Some(f.station.clone()),
                    coach: Some(f.coach.clone()),
                    partner: Some(f.partner.clone()),
                },
            },
            now,
        )
        .await
        .map(|id| format!("Subscribed (subscription {id})."))
    };
    let m = match done {
        Ok(m) => m,
        Err(e @ dspdesk_app::AppError::Invalid { .. }) => format!("Not subscribed: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!(
        "/reports/{kind}?station={}&coach={}&partner={}&done={}#schedules",
        segment(f.station.trim()),
        segment(f.coach.trim()),
        segment(f.partner.trim()),
        segment(&m)
    ))
    .into_response())
}

pub async fn api_subscriptions(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<serde_json::Value>, ApiError> {
    let subs = schedule::subscriptions(&s.ws, &u.actor, None).await?;
    Ok(Json(serde_json::json!({ "subscriptions": subs })))
}

pub async fn api_subscribe(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Json(form): Json<schedule::SubscribeForm>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    may_change(&u, &headers)?;
    let id = schedule::subscribe(&s.ws, &u.actor, form, chrono::Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "url": format!("/api/v1/reports/subscriptions/{id}") })),
    ))
}

/// One subscription the caller may see, with its runs.
pub async fn api_subscription(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let sub = schedule::subscriptions(&s.ws, &u.actor, None)
        .await?
        .into_iter()
        .find(|x| x.row.id == id)
        .ok_or(dspdesk_app::AppError::NotFound("report subscription"))?;
    let runs = schedule::runs(&s.ws, &u.actor, Some(id), 100).await?;
    Ok(Json(
        serde_json::json!({ "subscription": sub, "runs": runs }),
    ))
}

pub async fn api_unsubscribe(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    may_change(&u, &headers)?;
    schedule::unsubscribe(&s.ws, &u.actor, id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
