//! The follow-up screens: the queue with its filters, a follow-up's page with the
//! actions the caller's role allows, the form that raises a point, attachments and the
//! SLA report.

use super::{ActForm, QueueQuery};
use crate::AppState;
use crate::shared::auth::User;
use crate::shared::download::download;
use crate::shared::error::{PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::grid::{GridPage, GridSpec, no_links};
use crate::shared::render::{Chrome, chrome, int, money, render, segment};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use dspdesk_app::FollowupRow;
use dspdesk_app::Tz;
use dspdesk_app::followups::{self as fu, Detail, Raise};
use dspdesk_core::followups::{Kind, Priority, State as FState, time_left};
use dspdesk_core::minor_to_decimal;

pub use crate::shared::render::when;

fn amount(minor: Option<i64>) -> String {
    minor
        .map(|m| money(minor_to_decimal(m)))
        .unwrap_or_default()
}

/// One row of the queue as shown.
pub struct QueueRow {
    pub id: i64,
    pub kind: &'static str,
    pub partner: String,
    pub station: String,
    pub title: String,
    pub owner: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub priority: &'static str,
    pub amount: String,
    pub left: String,
    pub overdue: bool,
    pub escalation: i64,
    pub opened: String,
}

fn queue_row(f: &FollowupRow, now: DateTime<Utc>, zone: Tz) -> QueueRow {
    QueueRow {
        id: f.id,
        kind: f.kind.label(),
        partner: f.partner.clone(),
        station: f.station.clone(),
        title: f.title.clone(),
        owner: f.owner.clone().unwrap_or_default(),
        state: f.state.label(),
        state_code: f.state.as_str(),
        priority: f.priority.as_str(),
        amount: amount(f.amount_minor),
        left: if f.state.is_open() {
            time_left(f.resolve_by, now)
        } else {
            String::new()
        },
        overdue: f.state.is_open() && f.resolve_by < now,
        escalation: f.escalation,
        opened: when(f.opened_at, zone),
    }
}

#[derive(Template)]
#[template(path = "followups/queue.html")]
struct QueuePage {
    c: Chrome,
    rows: Vec<QueueRow>,
    total: i64,
    page: i64,
    pages: i64,
    keep: String,
    q: QueueQuery,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    may_work: bool,
}

pub async fn queue(State(s): State<AppState>, u: User, Query(q): Query<QueueQuery>) -> PageResult {
    let queue = q.queue().map_err(PageError::bad_request)?;
    let now = Utc::now();
    if let Some(f) = &q.download {
        let all = dspdesk_app::followups::Queue {
            page: 1,
            per_page: 10_000,
            ..queue
        };
        let page = fu::queue(&s.ws, &u.actor, &all, now).await?;
        return download(&fu::queue_table(&page.rows, now), "followups", f);
    }
    let page = fu::queue(&s.ws, &u.actor, &queue, now).await?;
    let zone = u.zone;
    Ok(render(QueuePage {
        c: chrome(&u, "followups"),
        rows: page.rows.iter().map(|f| queue_row(f, now, zone)).collect(),
        total: page.total,
        page: page.page,
        pages: (page.total + page.per_page - 1) / page.per_page.max(1),
        keep: q.keep(),
        q,
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        states: FState::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        may_work: u.user.role.may(dspdesk_core::Action::WorkFollowups),
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

#[derive(Template)]
#[template(path = "followups/new.html")]
struct NewPage {
    c: Chrome,
    f: NewQuery,
    priority: String,
    owner: String,
    is_partner: bool,
    error: String,
}

pub async fn new_point(u: User, Query(f): Query<NewQuery>) -> PageResult {
    Ok(render(NewPage {
        c: chrome(&u, "followups"),
        is_partner: u.user.role == dspdesk_core::Role::Partner,
        f,
        priority: "normal".into(),
        owner: String::new(),
        error: String::new(),
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct RaiseForm {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    owner: String,
}

/// Raises a point from the form; on a mistake the form comes back filled in with the
/// sentence that says what to change.
pub async fn raise(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<RaiseForm>,
) -> PageResult {
    let r = Raise {
        partner: f.partner.clone(),
        station: f.station.clone(),
        title: f.title.clone(),
        body: f.text.clone(),
        priority: Priority::parse(f.priority.trim()),
        owner: Some(f.owner.clone()),
    };
    match fu::raise(&s.ws, &u.actor, r, Utc::now()).await {
        Ok(id) => Ok(Redirect::to(&format!("/followups/{id}")).into_response()),
        Err(e) if e.is_callers() => Ok(render(NewPage {
            c: chrome(&u, "followups"),
            is_partner: u.user.role == dspdesk_core::Role::Partner,
            f: NewQuery {
                partner: f.partner,
                station: f.station,
                title: f.title,
                text: f.text,
            },
            priority: f.priority,
            owner: f.owner,
            error: e.to_string(),
        })),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "followups/show.html")]
struct ShowPage {
    c: Chrome,
    d: Detail,
    kind: &'static str,
    state: &'static str,
    respond_by: String,
    resolve_by: String,
    left: String,
    overdue: bool,
    respond_left: String,
    amount: String,
    recovered: String,
    outstanding: String,
    opened: String,
    lines: Vec<(String, String, String, String)>,
    comments: Vec<(String, String, String, String)>,
    attachments: Vec<(i64, String, String, String, String)>,
    history: Vec<(String, String, String, String)>,
    next: Vec<(&'static str, &'static str)>,
    watching: bool,
    result: String,
    csrf_q: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
    download: Option<String>,
}

pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let d = fu::show(&s.ws, &u.actor, id).await?;
    if let Some(f) = &q.download {
        return download(
            &fu::queue_table(std::slice::from_ref(&d.row), Utc::now()),
            &format!("followup-{id}"),
            f,
        );
    }
    Ok(render(show_page(&u, d, q.done)))
}

fn show_page(u: &User, d: Detail, result: String) -> ShowPage {
    let now = Utc::now();
    let zone = u.zone;
    let f = &d.row;
    let outstanding = match (f.kind, f.amount_minor) {
        (Kind::Nl, Some(a)) => amount(Some(a.saturating_sub(f.recovered_minor))),
        _ => String::new(),
    };
    ShowPage {
        c: chrome(u, "followups"),
        kind: f.kind.label(),
        state: f.state.label(),
        respond_by: when(f.respond_by, zone),
        resolve_by: when(f.resolve_by, zone),
        left: if f.state.is_open() {
            time_left(f.resolve_by, now)
        } else {
            String::new()
        },
        overdue: f.state.is_open() && f.resolve_by < now,
        respond_left: match f.responded_at {
            Some(t) => format!("answered {}", when(t, zone)),
            None if f.state.is_open() => time_left(f.respond_by, now),
            None => String::new(),
        },
        amount: amount(f.amount_minor),
        recovered: amount(Some(f.recovered_minor)),
        outstanding,
        opened: when(f.opened_at, zone),
        lines: lines_of(&d),
        comments: d
            .comments
            .iter()
            .map(|c| {
                (
                    when(c.at, zone),
                    c.author.clone(),
                    c.role.clone(),
                    c.body.clone(),
                )
            })
            .collect(),
        attachments: files_of(&d, zone),
        history: d
            .history
            .iter()
            .map(|h| {
                (
                    when(h.at, zone),
                    h.actor.clone(),
                    h.action.clone(),
                    h.detail.clone(),
                )
            })
            .collect(),
        next: d.next.iter().map(|s| (s.as_str(), s.label())).collect(),
        watching: d.watchers.contains(&u.user.username),
        csrf_q: segment(&u.csrf),
        result,
        d,
    }
}

fn lines_of(d: &Detail) -> Vec<(String, String, String, String)> {
    d.lines
        .iter()
        .map(|l| {
            (
                l.date.to_string(),
                l.reference.clone(),
                amount(l.amount_minor),
                l.detail.clone(),
            )
        })
        .collect()
}

fn files_of(d: &Detail, zone: Tz) -> Vec<(i64, String, String, String, String)> {
    d.attachments
        .iter()
        .map(|a| {
            (
                a.id,
                a.filename.clone(),
                int(a.size),
                a.uploaded_by.clone(),
                when(a.uploaded_at, zone),
            )
        })
        .collect()
}

/// A form on a follow-up's page: done, the page again with what was done (Post,
/// Redirect, Get); refused, the page with the sentence that says why.
pub async fn act(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user: u, form }: CsrfForm<ActForm>,
) -> PageResult {
    match super::act(&s.ws, &u.actor, id, &form, Utc::now()).await {
        Ok(done) => {
            Ok(Redirect::to(&format!("/followups/{id}?done={}", segment(&done))).into_response())
        }
        Err(e @ dspdesk_app::AppError::Invalid { .. }) => {
            let d = fu::show(&s.ws, &u.actor, id).await?;
            let mut page = show_page(&u, d, String::new());
            page.result = format!("Not done: {e}");
            let mut r = render(page);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfQ {
    csrf: Option<String>,
}

/// Receives one file for a follow-up (multipart field `file`), the CSRF token in the
/// query checked before the body is read.
pub async fn attach(
    State(s): State<AppState>,
    u: User,
    Path(id): Path<i64>,
    Query(q): Query<CsrfQ>,
    mut form: Multipart,
) -> PageResult {
    if q.csrf.as_deref() != Some(u.csrf.as_str()) {
        return Err(PageError::forbidden("the form expired; reload the page"));
    }
    let mut sent: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| PageError::bad_request(e.body_text()))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| PageError::bad_request(e.body_text()))?
        {
            if bytes.len() + chunk.len() > fu::MAX_ATTACHMENT_BYTES {
                return Err(PageError::bad_request(format!(
                    "{name} is larger than {} MiB, the most a follow-up takes",
                    fu::MAX_ATTACHMENT_BYTES / (1024 * 1024)
                )));
            }
            bytes.extend_from_slice(&chunk);
        }
        sent = Some((name, bytes));
    }
    let Some((name, bytes)) = sent else {
        return Err(PageError::bad_request("choose a file to attach"));
    };
    fu::attach(&s.ws, &u.actor, id, &name, &bytes, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/followups/{id}?done={}",
        segment(&format!("Attached {name}."))
    ))
    .into_response())
}

/// An attachment, as a download, to those who may see its follow-up.
pub async fn attachment(
    State(s): State<AppState>,
    u: User,
    Path((id, att)): Path<(i64, i64)>,
) -> PageResult {
    let (a, path) = fu::attachment(&s.ws, &u.actor, id, att).await?;
    let bytes = tokio::fs::read(&path).await.map_err(PageError::internal)?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        a.filename.replace(['"', '\\'], "_")
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct SlaQuery {
    download: Option<String>,
}

pub async fn sla(
    State(s): State<AppState>,
    u: User,
    Query(q): Query<SlaQuery>,
) -> Result<Response, PageError> {
    let lines = fu::sla_report(&s.ws, &u.actor, Utc::now()).await?;
    let table = fu::sla_table(&lines);
    if let Some(f) = &q.download {
        return download(&table, "sla", f);
    }
    let mut page = GridPage::new(chrome(&u, "followups"), "", "SLA report", None);
    page.tabs.clear();
    page.subtitle = "follow-ups per kind and owner".into();
    page.intro = "Respond and resolve deadlines met, of the follow-ups whose deadline has passed or that were answered or resolved; median hours from opening to resolution; open follow-ups by days since opened; for lost packages (NL), the amount not yet recovered by age. Withdrawn cases are left out: the data showed they never happened. The line (all) sums every owner of the kind.".into();
    page.grids.push(
        GridSpec {
            id: "sla",
            title: "By kind and owner".into(),
            note: String::new(),
            table: &table,
            show: &[
                "kind",
                "owner",
                "count",
                "respond_met_pct",
                "resolve_met_pct",
                "median_hours_to_resolve",
                "open_0_7",
                "open_8_15",
                "open_16_30",
                "open_31_60",
                "open_61_plus",
                "nl_outstanding_0_7",
                "nl_outstanding_8_15",
                "nl_outstanding_16_30",
                "nl_outstanding_31_60",
                "nl_outstanding_61_plus",
            ],
            dl: "?download=".into(),
        }
        .build(&no_links, &|c| Some(sla_label(c).to_owned())),
    );
    Ok(render(page))
}

fn sla_label(c: &str) -> &'static str {
    match c {
        "kind" => "Kind",
        "owner" => "Owner",
        "count" => "Follow-ups",
        "respond_met_pct" => "Respond met %",
        "resolve_met_pct" => "Resolve met %",
        "median_hours_to_resolve" => "Median h to resolve",
        "open_0_7" => "Open 0–7 d",
        "open_8_15" => "8–15 d",
        "open_16_30" => "16–30 d",
        "open_31_60" => "31–60 d",
        "open_61_plus" => "61+ d",
        "nl_outstanding_0_7" => "NL outstanding 0–7 d",
        "nl_outstanding_8_15" => "8–15 d",
        "nl_outstanding_16_30" => "16–30 d",
        "nl_outstanding_31_60" => "31–60 d",
        _ => "61+ d",
    }
}
