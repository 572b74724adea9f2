//! Invoices: the list with each invoice's checks, amounts in dispute per partner and the
//! open disputes by age; the forms that enter one or upload a file; an invoice's page
//! with its GST check, its payout check per station, block and MOT, and the dispute's
//! settlement; the same as JSON.

use super::Route;
use crate::AppState;
use crate::routes::followups::may_change;
use crate::shared::auth::{ApiUser, User};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::files::read_form;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::invoices::{self, Entry, InDispute, InvoiceView, Source};
use dspdesk_core::Action;
use dspdesk_core::cases::Line;
use serde_json::{Value, json};

/// The largest invoice file the page takes.
const MAX_FILE: usize = 20 * 1024 * 1024;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/invoices", get(list).post(enter)),
        Route::page(
            "/invoices/upload",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(MAX_FILE + 256 * 1024)),
        ),
        Route::page("/invoices/{invoice}", get(show).post(settle)),
        Route::api(
            "/api/v1/invoices",
            get(api_list).post(api_add),
            "Invoices the caller may see with their GST and payout checks and disputes (?partner=CODE narrows); POST checks and stores one invoice (fields as the invoices file's columns, amounts in rupees) and answers what its checks opened.",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    done: String,
    download: Option<String>,
}

#[derive(Template)]
#[template(path = "invoices/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<InvoiceView>,
    in_dispute: Vec<InDispute>,
    /// Open disputes, oldest first: (invoice, partner, number, claimed, age in days, state).
    open: Vec<(i64, String, String, String, i64, String)>,
    partner: String,
    may_enter: bool,
    result: String,
    /// The GST rate invoices are checked at, in percent, and its half.
    gst: (String, String),
}

/// A rate in basis points as a percentage: `1800` is `18`, `1250` is `12.5`.
fn percent(bp: i64) -> String {
    let s = format!("{}.{:02}", bp / 100, bp % 100);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn rupees<T: std::borrow::Borrow<i64>>(m: T) -> String {
    dspdesk_core::money::format_minor(*m.borrow())
}

pub async fn list(State(s): State<AppState>, u: User, Query(q): Query<ListQuery>) -> PageResult {
    let now = Utc::now();
    let partner = q.partner.trim();
    let rows = invoices::list(
        &s.ws,
        &u.actor,
        (!partner.is_empty()).then_some(partner),
        now,
    )
    .await?;
    if let Some(f) = &q.download {
        return download(&invoices::table(&rows), "invoices", f);
    }
    let mut open: Vec<(i64, String, String, String, i64, String)> = rows
        .iter()
        .filter_map(|v| {
            let d = v.dispute.as_ref()?;
            (d.dispute.settled_at.is_none() && d.followup.state.is_open()).then(|| {
                (
                    v.row.id,
                    v.row.invoice.partner.clone(),
                    v.row.invoice.number.clone(),
                    rupees(d.dispute.claimed),
                    d.age_days,
                    d.followup.state.label().to_owned(),
                )
            })
        })
        .collect();
    open.sort_by_key(|o| std::cmp::Reverse(o.4));
    Ok(render(ListPage {
        c: chrome(&u, "invoices"),
        in_dispute: invoices::in_dispute(&rows),
        open,
        rows,
        partner: partner.to_owned(),
        may_enter: u.user.role.may(Action::EnterInvoices),
        result: q.done,
        gst: {
            let bp = invoices::gst_rate_bp(&s.ws).await?;
            (percent(bp), percent(bp / 2))
        },
    }))
}

fn back(m: &str) -> axum::response::Response {
    Redirect::to(&format!("/invoices?done={}", segment(m))).into_response()
}

fn said(added: &[invoices::Added]) -> String {
    let gst = added.iter().filter(|a| a.gst_problem.is_some()).count();
    let disputes = added
        .iter()
        .filter(|a| a.payout_difference.is_some())
        .count();
    let mut m = format!(
        "Stored {} invoice{}: {gst} GST case{} and {disputes} dispute{} opened.",
        added.len(),
        if added.len() == 1 { "" } else { "s" },
        if gst == 1 { "" } else { "s" },
        if disputes == 1 { "" } else { "s" }
    );
    for a in added.iter().take(20) {
        if let Some(p) = &a.gst_problem {
            m.push_str(&format!(
                "\n{} {}: GST check failed: {p}",
                a.partner, a.number
            ));
        }
        if let Some(d) = a.payout_difference {
            m.push_str(&format!(
                "\n{} {}: {} over the routes' payout, a dispute opened",
                a.partner,
                a.number,
                rupees(d)
            ));
        }
    }
    m
}

/// Enters one invoice from the form.
pub async fn enter(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<Entry>,
) -> PageResult {
    let made = match f.invoice() {
        Ok(inv) => invoices::add(&s.ws, &u.actor, vec![(1, inv)], Source::Form, Utc::now()).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(added) => Ok(back(&said(&added))),
        Err(e @ AppError::Invalid { .. }) => Ok(back(&format!("Not stored: {e}"))),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfQ {
    csrf: Option<String>,
}

/// Loads an uploaded file of invoices (multipart field `file`), all or none; the CSRF
/// token in the query checked before the body is read.
pub async fn upload(
    State(s): State<AppState>,
    u: User,
    Query(q): Query<CsrfQ>,
    mut form: Multipart,
) -> PageResult {
    if q.csrf.as_deref() != Some(u.csrf.as_str()) {
        return Err(PageError::forbidden("the form expired; reload the page"));
    }
    u.actor.must(Action::EnterInvoices)?;
    let (_, file) = read_form(&mut form, MAX_FILE, 100).await?;
    let Some((name, bytes)) = file else {
        return Ok(back("Not stored: choose a file of invoices (CSV or Excel)"));
    };
    let ext = std::path::Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "csv" | "xlsx" | "xls" | "json") {
        return Ok(back(&format!(
            "Not stored: {name} is not a CSV, Excel or JSON file"
        )));
    }
    let dir = s.ws.data_dir.join("uploads").join("incoming");
    std::fs::create_dir_all(&dir).map_err(PageError::internal)?;
    let now = Utc::now();
    // Kept only while it loads; what a kill leaves there is cleared at the next start.
    let tmp = dir.join(format!(
        "invoices-{}-{}.{ext}",
        std::process::id(),
        now.timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::write(&tmp, &bytes).map_err(PageError::internal)?;
    let profile = invoices::ImportProfile::default();
    let made = invoices::load_file(&s.ws, &u.actor, &tmp, &profile, now).await;
    let _ = std::fs::remove_file(&tmp);
    match made {
        Ok(added) => Ok(back(&said(&added))),
        Err(e @ (AppError::Invalid { .. } | AppError::Ingest(_))) => Ok(back(
            &format!("Not stored: {e}").replace(&tmp.display().to_string(), &name),
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "invoices/show.html")]
struct ShowPage {
    c: Chrome,
    v: InvoiceView,
    /// The dispute's lines: expected payout per station, block and MOT, and the invoice.
    lines: Vec<Line>,
    may_settle: bool,
    result: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
}

fn missing(e: AppError) -> PageError {
    match e {
        AppError::NotFound(_) => PageError::not_found("no such invoice in your scope"),
        e => e.into(),
    }
}

pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let v = invoices::show(&s.ws, &u.actor, id, Utc::now())
        .await
        .map_err(missing)?;
    let lines = match &v.dispute {
        Some(d) => {
            s.ws.store
                .followup_lines(d.followup.id)
                .await
                .map_err(AppError::from)?
        }
        None => Vec::new(),
    };
    Ok(render(ShowPage {
        c: chrome(&u, "invoices"),
        may_settle: u.user.role.may(Action::SettleDisputes),
        v,
        lines,
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct SettleForm {
    #[serde(default)]
    accepted: String,
    #[serde(default)]
    note_number: String,
    #[serde(default)]
    note_date: String,
}

pub async fn settle(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user: u, form: f }: CsrfForm<SettleForm>,
) -> PageResult {
    let done = async {
        let accepted = dspdesk_core::money::parse_amount(f.accepted.trim().as_bytes(), true)
            .map_err(|e| AppError::invalid("accepted", format!("{:?} {e}", f.accepted)))?;
        let date = match f.note_date.trim() {
            "" => None,
            d => Some(
                dspdesk_core::time::parse_day(d).map_err(|e| AppError::invalid("note_date", e))?,
            ),
        };
        invoices::settle(
            &s.ws,
            &u.actor,
            id,
            accepted,
            &f.note_number,
            date,
            Utc::now(),
        )
        .await
    }
    .await;
    let m = match done {
        Ok(()) => "Settled.".to_owned(),
        Err(e @ AppError::Invalid { .. }) => format!("Not settled: {e}"),
        Err(e) => return Err(missing(e)),
    };
    Ok(Redirect::to(&format!("/invoices/{id}?done={}", segment(&m))).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct ApiQuery {
    partner: Option<String>,
}

pub async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<ApiQuery>,
) -> Result<Json<Value>, ApiError> {
    let rows = invoices::list(&s.ws, &u.actor, q.partner.as_deref(), Utc::now()).await?;
    Ok(Json(json!({
        "invoices": rows,
        "in_dispute": invoices::in_dispute(&rows),
    })))
}

pub async fn api_add(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Json(e): Json<Entry>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_change(&u, &headers)?;
    let added = invoices::add(
        &s.ws,
        &u.actor,
        vec![(1, e.invoice()?)],
        Source::Api,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "invoices": added }))))
}
