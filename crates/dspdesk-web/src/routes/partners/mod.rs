//! The partner's file: who it is, edited by the program team or proposed by the partner,
//! the proposals waiting for a decision; the same as JSON.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::partners::{self, FileView, Saved};
use dspdesk_core::partners::PartnerFile;
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/partners/{code}/file", get(show).post(act)),
        Route::api(
            "/api/v1/partners/{code}/file",
            get(api_show),
            "The partner's file (legal name, GSTIN, PAN, contact, bank account masked, registered fleet and its EV share) and the changes it proposed.",
            &[],
        ),
    ]
}

#[derive(Template)]
#[template(path = "partners/file.html")]
struct FilePage {
    c: Chrome,
    v: FileView,
    may_save: bool,
    is_partner: bool,
    result: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

fn not_found(e: AppError) -> PageError {
    match e {
        AppError::NotFound(_) => PageError::not_found("no such partner in your scope"),
        e => e.into(),
    }
}

pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path(code): Path<String>,
    Query(q): Query<Done>,
) -> PageResult {
    let v = partners::show(&s.ws, &u.actor, &code)
        .await
        .map_err(not_found)?;
    let is_partner = u.user.role == dspdesk_core::Role::Partner;
    Ok(render(FilePage {
        c: chrome(&u, "partners"),
        v,
        may_save: is_partner || u.user.role.may(dspdesk_core::Action::VerifyDocuments),
        is_partner,
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct FileForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    request: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    gstin: String,
    #[serde(default)]
    pan: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    bank_account: String,
    #[serde(default)]
    bank_ifsc: String,
    #[serde(default)]
    fleet_2w: String,
    #[serde(default)]
    fleet_3w: String,
    #[serde(default)]
    fleet_4w: String,
    #[serde(default)]
    fleet_ev: String,
}

fn file_of(code: &str, f: &FileForm) -> Result<PartnerFile, AppError> {
    let n = |field: &'static str, raw: &str| -> Result<i64, AppError> {
        match raw.trim() {
            "" => Ok(0),
            t => t.parse().map_err(|_| {
                AppError::invalid(field, format!("{field}: {t:?} is not a whole number"))
            }),
        }
    };
    Ok(PartnerFile {
        partner: code.to_owned(),
        legal_name: f.legal_name.clone(),
        gstin: f.gstin.clone(),
        pan: f.pan.clone(),
        contact_name: f.contact_name.clone(),
        contact_phone: f.contact_phone.clone(),
        contact_email: f.contact_email.clone(),
        bank_account: f.bank_account.clone(),
        bank_ifsc: f.bank_ifsc.clone(),
        fleet_2w: n("fleet_2w", &f.fleet_2w)?,
        fleet_3w: n("fleet_3w", &f.fleet_3w)?,
        fleet_4w: n("fleet_4w", &f.fleet_4w)?,
        fleet_ev: n("fleet_ev", &f.fleet_ev)?,
    })
}

pub async fn act(
    State(s): State<AppState>,
    Path(code): Path<String>,
    CsrfForm { user: u, form: f }: CsrfForm<FileForm>,
) -> PageResult {
    let now = Utc::now();
    let done = match f.action.as_str() {
        "accept" | "reject" => partners::decide(
            &s.ws,
            &u.actor,
            &code,
            f.request,
            f.action == "accept",
            &f.reason,
            now,
        )
        .await
        .map(|_| format!("Request {} {}ed.", f.request, f.action)),
        _ => match file_of(&code, &f) {
            Ok(file) => partners::save(&s.ws, &u.actor, file, now)
                .await
                .map(|r| match r {
                    Saved::Saved(fields) => format!("Saved: {}.", fields.join(", ")),
                    Saved::Proposed(id) => {
                        format!("Proposed as request {id}: the program team accepts or rejects it.")
                    }
                    Saved::Unchanged => "Nothing changed.".to_owned(),
                }),
            Err(e) => Err(e),
        },
    };
    let m = match done {
        Ok(m) => m,
        Err(e @ AppError::Invalid { .. }) => format!("Not saved: {e}"),
        Err(e) => return Err(not_found(e)),
    };
    Ok(Redirect::to(&format!(
        "/partners/{}/file?done={}",
        segment(&code),
        segment(&m)
    ))
    .into_response())
}

pub async fn api_show(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let v = partners::show(&s.ws, &u.actor, &code).await?;
    Ok(Json(json!({ "file": v })))
}
