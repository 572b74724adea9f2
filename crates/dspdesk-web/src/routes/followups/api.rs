//! Follow-ups as JSON: the queue, one follow-up, raising a point and acting on one.
//! A change through the API needs a bearer token, or with the session cookie the
//! session's CSRF token in `X-CSRF-Token` (a page of another site cannot send it).

use super::{ActForm, QueueQuery};
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use dspdesk_app::followups::{self as fu, Raise};
use dspdesk_app::shared::table::to_json;
use dspdesk_core::followups::Priority;
use serde_json::{Value, json};

pub fn may_change(u: &User, headers: &HeaderMap) -> Result<(), ApiError> {
    if u.token.is_empty() {
        return Ok(()); // a bearer token: no browser sends it by itself
    }
    let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    if sent == Some(u.csrf.as_str()) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "a change through the API with the session cookie needs the session's CSRF token in X-CSRF-Token; scripts use a bearer token",
        ))
    }
}

pub async fn queue(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Value>, ApiError> {
    let queue = q.queue().map_err(ApiError::bad_request)?;
    let now = Utc::now();
    let page = fu::queue(&s.ws, &u.actor, &queue, now).await?;
    Ok(Json(json!({
        "followups": to_json(&fu::queue_table(&page.rows, now)),
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    })))
}

#[derive(serde::Deserialize, Default)]
pub struct RaiseJson {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    owner: Option<String>,
}

pub async fn raise(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Json(r): Json<RaiseJson>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_change(&u, &headers)?;
    let priority = match r.priority.as_deref() {
        None | Some("") => None,
        Some(p) => Some(Priority::parse(p).ok_or_else(|| {
            ApiError::bad_request(format!("priority {p:?} is not low, normal, high or urgent"))
        })?),
    };
    let raise = Raise {
        partner: r.partner,
        station: r.station,
        title: r.title,
        body: r.text,
        priority,
        owner: r.owner,
    };
    let id = fu::raise(&s.ws, &u.actor, raise, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "url": format!("/followups/{id}") })),
    ))
}

pub async fn show(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let d = fu::show(&s.ws, &u.actor, id).await?;
    Ok(Json(json!({
        "followup": d.row,
        "lines": d.lines,
        "comments": d.comments,
        "attachments": d.attachments,
        "watchers": d.watchers,
        "allowed": d.allowed,
        "next_states": d.next,
        "history": d.history.iter().map(|h| json!({
            "at": h.at, "actor": h.actor, "action": h.action, "detail": h.detail,
        })).collect::<Vec<_>>(),
    })))
}

pub async fn act(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(f): Json<ActForm>,
) -> Result<Json<Value>, ApiError> {
    may_change(&u, &headers)?;
    let done = super::act(&s.ws, &u.actor, id, &f, Utc::now()).await?;
    let row = fu::visible(&s.ws, &u.actor, id).await?;
    Ok(Json(json!({ "done": done, "followup": row })))
}

pub async fn sla(State(s): State<AppState>, ApiUser(u): ApiUser) -> Result<Json<Value>, ApiError> {
    let lines = fu::sla_report(&s.ws, &u.actor, Utc::now()).await?;
    Ok(Json(json!({ "sla": lines })))
}
