//! EV share: every partner's share of routes on EVs in the last complete week with its
//! trend, its fleet's share and its goal's trajectory, the ones behind first; the form
//! that sets a goal; the same as JSON.

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
use dspdesk_app::ev::{self, Line};
use dspdesk_core::Action;
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/ev", get(board).post(goal)),
        Route::api(
            "/api/v1/ev",
            get(api_board),
            "Each partner the caller may see in the last complete week: EV share of routes (null without routes), 8 weeks of trend, the fleet's EV share, the goal, its trajectory and whether the partner is behind it.",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct Q {
    #[serde(default)]
    done: String,
    download: Option<String>,
}

#[derive(Template)]
#[template(path = "ev/board.html")]
struct BoardPage {
    c: Chrome,
    lines: Vec<Line>,
    may_set: bool,
    result: String,
}

fn pct(v: &Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}"))
}

pub async fn board(State(s): State<AppState>, u: User, Query(q): Query<Q>) -> PageResult {
    let lines = ev::board(&s.ws, &u.actor, 8).await?;
    if let Some(f) = &q.download {
        let (from, to) = match lines.first() {
            Some(l) => (
                l.week.monday() - chrono::Duration::weeks(7),
                l.week.sunday(),
            ),
            None => (chrono::NaiveDate::MIN, chrono::NaiveDate::MIN),
        };
        let weeks = ev::weekly(&s.ws, &u.actor, from, to).await?;
        return download(&ev::weeks_table(&weeks), "ev-share", f);
    }
    Ok(render(BoardPage {
        c: chrome(&u, "ev"),
        lines,
        may_set: u.user.role.may(Action::AdoptGoals),
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct GoalForm {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    by: String,
}

pub async fn goal(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<GoalForm>,
) -> PageResult {
    let done = async {
        let target: f64 = f.target.trim().parse().map_err(|_| {
            AppError::invalid(
                "target",
                format!("{:?} is not a share from 0 to 100", f.target),
            )
        })?;
        let by =
            dspdesk_core::time::parse_day(f.by.trim()).map_err(|e| AppError::invalid("by", e))?;
        ev::set_goal(&s.ws, &u.actor, f.partner.trim(), target, by, Utc::now()).await
    }
    .await;
    let m = match done {
        Ok(g) => format!(
            "{}: {:.1}% of routes on EVs by {}, from {:.1}% in {}.",
            f.partner.trim(),
            g.target_pct,
            g.by,
            g.start_pct,
            g.set_week
        ),
        Err(e @ AppError::Invalid { .. }) => format!("Not set: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/ev?done={}", segment(&m))).into_response())
}

pub async fn api_board(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let lines = ev::board(&s.ws, &u.actor, 8).await?;
    Ok(Json(json!({ "partners": lines })))
}
