//! A flag's page: what the data shows, and the action item agreed on it (one per flag)
//! or the form that agrees one; the same as JSON.

use crate::AppState;
use crate::routes::followups::{may_change, when};
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::reviews::{FromFlag, item_from_flag, item_of_flag};
use dspdesk_app::{FlagRow, FollowupRow};
use serde_json::{Value, json};

#[derive(Template)]
#[template(path = "flags/show.html")]
struct FlagPage {
    c: Chrome,
    f: FlagRow,
    label: &'static str,
    first_seen: String,
    cleared: String,
    item: Option<FollowupRow>,
    /// The support-hub form, filled from the flag.
    point: String,
    may_agree: bool,
    error: String,
    /// The form as sent (title, owner, due) when it was refused.
    form: AgreeForm,
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct AgreeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

fn not_found(e: AppError) -> PageError {
    match e {
        AppError::NotFound(_) => PageError::not_found("no such flag in your scope"),
        e => e.into(),
    }
}

async fn page(s: &AppState, u: &User, id: i64, error: String, form: AgreeForm) -> PageResult {
    let f = dspdesk_app::flags::flag_by_id(&s.ws, &u.actor, id)
        .await
        .map_err(not_found)?;
    let item = item_of_flag(&s.ws, &u.actor, id).await?;
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FlagPage {
        c: chrome(u, "flags"),
        label: f.kind.label(),
        first_seen: when(f.first_seen, u.zone),
        cleared: f.cleared_at.map(|t| when(t, u.zone)).unwrap_or_default(),
        point: format!(
            "/followups/new?partner={}&station={}&title={}&text={}",
            segment(&f.partner),
            segment(&f.station),
            segment(f.kind.label()),
            segment(&f.reason)
        ),
        may_agree: dspdesk_app::reviews::may_agree(&u.actor, &f) && item.is_none(),
        item,
        error,
        form,
        f,
    };
    Ok((status, render(page)).into_response())
}

pub async fn show(State(s): State<AppState>, u: User, Path(id): Path<i64>) -> PageResult {
    // A week from today, in the network's zone, unless the person picks another day.
    let due = Utc::now().with_timezone(&s.ws.default_zone).date_naive() + chrono::Duration::days(7);
    let form = AgreeForm {
        due: due.to_string(),
        ..AgreeForm::default()
    };
    page(&s, &u, id, String::new(), form).await
}

fn from_form(id: i64, f: &AgreeForm) -> Result<FromFlag, AppError> {
    let due = dspdesk_core::time::parse_day(f.due.trim())
        .map_err(|e| AppError::invalid("due", format!("due date: {e}")))?;
    Ok(FromFlag {
        flag: id,
        title: f.title.clone(),
        owner: f.owner.clone(),
        due,
    })
}

pub async fn agree(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user: u, form }: CsrfForm<AgreeForm>,
) -> PageResult {
    let done = match from_form(id, &form) {
        Ok(f) => item_from_flag(&s.ws, &u.actor, f, Utc::now()).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(item) => Ok(Redirect::to(&format!("/followups/{item}")).into_response()),
        Err(e @ AppError::Invalid { .. }) => page(&s, &u, id, e.to_string(), form).await,
        Err(e) => Err(not_found(e)),
    }
}

pub async fn api_show(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    dspdesk_app::flags::flag_by_id(&s.ws, &u.actor, id).await?;
    let item = item_of_flag(&s.ws, &u.actor, id).await?;
    Ok(Json(json!({ "action_item": item })))
}

pub async fn api_agree(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(form): Json<AgreeForm>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_change(&u, &headers)?;
    let item = item_from_flag(&s.ws, &u.actor, from_form(id, &form)?, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": item }))))
}
