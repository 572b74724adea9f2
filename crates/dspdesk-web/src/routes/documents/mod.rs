//! Compliance documents: the list (what waits to be verified, what expires soon), the
//! upload form (a partner its own; staff for a partner of their scope), verify and
//! reject, each document's file to those who may see it; the admin's document types;
//! the same as JSON.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::files::{read_form, send_file};
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};

use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::{NaiveDate, Utc};
use dspdesk_app::documents::{self, Upload};
use dspdesk_app::{AppError, DocumentRow, GuaranteeRow};
use dspdesk_core::compliance::{DocState, DocType};
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Action, Role};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page(
            "/documents",
            // Room for the largest file and its form, so a larger one gets our sentence.
            get(list)
                .post(upload)
                .layer(axum::extract::DefaultBodyLimit::max(MAX_BYTES + 256 * 1024)),
        ),
        Route::page("/documents/{document}", get(file).post(check)),
        Route::page("/admin/documents", get(types).post(set_type)),
        Route::api(
            "/api/v1/documents",
            get(api_list),
            "Compliance documents and bank guarantees the caller may see, with their state and dates.",
            &[],
        ),
    ]
}

/// The largest document file.
const MAX_BYTES: usize = dspdesk_app::followups::MAX_ATTACHMENT_BYTES;

fn table(docs: &[DocumentRow]) -> Table {
    Table {
        columns: vec![
            "id",
            "partner",
            "type",
            "number",
            "issued_on",
            "expires_on",
            "state",
            "reason",
            "uploaded_by",
            "checked_by",
        ],
        rows: docs
            .iter()
            .map(|d| {
                vec![
                    Cell::Int(d.id),
                    Cell::text(&d.partner),
                    Cell::text(&d.doc_type),
                    Cell::text(&d.number),
                    Cell::text(d.issued_on.to_string()),
                    Cell::text(d.expires_on.map(|e| e.to_string()).unwrap_or_default()),
                    Cell::text(d.state.as_str()),
                    Cell::text(&d.reason),
                    Cell::text(&d.uploaded_by),
                    Cell::text(&d.checked_by),
                ]
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "documents/list.html")]
struct ListPage {
    c: Chrome,
    /// (document, days to expiry when verified and expiring within 60 days)
    rows: Vec<(DocumentRow, Option<i64>)>,
    guarantees: Vec<GuaranteeRow>,
    types: Vec<DocType>,
    waiting: usize,
    expiring: usize,
    may_upload: bool,
    may_verify: bool,
    is_partner: bool,
    partner: String,
    result: String,
}

impl ListPage {
    /// The page's own query for its download links.
    fn filter(&self) -> String {
        if self.partner.is_empty() {
            String::new()
        } else {
            format!("partner={}&", segment(&self.partner))
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    done: String,
    download: Option<String>,
}

pub async fn list(State(s): State<AppState>, u: User, Query(q): Query<ListQuery>) -> PageResult {
    let partner = Some(q.partner.trim()).filter(|p| !p.is_empty());
    let (docs, guarantees) =
        documents::list(&s.ws, &u.actor, partner)
            .await
            .map_err(|e| match e {
                AppError::NotFound(_) => PageError::not_found("no such partner in your scope"),
                e => e.into(),
            })?;
    if let Some(f) = &q.download {
        return download(&table(&docs), "documents", f);
    }
    let today = Utc::now().with_timezone(&s.ws.default_zone).date_naive();
    let left = |d: &DocumentRow| {
        d.expires_on
            .filter(|_| d.state == DocState::Verified)
            .map(|e| (e - today).num_days())
            .filter(|n| (0..=60).contains(n))
    };
    let rows: Vec<(DocumentRow, Option<i64>)> = docs
        .into_iter()
        .map(|d| (left(&d), d))
        .map(|(l, d)| (d, l))
        .collect();
    Ok(render(ListPage {
        c: chrome(&u, "documents"),
        waiting: rows
            .iter()
            .filter(|(d, _)| d.state == DocState::Uploaded)
            .count(),
        expiring: rows.iter().filter(|(_, l)| l.is_some()).count(),
        rows,
        guarantees,
        types: documents::types(&s.ws).await?,
        may_upload: u.user.role.may(Action::UploadDocuments),
        may_verify: u.user.role.may(Action::VerifyDocuments),
        is_partner: u.user.role == Role::Partner,
        partner: q.partner,
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct CsrfQ {
    csrf: Option<String>,
}

fn day(field: &'static str, raw: &str) -> Result<Option<NaiveDate>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        t => dspdesk_core::time::parse_day(t)
            .map(Some)
            .map_err(|e| AppError::invalid(field, format!("{field}: {e}"))),
    }
}

/// Uploads a document (multipart: partner, type, number, issued, expires, file), the
/// CSRF token in the query checked before the body is read.
pub async fn upload(
    State(s): State<AppState>,
    u: User,
    Query(q): Query<CsrfQ>,
    mut form: Multipart,
) -> PageResult {
    if q.csrf.as_deref() != Some(u.csrf.as_str()) {
        return Err(PageError::forbidden("the form expired; reload the page"));
    }
    let (fields, file) = read_form(&mut form, MAX_BYTES, 1000).await?;
    let (filename, bytes) = file.unwrap_or_default();
    let one = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let made = async {
        let issued = day("issued", &one("issued"))?
            .ok_or_else(|| AppError::invalid("issued", "give the date the document was issued"))?;
        let up = Upload {
            partner: one("partner"),
            doc_type: one("type"),
            number: one("number"),
            issued_on: issued,
            expires_on: day("expires", &one("expires"))?,
            filename,
        };
        documents::upload(&s.ws, &u.actor, up, &bytes, Utc::now()).await
    }
    .await;
    let back = |m: String| {
        Redirect::to(&format!(
            "/documents?partner={}&done={}",
            segment(&one("partner")),
            segment(&m)
        ))
        .into_response()
    };
    match made {
        Ok(id) => Ok(back(format!(
            "Uploaded document #{id}; it counts once the program team verifies it."
        ))),
        Err(e @ AppError::Invalid { .. }) => Ok(back(format!("Not uploaded: {e}"))),
        Err(e) => Err(e.into()),
    }
}

/// A document's file, to those who may see the document.
pub async fn file(State(s): State<AppState>, u: User, Path(id): Path<i64>) -> PageResult {
    let (d, path) = documents::file(&s.ws, &u.actor, id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => PageError::not_found("no such document in your scope"),
            e => e.into(),
        })?;
    send_file(&d.filename, d.content_type, &path).await
}

#[derive(serde::Deserialize, Default)]
pub struct CheckForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

/// Verifies or rejects a document (the program team).
pub async fn check(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user: u, form: f }: CsrfForm<CheckForm>,
) -> PageResult {
    let verify = match f.action.as_str() {
        "verify" => true,
        "reject" => false,
        other => {
            return Err(PageError::bad_request(format!(
                "{other:?} is not an action; use verify or reject"
            )));
        }
    };
    let done = documents::check(&s.ws, &u.actor, id, verify, &f.reason, Utc::now()).await;
    let m = match done {
        Ok(()) if verify => format!("Document #{id} verified."),
        Ok(()) => format!("Document #{id} rejected."),
        Err(e @ AppError::Invalid { .. }) => format!("Not done: {e}"),
        Err(AppError::NotFound(_)) => {
            return Err(PageError::not_found("no such document in your scope"));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/documents?done={}", segment(&m))).into_response())
}

#[derive(Template)]
#[template(path = "documents/types.html")]
struct TypesPage {
    c: Chrome,
    types: Vec<DocType>,
    result: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

pub async fn types(State(s): State<AppState>, u: User, Query(q): Query<Done>) -> PageResult {
    Ok(render(TypesPage {
        c: chrome(&u, "config"),
        types: documents::types_to_edit(&s.ws, &u.actor).await?,
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct TypeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    mandatory: Option<String>,
}

pub async fn set_type(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<TypeForm>,
) -> PageResult {
    let t = DocType {
        code: f.code.trim().to_owned(),
        label: f.label.trim().to_owned(),
        mandatory: f.mandatory.is_some(),
    };
    let m = match documents::set_type(&s.ws, &u.actor, t, Utc::now()).await {
        Ok(()) => format!("Saved {}.", f.code.trim()),
        Err(e @ AppError::Invalid { .. }) => format!("Not saved: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/admin/documents?done={}", segment(&m))).into_response())
}

pub async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let (docs, bgs) = documents::list(&s.ws, &u.actor, None).await?;
    Ok(Json(json!({ "documents": docs, "bank_guarantees": bgs })))
}
