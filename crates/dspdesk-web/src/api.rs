//! The JSON API under `/api/v1`: the same views as the pages, as JSON.

use crate::AppState;
use crate::auth::ApiUser;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dspdesk_app::views;
use serde_json::{Value, json};

/// The API's one error shape: `{"error": {"status": 404, "message": "…"}}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"status": status.as_u16(), "message": message}})),
    )
        .into_response()
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "api request failed");
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error; it has been logged",
    )
}

#[derive(serde::Deserialize)]
pub struct WeekQuery {
    page: Option<usize>,
    per_page: Option<usize>,
}

pub const DEFAULT_PER_PAGE: usize = 100;
pub const MAX_PER_PAGE: usize = 1000;

/// One page of a list, and where it sits: `{"page", "per_page", "total", "pages"}`.
fn page<T: serde::Serialize>(q: &WeekQuery, items: &[T]) -> Result<Value, Box<Response>> {
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            &format!("per_page must be 1 to {MAX_PER_PAGE}"),
        )));
    }
    let page = q.page.unwrap_or(1);
    if page == 0 {
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "page counts from 1",
        )));
    }
    let start = (page - 1).saturating_mul(per_page).min(items.len());
    let end = start.saturating_add(per_page).min(items.len());
    let meta = json!({"page": page, "per_page": per_page, "total": items.len(), "pages": items.len().div_ceil(per_page)});
    Ok(json!({"items": &items[start..end], "pagination": meta}))
}

pub async fn overview(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(w): crate::ApiWeek,
) -> Response {
    match views::overview(&s.ws, &u.scope(), w)
        .await
        .map(|v| (*v).clone())
    {
        Ok(v) => Json(json!({ "overview": v })).into_response(),
        Err(e) => internal(e),
    }
}

pub async fn partners(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(w): crate::ApiWeek,
    Query(q): Query<WeekQuery>,
) -> Response {
    match views::partners(&s.ws, &u.scope(), w).await {
        Ok((week, list)) => match page(&q, &list) {
            Ok(p) => {
                Json(json!({ "week": week, "partners": p["items"], "pagination": p["pagination"] }))
                    .into_response()
            }
            Err(r) => *r,
        },
        Err(e) => internal(e),
    }
}

pub async fn partner(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(w): crate::ApiWeek,
    Path(code): Path<String>,
) -> Response {
    match views::partner(&s.ws, &u.scope(), &code, w)
        .await
        .map(|v| (*v).clone())
    {
        Ok(Some(v)) => Json(json!({ "partner": v })).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such partner in your scope"),
        Err(e) => internal(e),
    }
}

fn bad_date(raw: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        &format!("{raw:?} is not a date; write it like 2026-11-20"),
    )
}

pub async fn partner_day(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((code, date)): Path<(String, String)>,
) -> Response {
    let Ok(d) = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
        return bad_date(&date);
    };
    match dspdesk_app::drill::partner_day(&s.ws, &u.scope(), &code, d).await {
        Ok(Some(routes)) => {
            Json(json!({ "partner": code, "date": d, "routes": routes })).into_response()
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            "no routes of this partner on this day in your scope",
        ),
        Err(e) => internal(e),
    }
}

pub async fn route(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((station, date, route)): Path<(String, String, String)>,
) -> Response {
    let Ok(d) = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
        return bad_date(&date);
    };
    match dspdesk_app::drill::route(&s.ws, &u.scope(), &station, d, &route).await {
        Ok(Some(v)) => Json(json!({ "route": v })).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, "no such route in your scope"),
        Err(e) => internal(e),
    }
}

pub async fn stations(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(w): crate::ApiWeek,
    Query(q): Query<WeekQuery>,
) -> Response {
    match views::stations(&s.ws, &u.scope(), w).await {
        Ok(v) => match page(&q, &v.1) {
            Ok(p) => {
                Json(json!({ "week": v.0, "stations": p["items"], "pagination": p["pagination"] }))
                    .into_response()
            }
            Err(r) => *r,
        },
        Err(e) => internal(e),
    }
}

pub async fn station(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    crate::ApiWeek(w): crate::ApiWeek,
    Path(code): Path<String>,
) -> Response {
    match views::station(&s.ws, &u.scope(), &code, w).await {
        Ok(v) => match v.as_ref() {
            Some(v) => Json(json!({ "station": v })).into_response(),
            None => error(StatusCode::NOT_FOUND, "no such station in your scope"),
        },
        Err(e) => internal(e),
    }
}
