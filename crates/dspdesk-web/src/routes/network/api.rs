//! The network's numbers as JSON: the same views as the pages.

use crate::AppState;
use crate::routes::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::shared::auth::ApiUser;
use crate::shared::error::ApiError;
use crate::shared::extract::{ApiWeek, partner_code, station_code};
use axum::Json;
use axum::extract::{Path, Query, State};
use dspdesk_app::network::{drill, views};
use serde_json::{Value, json};

type ApiResult = Result<Json<Value>, ApiError>;

#[derive(serde::Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
    per_page: Option<usize>,
}

/// One page of a list, and where it sits: `{"page", "per_page", "total", "pages"}`.
fn page<T: serde::Serialize>(q: &PageQuery, items: &[T]) -> Result<(Value, Value), ApiError> {
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::bad_request(format!(
            "per_page must be 1 to {MAX_PER_PAGE}"
        )));
    }
    let page = q.page.unwrap_or(1);
    if page == 0 {
        return Err(ApiError::bad_request("page counts from 1"));
    }
    let start = (page - 1).saturating_mul(per_page).min(items.len());
    let end = start.saturating_add(per_page).min(items.len());
    let meta = json!({"page": page, "per_page": per_page, "total": items.len(), "pages": items.len().div_ceil(per_page)});
    Ok((json!(&items[start..end]), meta))
}

fn date(raw: &str) -> Result<chrono::NaiveDate, ApiError> {
    dspdesk_core::time::parse_day(raw).map_err(ApiError::bad_request)
}

pub async fn overview(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(w): ApiWeek,
) -> ApiResult {
    let v = views::overview(&s.ws, &u.actor, w).await?;
    Ok(Json(json!({ "overview": v.as_ref() })))
}

pub async fn partners(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(w): ApiWeek,
    Query(q): Query<PageQuery>,
) -> ApiResult {
    let (week, list) = views::partners(&s.ws, &u.actor, w).await?;
    let (items, meta) = page(&q, &list)?;
    Ok(Json(
        json!({ "week": week, "partners": items, "pagination": meta }),
    ))
}

/// A date range of the API: both days or neither.
#[derive(serde::Deserialize, Default)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

fn api_day(field: &str, raw: &str) -> Result<chrono::NaiveDate, ApiError> {
    dspdesk_core::time::parse_day(raw.trim()).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            format!("{field}={raw:?}: {e}"),
        )
    })
}

pub async fn partner(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(w): ApiWeek,
    Path(code): Path<String>,
    Query(r): Query<RangeQuery>,
) -> ApiResult {
    let code = partner_code(&code)?;
    let found = match (r.from.as_deref(), r.to.as_deref()) {
        (Some(a), Some(b)) => {
            views::partner_between(
                &s.ws,
                &u.actor,
                &code,
                api_day("from", a)?,
                api_day("to", b)?,
            )
            .await?
        }
        (None, None) => views::partner(&s.ws, &u.actor, &code, w)
            .await?
            .as_ref()
            .clone(),
        _ => {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "a date range needs both from and to (YYYY-MM-DD)",
            ));
        }
    };
    match found {
        Some(v) => Ok(Json(json!({ "partner": v }))),
        None => Err(ApiError::not_found("no such partner in your scope")),
    }
}

pub async fn partner_day(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((code, raw)): Path<(String, String)>,
) -> ApiResult {
    let d = date(&raw)?;
    match drill::partner_day(&s.ws, &u.actor, &partner_code(&code)?, d).await? {
        Some(routes) => Ok(Json(
            json!({ "partner": code, "date": d, "routes": routes }),
        )),
        None => Err(ApiError::not_found(
            "no routes of this partner on this day in your scope",
        )),
    }
}

pub async fn route(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path((station, raw, route)): Path<(String, String, String)>,
) -> ApiResult {
    let d = date(&raw)?;
    match drill::route(&s.ws, &u.actor, &station_code(&station)?, d, &route).await? {
        Some(v) => Ok(Json(json!({ "route": v }))),
        None => Err(ApiError::not_found("no such route in your scope")),
    }
}

pub async fn stations(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(w): ApiWeek,
    Query(q): Query<PageQuery>,
) -> ApiResult {
    let v = views::stations(&s.ws, &u.actor, w).await?;
    let (items, meta) = page(&q, &v.1)?;
    Ok(Json(
        json!({ "week": v.0, "stations": items, "pagination": meta }),
    ))
}

pub async fn station(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    ApiWeek(w): ApiWeek,
    Path(code): Path<String>,
) -> ApiResult {
    match views::station(&s.ws, &u.actor, &station_code(&code)?, w)
        .await?
        .as_ref()
    {
        Some(v) => Ok(Json(json!({ "station": v }))),
        None => Err(ApiError::not_found("no such station in your scope")),
    }
}
