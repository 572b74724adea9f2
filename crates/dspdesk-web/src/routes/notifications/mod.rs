//! Notifications: each person's list (mark read), their e-mail settings, and the same
//! as JSON.

use super::Route;
use crate::AppState;
use crate::routes::followups::when;
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::{ApiError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Utc;
use dspdesk_app::notifications as n;
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/notifications", get(page).post(mark)),
        Route::page("/notifications/settings", post(settings)),
        Route::api(
            "/api/v1/notifications",
            get(api_list).post(api_mark),
            "The caller's notifications, newest first, with the unread count; POST {id} marks one read, {} marks all read.",
            &[],
        ),
    ]
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<(i64, String, String, String, Option<i64>, bool)>,
    unread: i64,
    email: String,
    events: Vec<(&'static str, &'static str, bool)>,
    kinds: Vec<(String, &'static str, bool)>,
    smtp: String,
    done: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

pub async fn page(State(s): State<AppState>, u: User, Query(q): Query<Done>) -> PageResult {
    let (rows, unread) = n::inbox(&s.ws, &u.actor, 200).await?;
    let (email, chosen) = n::email_settings(&s.ws, &u.actor).await?;
    let zone = u.zone;
    Ok(render(ListPage {
        c: chrome(&u, "notifications"),
        rows: rows
            .iter()
            .map(|r| {
                (
                    r.id,
                    when(r.at, zone),
                    r.event.clone(),
                    r.message.clone(),
                    r.followup_id,
                    r.read_at.is_none(),
                )
            })
            .collect(),
        unread,
        email,
        events: dspdesk_app::followups::EVENTS
            .iter()
            .map(|(k, l)| (*k, *l, chosen.iter().any(|c| c == k)))
            .collect(),
        kinds: dspdesk_core::followups::Kind::ALL
            .iter()
            .map(|k| {
                let v = format!("{}{}", dspdesk_app::followups::KIND_PREFIX, k.as_str());
                let on = chosen.contains(&v);
                (v, k.label(), on)
            })
            .collect(),
        smtp: s.mail.clone().unwrap_or_default(),
        done: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct MarkForm {
    #[serde(default)]
    id: String,
}

pub async fn mark(
    State(s): State<AppState>,
    CsrfForm { user: u, form }: CsrfForm<MarkForm>,
) -> PageResult {
    let id = form.id.trim().parse::<i64>().ok();
    n::mark_read(&s.ws, &u.actor, id, Utc::now()).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// The settings form: `email` and one `event` field per chosen event (repeated keys,
/// read from the raw body).
pub async fn settings(
    State(s): State<AppState>,
    CsrfForm { user: u, form }: CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let email = form
        .iter()
        .find(|(k, _)| k == "email")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let events: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "event")
        .map(|(_, v)| v.clone())
        .collect();
    let done = match n::set_email_settings(
        &s.ws,
        &u.actor,
        &u.user.username,
        &email,
        &events,
        Utc::now(),
    )
    .await
    {
        Ok(()) => "Saved.".to_owned(),
        Err(e) if e.is_callers() => format!("Not saved: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/notifications?done={}", segment(&done))).into_response())
}

pub async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let (rows, unread) = n::inbox(&s.ws, &u.actor, 200).await?;
    Ok(Json(json!({ "unread": unread, "notifications": rows })))
}

#[derive(serde::Deserialize, Default)]
pub struct MarkJson {
    id: Option<i64>,
}

pub async fn api_mark(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Json(m): Json<MarkJson>,
) -> Result<Json<Value>, ApiError> {
    crate::routes::followups::may_change(&u, &headers)?;
    let marked = n::mark_read(&s.ws, &u.actor, m.id, Utc::now()).await?;
    Ok(Json(json!({ "marked": marked })))
}
