//! Reviews: DSP reviews and WBRs with their action items; the form that records one,
//! a review's page beside the numbers of its week, and the same as JSON.

use super::{Query, Route};
use crate::AppState;
use crate::routes::followups::{may_change, when};
use crate::shared::auth::{ApiUser, User};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::Utc;
use dspdesk_app::reviews::{self, NewItem, Record};
use dspdesk_app::{AppError, ReviewRow};
use dspdesk_core::reviews::ReviewKind;
use dspdesk_core::table::{Cell, Table};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/reviews", get(list).post(create)),
        Route::page("/reviews/{review}", get(show)),
        Route::api(
            "/api/v1/reviews",
            get(api_list).post(api_create),
            "DSP reviews and WBRs the caller may see, newest first, a page at a time (per_page default 100, at most 1000); POST records one {kind, date, partner, station, attendees, notes, items: [{title, owner, due}]}.",
            &[Query::Page, Query::PerPage],
        ),
        Route::api(
            "/api/v1/reviews/{review}",
            get(api_show),
            "One review with its action items (follow-ups of kind action_item) and the link to the numbers of its week.",
            &[],
        ),
    ]
}

fn table(rows: &[ReviewRow]) -> Table {
    Table {
        columns: vec![
            "id",
            "kind",
            "date",
            "partner",
            "station",
            "attendees",
            "notes",
            "created_by",
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Int(r.id),
                    Cell::text(r.kind.as_str()),
                    Cell::text(r.date.to_string()),
                    Cell::text(&r.partner),
                    Cell::text(&r.station),
                    Cell::text(&r.attendees),
                    Cell::text(&r.notes),
                    Cell::text(&r.created_by),
                ]
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "reviews/list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ReviewRow>,
    may_record: bool,
    today: String,
    result: String,
    form: Vec<(String, String)>,
}

impl ListPage {
    fn field(&self, name: &str) -> &str {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    download: Option<String>,
}

async fn list_page(
    s: &AppState,
    u: &User,
    result: String,
    form: Vec<(String, String)>,
) -> Result<ListPage, AppError> {
    let rows = reviews::list(&s.ws, &u.actor, 500, 0).await?;
    Ok(ListPage {
        c: chrome(u, "reviews"),
        rows,
        may_record: u.user.role.may(dspdesk_core::Action::WorkFollowups),
        today: Utc::now()
            .with_timezone(&s.ws.default_zone)
            .date_naive()
            .to_string(),
        result,
        form,
    })
}

pub async fn list(
    State(s): State<AppState>,
    u: User,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> PageResult {
    if let Some(f) = &q.download {
        let rows = reviews::list(&s.ws, &u.actor, 10_000, 0).await?;
        return download(&table(&rows), "reviews", f);
    }
    Ok(render(list_page(&s, &u, String::new(), Vec::new()).await?))
}

/// A review from the form's fields: the items are the rows of `item_title`,
/// `item_owner` and `item_due` whose title is filled in.
fn from_form(form: &[(String, String)]) -> Result<Record, AppError> {
    let one = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let all = |k: &str| {
        form.iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .collect::<Vec<_>>()
    };
    let kind = ReviewKind::parse(&one("kind"))
        .ok_or_else(|| AppError::invalid("kind", "choose a DSP review or a WBR"))?;
    let date = dspdesk_core::time::parse_day(&one("date"))
        .map_err(|e| AppError::invalid("date", e.to_string()))?;
    let (titles, owners, dues) = (all("item_title"), all("item_owner"), all("item_due"));
    let mut items = Vec::new();
    for i in 0..titles.len().max(owners.len()).max(dues.len()) {
        let title = titles.get(i).cloned().unwrap_or_default();
        let filled = |v: &Vec<String>| v.get(i).is_some_and(|x| !x.is_empty());
        if title.is_empty() {
            if filled(&owners) || filled(&dues) {
                return Err(AppError::invalid(
                    "items",
                    format!(
                        "action item {}: an owner or due date without a title: write what is to be done",
                        i + 1
                    ),
                ));
            }
            continue;
        }
        let due = dues.get(i).map(String::as_str).unwrap_or("");
        let due = dspdesk_core::time::parse_day(due).map_err(|e| {
            AppError::invalid("items", format!("action item {}: the due date: {e}", i + 1))
        })?;
        items.push(NewItem {
            title: title.clone(),
            owner: owners.get(i).cloned().unwrap_or_default(),
            due,
        });
    }
    Ok(Record {
        kind,
        date,
        partner: one("partner"),
        station: one("station"),
        attendees: one("attendees"),
        notes: one("notes"),
        items,
    })
}

pub async fn create(
    State(s): State<AppState>,
    CsrfForm { user: u, form }: CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let done = match from_form(&form) {
        Ok(r) => reviews::record(&s.ws, &u.actor, r, Utc::now()).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(id) => Ok(Redirect::to(&format!("/reviews/{id}")).into_response()),
        Err(e @ AppError::Invalid { .. }) => {
            let mut r = render(list_page(&s, &u, format!("Not recorded: {e}"), form).await?);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "reviews/show.html")]
struct ShowPage {
    c: Chrome,
    r: ReviewRow,
    kind: &'static str,
    numbers: String,
    week: String,
    created: String,
    items: Vec<(
        i64,
        String,
        String,
        String,
        &'static str,
        &'static str,
        bool,
    )>,
}

pub async fn show(State(s): State<AppState>, u: User, Path(id): Path<i64>) -> PageResult {
    let (r, items) = reviews::show(&s.ws, &u.actor, id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => PageError::not_found("no such review in your scope"),
            e => e.into(),
        })?;
    let now = Utc::now();
    Ok(render(ShowPage {
        c: chrome(&u, "reviews"),
        kind: r.kind.label(),
        numbers: reviews::numbers_link(&r),
        week: dspdesk_core::IsoWeek::of(r.date).to_string(),
        created: when(r.created_at, u.zone),
        items: items
            .iter()
            .map(|f| {
                (
                    f.id,
                    f.title.clone(),
                    f.owner.clone().unwrap_or_default(),
                    f.data_date.map(|d| d.to_string()).unwrap_or_default(),
                    f.state.label(),
                    f.state.as_str(),
                    f.state.is_open() && f.resolve_by < now,
                )
            })
            .collect(),
        r,
    }))
}

#[derive(serde::Deserialize)]
pub struct Page {
    page: Option<i64>,
    per_page: Option<i64>,
}

pub async fn api_list(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    axum::extract::Query(p): axum::extract::Query<Page>,
) -> Result<Json<Value>, ApiError> {
    let per_page = p.per_page.unwrap_or(100).clamp(1, 1000);
    let page = p.page.unwrap_or(1).clamp(1, 1_000_000);
    let rows = reviews::list(&s.ws, &u.actor, per_page, (page - 1) * per_page).await?;
    Ok(Json(
        json!({ "reviews": rows, "page": page, "per_page": per_page }),
    ))
}

pub async fn api_show(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (r, items) = reviews::show(&s.ws, &u.actor, id).await?;
    let numbers = reviews::numbers_link(&r);
    Ok(Json(
        json!({ "review": r, "action_items": items, "numbers": numbers }),
    ))
}

#[derive(serde::Deserialize)]
pub struct ItemJson {
    title: String,
    owner: String,
    due: String,
}

#[derive(serde::Deserialize)]
pub struct ReviewJson {
    kind: String,
    date: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    items: Vec<ItemJson>,
}

pub async fn api_create(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiUser(u): ApiUser,
    Json(j): Json<ReviewJson>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_change(&u, &headers)?;
    let mut form: Vec<(String, String)> = vec![
        ("kind".into(), j.kind),
        ("date".into(), j.date),
        ("partner".into(), j.partner),
        ("station".into(), j.station),
        ("attendees".into(), j.attendees),
        ("notes".into(), j.notes),
    ];
    for it in j.items {
        form.push(("item_title".into(), it.title));
        form.push(("item_owner".into(), it.owner));
        form.push(("item_due".into(), it.due));
    }
    let record = from_form(&form)?;
    let id = reviews::record(&s.ws, &u.actor, record, Utc::now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "url": format!("/reviews/{id}") })),
    ))
}
