//! The supervisor ready reckoner: every supervisor the caller may see with tenure and
//! the window's numbers, the tenured top performers first at a glance; a supervisor's
//! page with their routes (each linked to the route's packages on the station's
//! drill-down) and the form that names them; the same as JSON and downloads.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use dspdesk_app::AppError;
use dspdesk_app::supervisors::{self, Detail, Line, Reckoner};
use dspdesk_core::Action;
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/supervisors", get(list)),
        Route::page("/supervisors/{partner}/{supervisor}", get(show).post(name)),
        Route::api(
            "/api/v1/supervisors",
            get(api_list),
            "Every supervisor the caller may see (?as_of=YYYY-MM-DD, default the last day with data): name and phone, first route, tenure, and over the 28 days ending as_of routes, packages, DOT, DCR, NL DPMO, whether their DOT is in the network's top 20% and whether they are a tenured top performer.",
            &[],
        ),
        Route::api(
            "/api/v1/supervisors/{partner}/{supervisor}",
            get(api_show),
            "One supervisor's numbers and their routes in the window, each with its packages, deliveries and on-time count.",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct Q {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    done: String,
    download: Option<String>,
}

fn as_of(raw: &str) -> Result<Option<NaiveDate>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        d => dspdesk_core::time::parse_day(d)
            .map(Some)
            .map_err(|e| AppError::invalid("as_of", e)),
    }
}

fn pct(v: &Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}"))
}

fn dpmo(v: &Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.0}"))
}

#[derive(Template)]
#[template(path = "supervisors/list.html")]
struct ListPage {
    c: Chrome,
    r: Reckoner,
    top: Vec<Line>,
    as_of: String,
}

pub async fn list(State(s): State<AppState>, u: User, Query(q): Query<Q>) -> PageResult {
    let r = supervisors::reckoner(&s.ws, &u.actor, as_of(&q.as_of)?).await?;
    if let Some(f) = &q.download {
        return download(&supervisors::table(&r.lines), "supervisors", f);
    }
    let top = r
        .lines
        .iter()
        .filter(|l| l.top_performer)
        .cloned()
        .collect();
    Ok(render(ListPage {
        c: chrome(&u, "supervisors"),
        as_of: r.as_of.map(|d| d.to_string()).unwrap_or_default(),
        r,
        top,
    }))
}

#[derive(Template)]
#[template(path = "supervisors/show.html")]
struct ShowPage {
    c: Chrome,
    d: Detail,
    may_name: bool,
    result: String,
}

pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path((partner, supervisor)): Path<(String, String)>,
    Query(q): Query<Q>,
) -> PageResult {
    let d = supervisors::detail(&s.ws, &u.actor, &partner, &supervisor, as_of(&q.as_of)?).await?;
    Ok(render(ShowPage {
        c: chrome(&u, "supervisors"),
        may_name: u.user.role.may(Action::NameSupervisors),
        d,
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct NameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
}

pub async fn name(
    State(s): State<AppState>,
    Path((partner, supervisor)): Path<(String, String)>,
    CsrfForm { user: u, form: f }: CsrfForm<NameForm>,
) -> PageResult {
    let done = supervisors::set_contact(
        &s.ws,
        &u.actor,
        &partner,
        &supervisor,
        &f.name,
        &f.phone,
        Utc::now(),
    )
    .await;
    let m = match done {
        Ok(()) => "Saved.".to_owned(),
        Err(e @ AppError::Invalid { .. }) => format!("Not saved: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!(
        "/supervisors/{}/{}?done={}",
        segment(&partner),
        segment(&supervisor),
        segment(&m)
    ))
    .into_response())
}

pub async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<Q>,
) -> Result<Json<Value>, ApiError> {
    let r = supervisors::reckoner(&s.ws, &u.actor, as_of(&q.as_of)?).await?;
    Ok(Json(json!(r)))
}

pub async fn api_show(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((partner, supervisor)): Path<(String, String)>,
    Query(q): Query<Q>,
) -> Result<Json<Value>, ApiError> {
    let d = supervisors::detail(&s.ws, &u.actor, &partner, &supervisor, as_of(&q.as_of)?).await?;
    Ok(Json(json!(d)))
}
