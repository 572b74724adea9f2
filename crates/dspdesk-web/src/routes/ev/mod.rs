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
use axum::extract::Path;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::Utc;
use dspdesk_app::AppError;
use dspdesk_app::ev::connects::{self, ConnectView, VendorRow};
use dspdesk_app::ev::{self, Line};
use dspdesk_core::Action;
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/ev", get(board).post(goal)),
        Route::page("/ev/vendors", post(add_vendor)),
        Route::page("/ev/connects", post(schedule)),
        Route::page("/ev/connects/{id}", post(outcome)),
        Route::api(
            "/api/v1/ev/connects",
            get(api_connects),
            "The EV vendors (name, vehicles offered, contacts) and the connects the caller may see: each a follow-up of kind ev_connect with its vendor, meeting date, attendees, outcome, next step and the next connect it scheduled.",
            &[],
        ),
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
    vendors: Vec<VendorRow>,
    connects: Vec<ConnectView>,
    may_connect: bool,
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
        vendors: connects::vendors(&s.ws).await?,
        connects: connects::list(&s.ws, &u.actor).await?,
        may_connect: u.user.role.may(Action::ManageVendors),
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

/// Back to the EV page with what happened, or the refusal of a wrong value.
fn answer<T>(done: Result<T, AppError>, ok: impl FnOnce(T) -> String, not: &str) -> PageResult {
    let m = match done {
        Ok(v) => ok(v),
        Err(e @ AppError::Invalid { .. }) => format!("{not}: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/ev?done={}#connects", segment(&m))).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct VendorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    vehicles: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    contact_email: String,
}

pub async fn add_vendor(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<VendorForm>,
) -> PageResult {
    let name = f.name.trim().to_owned();
    let done = connects::add_vendor(
        &s.ws,
        &u.actor,
        connects::NewVendor {
            name: f.name,
            vehicles: f.vehicles,
            contact_name: f.contact_name,
            contact_phone: f.contact_phone,
            contact_email: f.contact_email,
        },
        Utc::now(),
    )
    .await;
    answer(done, |_| format!("Vendor {name} added."), "Not added")
}

#[derive(serde::Deserialize, Default)]
pub struct ScheduleForm {
    #[serde(default)]
    partner: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    owner: String,
}

pub async fn schedule(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<ScheduleForm>,
) -> PageResult {
    let done = async {
        let vendor: i64 = f
            .vendor
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("vendor", "choose a vendor"))?;
        let date = dspdesk_core::time::parse_day(f.date.trim())
            .map_err(|e| AppError::invalid("date", e))?;
        connects::schedule(
            &s.ws,
            &u.actor,
            connects::Schedule {
                partner: f.partner.trim().to_owned(),
                vendor,
                date: Some(date),
                attendees: f.attendees,
                agenda: f.agenda,
                owner: f.owner,
            },
            Utc::now(),
        )
        .await
    }
    .await;
    answer(
        done,
        |id| format!("Connect {id} scheduled."),
        "Not scheduled",
    )
}

#[derive(serde::Deserialize, Default)]
pub struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    next_step: String,
    #[serde(default)]
    next_date: String,
}

pub async fn outcome(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    CsrfForm { user: u, form: f }: CsrfForm<OutcomeForm>,
) -> PageResult {
    let done = async {
        let next_date = match f.next_date.trim() {
            "" => None,
            d => Some(
                dspdesk_core::time::parse_day(d).map_err(|e| AppError::invalid("next_date", e))?,
            ),
        };
        connects::record(
            &s.ws,
            &u.actor,
            id,
            connects::Outcome {
                outcome: f.outcome,
                next_step: f.next_step,
                next_date,
            },
            Utc::now(),
        )
        .await
    }
    .await;
    answer(
        done,
        |next| match next {
            Some(n) => format!("Connect {id} resolved; the next one is connect {n}."),
            None => format!("Connect {id} resolved."),
        },
        "Not recorded",
    )
}

pub async fn api_connects(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let vendors = connects::vendors(&s.ws).await?;
    let list = connects::list(&s.ws, &u.actor).await?;
    Ok(Json(json!({ "vendors": vendors, "connects": list })))
}
