//! Onboarding: the board of partners by stage with their days in the stage, the form
//! that adds an applicant and the button that moves one a stage on; the same as JSON.

use super::Route;
use crate::AppState;
use crate::shared::auth::{ApiUser, User};
use crate::shared::download::download;
use crate::shared::error::{ApiError, PageResult};
use crate::shared::extract::CsrfForm;
use crate::shared::render::{Chrome, chrome, render, segment};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
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
        Route::api(
            "/api/v1/onboarding",
            get(api_board),
            "Partners in onboarding the caller may see: stage, since when, days in the stage, every stage reached (live: the first route's day).",
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
        columns: vec!["partner", "legal_name", "stage", "since", "days_in_stage"],
        rows: cards
            .iter()
            .map(|c| {
                vec![
                    Cell::text(&c.partner),
                    Cell::text(&c.legal_name),
                    Cell::text(c.stage.as_str()),
                    Cell::text(c.since.to_string()),
                    Cell::Int(c.days_in_stage),
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
    Ok(Redirect::to(&format!("/onboarding?done={}", segment(&m))).into_response())
}

pub async fn api_board(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let cards = onboarding::board(&s.ws, &u.actor, Utc::now()).await?;
    Ok(Json(json!({ "partners": cards })))
}
