//! Onboarding: the board of partners by stage with their days in the stage, the form
//! that adds an applicant and the button that moves one a stage on; the same as JSON.

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
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::onboarding::{self, Card};
use dspdesk_core::onboarding::Stage;
use dspdesk_core::table::{Cell, Table};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/onboarding", get(board).post(act)),
        Route::page(
            "/onboarding/{code}",
            // Room for an evidence file and its form, so a larger one gets our sentence.
            get(show)
                .post(work)
                .layer(axum::extract::DefaultBodyLimit::max(
                    dspdesk_app::followups::MAX_ATTACHMENT_BYTES + 256 * 1024,
                )),
        ),
        Route::api(
            "/api/v1/onboarding",
            get(api_board),
            "Partners in onboarding the caller may see: stage, since when, days in the stage, every stage reached (live: the first route's day), the checklist and how many mandatory items hold it at its stage.",
            &[],
        ),
    ]
}

#[derive(Template)]
#[template(path = "onboarding/board.html")]
struct BoardPage {
    c: Chrome,
    /// (stage, its label, the cards at it)
    columns: Vec<(Stage, &'static str, Vec<Card>)>,
    may_work: bool,
    today: String,
    result: String,
}

#[derive(serde::Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    done: String,
    download: Option<String>,
}

fn table(cards: &[Card]) -> Table {
    Table {
        columns: vec![
            "partner",
            "legal_name",
            "stage",
            "since",
            "days_in_stage",
            "items_done",
            "items",
            "holding",
        ],
        rows: cards
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.partner),
                    Cell::text(&c.legal_name),
                    Cell::text(c.stage.as_str()),
                    Cell::text(c.since.to_string()),
                    Cell::Int(c.days_in_stage),
                    Cell::Int(c.items.iter().filter(|i| i.done_at.is_some()).count() as i64),
                    Cell::Int(c.items.len() as i64),
                    Cell::Int(c.holding as i64),
                ]
            })
            .collect(),
    }
}

pub async fn board(State(s): State<AppState>, u: User, Query(q): Query<BoardQuery>) -> PageResult {
    let now = Utc::now();
    let cards = onboarding::board(&s.ws, &u.actor, now).await?;
    if let Some(f) = &q.download {
        return download(&table(&cards), "onboarding", f);
    }
    let columns = Stage::ALL
        .iter()
        .map(|st| {
            let at: Vec<Card> = cards.iter().filter(|c| c.stage == *st).cloned().collect();
            (*st, st.label(), at)
        })
        .collect();
    Ok(render(BoardPage {
        c: chrome(&u, "onboarding"),
        columns,
        may_work: u.user.role.may(dspdesk_core::Action::VerifyDocuments),
        today: now
            .with_timezone(&s.ws.default_zone)
            .date_naive()
            .to_string(),
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    on: String,
    /// Back to the partner's page rather than the board.
    #[serde(default)]
    back: Option<String>,
}

pub async fn act(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<ActForm>,
) -> PageResult {
    let now = Utc::now();
    let on = dspdesk_core::time::parse_day(f.on.trim())
        .map_err(|e| AppError::invalid("on", format!("the date: {e}")));
    let done = match (f.action.as_str(), on) {
        (_, Err(e)) => Err(e),
        ("apply", Ok(on)) => onboarding::apply(&s.ws, &u.actor, &f.partner, &f.legal_name, on, now)
            .await
            .map(|_| format!("{} applied.", f.partner.trim())),
        ("advance", Ok(on)) => match Stage::parse(f.stage.trim()) {
            Some(to) => onboarding::advance(&s.ws, &u.actor, f.partner.trim(), to, on, now)
                .await
                .map(|_| format!("{} is at {}.", f.partner.trim(), to.label())),
            None => Err(AppError::invalid(
                "stage",
                format!("{:?} is not a stage", f.stage),
            )),
        },
        (other, _) => Err(AppError::invalid(
            "action",
            format!("{other:?} is not an action; use apply or advance"),
        )),
    };
    let m = match done {
        Ok(m) => m,
        Err(e @ AppError::Invalid { .. }) => format!("Not done: {e}"),
        Err(e) => return Err(e.into()),
    };
    let to = match f.back.as_deref() {
        Some(_) => format!("/onboarding/{}", segment(f.partner.trim())),
        None => "/onboarding".to_owned(),
    };
    Ok(Redirect::to(&format!("{to}?done={}", segment(&m))).into_response())
}

#[derive(Template)]
#[template(path = "onboarding/show.html")]
struct ShowPage {
    c: Chrome,
    k: Card,
    /// The checklist by stage: (the stage, its items).
    gates: Vec<(Stage, Vec<dspdesk_app::ChecklistItem>)>,
    /// The first gate with a mandatory item open: later gates wait for it.
    open_gate: i64,
    may_work: bool,
    /// The caller's user name: an item given to them is theirs to do.
    me: String,
    today: String,
    result: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    done: String,
    /// An item whose evidence file to give.
    evidence: Option<i64>,
    csrf: Option<String>,
}

fn missing(e: AppError) -> PageError {
    match e {
        AppError::NotFound(_) => {
            PageError::not_found("no such partner in onboarding in your scope")
        }
        e => e.into(),
    }
}

/// One partner's onboarding: its stages and its checklist, item by item.
pub async fn show(
    State(s): State<AppState>,
    u: User,
    Path(partner): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let now = Utc::now();
    if let Some(item) = q.evidence {
        let (name, kind, path) = onboarding::evidence_file(&s.ws, &u.actor, &partner, item, now)
            .await
            .map_err(missing)?;
        return send_file(&name, kind, &path).await;
    }
    let k = onboarding::show(&s.ws, &u.actor, &partner, now)
        .await
        .map_err(missing)?;
    let gates = Stage::ALL
        .iter()
        .map(|st| {
            let at = k.items.iter().filter(|i| i.gate == st.gate()).cloned();
            (*st, at.collect::<Vec<_>>())
        })
        .filter(|(_, items)| !items.is_empty())
        .collect();
    let open_gate =
        dspdesk_core::launches::open_gate(&dspdesk_app::shared::checklist::rules_of(&k.items))
            .unwrap_or(i64::MAX)
            // A later stage's items wait until the partner reaches it.
            .min(if k.stage == Stage::Live {
                i64::MAX
            } else {
                k.stage.gate()
            });
    Ok(render(ShowPage {
        c: chrome(&u, "onboarding"),
        may_work: u.user.role.may(dspdesk_core::Action::VerifyDocuments),
        me: u.user.username.clone(),
        gates,
        open_gate,
        k,
        today: now
            .with_timezone(&s.ws.default_zone)
            .date_naive()
            .to_string(),
        result: q.done,
    }))
}

/// Marks a checklist item done (multipart: item, evidence, an optional file) or gives
/// it to an owner (action=assign, owner); the CSRF token in the query checked before
/// the body is read.
pub async fn work(
    State(s): State<AppState>,
    u: User,
    Path(partner): Path<String>,
    Query(q): Query<ShowQuery>,
    mut form: Multipart,
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
    let item: i64 = field(&fields, "item").trim().parse().unwrap_or(0);
    let now = Utc::now();
    let done = if field(&fields, "action") == "assign" {
        onboarding::assign(
            &s.ws,
            &u.actor,
            &partner,
            item,
            &field(&fields, "owner"),
            now,
        )
        .await
        .map(|_| "Assigned.".to_owned())
    } else {
        let f = file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
        onboarding::finish(
            &s.ws,
            &u.actor,
            &partner,
            item,
            &field(&fields, "evidence"),
            f,
            now,
        )
        .await
        .map(|_| "Done.".to_owned())
    };
    let m = match done {
        Ok(m) => m,
        Err(e @ AppError::Invalid { .. }) => format!("Not done: {e}"),
        Err(e) => return Err(missing(e)),
    };
    Ok(Redirect::to(&format!(
        "/onboarding/{}?done={}",
        segment(&partner),
        segment(&m)
    ))
    .into_response())
}

pub async fn api_board(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let cards = onboarding::board(&s.ws, &u.actor, Utc::now()).await?;
    Ok(Json(json!({ "partners": cards })))
}
