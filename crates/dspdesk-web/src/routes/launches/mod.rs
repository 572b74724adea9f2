//! Launch readiness: the go/no-go board, a launch's gated checklist, the template the
//! admin edits; the same as JSON.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::files::{field, read_form, send_file};
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::TemplateItem;
use dspdesk_app::launches::{self, LaunchView};
use dspdesk_core::table::{Cell, Table};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/launches", get(board).post(open)),
        Route::page(
            "/launches/{launch}",
            // Room for an evidence file and its form, so a larger one gets our sentence.
            get(show)
                .post(finish)
                .layer(axum::extract::DefaultBodyLimit::max(
                    dspdesk_app::followups::MAX_ATTACHMENT_BYTES + 256 * 1024,
                )),
        ),
        Route::page("/admin/launch-template", get(template).post(edit)),
        Route::api(
            "/api/v1/launches",
            get(api_board),
            "Launches the caller may see with their go/no-go colour (green, amber, red, open), days left and checklist.",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct Q {
    #[serde(default)]
    done: String,
    download: Option<String>,
    /// An item whose evidence file to give.
    evidence: Option<i64>,
    csrf: Option<String>,
}

fn table(rows: &[LaunchView]) -> Table {
    Table {
        columns: vec![
            "id",
            "partner",
            "station",
            "target_date",
            "days_left",
            "colour",
            "mandatory_open",
        ],
        rows: rows
            .iter()
            .map(|v| {
                vec![
                    Cell::Int(v.launch.id),
                    Cell::text(&v.launch.partner),
                    Cell::text(&v.launch.station),
                    Cell::text(v.launch.target_date.to_string()),
                    Cell::Int(v.days_left),
                    Cell::text(v.colour.as_str()),
                    Cell::Int(v.mandatory_open as i64),
                ]
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "launches/board.html")]
struct BoardPage {
    c: Chrome,
    rows: Vec<LaunchView>,
    may_open: bool,
    result: String,
}

pub async fn board(State(s): State<AppState>, u: User, Query(q): Query<Q>) -> PageResult {
    let rows = launches::board(&s.ws, &u.actor, Utc::now()).await?;
    if let Some(f) = &q.download {
        return download(&table(&rows), "launches", f);
    }
    Ok(render(BoardPage {
        c: chrome(&u, "launches"),
        rows,
        may_open: launches::may_open(&u.actor),
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    target: String,
}

pub async fn open(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<OpenForm>,
) -> PageResult {
    let made = match dspdesk_core::time::parse_day(f.target.trim()) {
        Ok(t) => launches::open(&s.ws, &u.actor, &f.partner, &f.station, t, Utc::now()).await,
        Err(e) => Err(AppError::invalid("target", format!("the target date: {e}"))),
    };
    match made {
        Ok(id) => Ok(Redirect::to(&format!("/launches/{id}")).into_response()),
        Err(e @ AppError::Invalid { .. }) => Ok(Redirect::to(&format!(
            "/launches?done={}",
            segment(&format!("Not opened: {e}"))
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "launches/show.html")]
struct ShowPage {
    c: Chrome,
    v: LaunchView,
    may_work: bool,
    result: String,
}

pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path(id): Path<i64>,
    Query(q): Query<Q>,
) -> PageResult {
    let missing = |e| match e {
        AppError::NotFound(_) => PageError::not_found("no such launch or file in your scope"),
        e => e.into(),
    };
    if let Some(item) = q.evidence {
        let (name, kind, path) = launches::evidence_file(&s.ws, &u.actor, id, item, Utc::now())
            .await
            .map_err(missing)?;
        return send_file(&name, kind, &path).await;
    }
    let v = launches::show(&s.ws, &u.actor, id, Utc::now())
        .await
        .map_err(missing)?;
    Ok(render(ShowPage {
        c: chrome(&u, "launches"),
        may_work: u.user.role.may(dspdesk_core::Action::WorkFollowups),
        v,
        result: q.done,
    }))
}

/// Marks an item done (multipart: item, evidence, an optional file) or gives it to an
/// owner (action=assign, owner); the CSRF token in the query checked before the body is
/// read.
pub async fn finish(
    State(s): State<AppState>,
    u: User,
    Path(id): Path<i64>,
    Query(q): Query<Q>,
    mut form: axum::extract::Multipart,
) -> PageResult {
    if q.csrf.as_deref() != Some(u.csrf.as_str()) {
        return Err(PageError::forbidden("the form expired; reload the page"));
    }
    let (fields, file) = read_form(
        &mut form,
        dspdesk_app::followups::MAX_ATTACHMENT_BYTES,
        2000,
    )
    .await?;
    let one = |k: &str| field(&fields, k);
    let item: i64 = one("item").trim().parse().unwrap_or(0);
    let now = Utc::now();
    let done = if one("action") == "assign" {
        launches::assign(&s.ws, &u.actor, id, item, &one("owner"), now)
            .await
            .map(|_| "Assigned.".to_owned())
    } else {
        let f = file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
        launches::finish(&s.ws, &u.actor, id, item, &one("evidence"), f, now)
            .await
            .map(|_| "Done.".to_owned())
    };
    let m = match done {
        Ok(m) => m,
        Err(e @ AppError::Invalid { .. }) => format!("Not done: {e}"),
        Err(AppError::NotFound(_)) => {
            return Err(PageError::not_found("no such launch in your scope"));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/launches/{id}?done={}", segment(&m))).into_response())
}

#[derive(Template)]
#[template(path = "launches/template.html")]
struct TemplatePage {
    c: Chrome,
    /// Each checklist: its kind, the first and last gate it takes, its items with the
    /// name of their gate.
    lists: Vec<TemplateList>,
    result: String,
}

struct TemplateList {
    kind: &'static str,
    first: i64,
    last: i64,
    items: Vec<(TemplateItem, String)>,
}

/// How a gate reads on a checklist: a number, or the onboarding stage it is.
fn gate_name(kind: &str, gate: i64) -> String {
    match dspdesk_core::onboarding::Stage::of_gate(gate) {
        Some(st) if kind == "onboarding" => format!("{gate} · {}", st.label()),
        _ => gate.to_string(),
    }
}

pub async fn template(State(s): State<AppState>, u: User, Query(q): Query<Q>) -> PageResult {
    let mut lists = Vec::new();
    for (kind, gates) in launches::checklists() {
        let items = launches::template(&s.ws, &u.actor, kind)
            .await?
            .into_iter()
            .map(|i| {
                let g = gate_name(kind, i.gate);
                (i, g)
            })
            .collect();
        lists.push(TemplateList {
            kind,
            first: *gates.start(),
            last: *gates.end(),
            items,
        });
    }
    Ok(render(TemplatePage {
        c: chrome(&u, "config"),
        lists,
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct EditForm {
    #[serde(default)]
    checklist: String,
    #[serde(default)]
    gate: i64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    mandatory: Option<String>,
    #[serde(default)]
    remove: Option<i64>,
}

pub async fn edit(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<EditForm>,
) -> PageResult {
    let add = f
        .remove
        .is_none()
        .then(|| (f.gate, f.title.clone(), f.mandatory.is_some()));
    let m = match launches::edit_template(&s.ws, &u.actor, &f.checklist, add, f.remove, Utc::now())
        .await
    {
        Ok(_) => "Saved.".to_owned(),
        Err(e @ AppError::Invalid { .. }) => format!("Not saved: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/admin/launch-template?done={}", segment(&m))).into_response())
}

pub async fn api_board(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let rows = launches::board(&s.ws, &u.actor, Utc::now()).await?;
    Ok(Json(json!({ "launches": rows })))
}
