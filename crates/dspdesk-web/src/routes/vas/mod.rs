//! VAS adoption: partners ranked by enrolment and completion with each VAS kind beside
//! the network's; the kinds offered per station and enrolled per partner, edited by the
//! program team on the same page; the same as JSON and downloads.

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
use chrono::{NaiveDate, Utc};
use dspdesk_app::AppError;
use dspdesk_app::vas::{self, Adoption, Config};
use dspdesk_core::Action;
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/vas", get(page).post(edit)),
        Route::api(
            "/api/v1/vas",
            get(api_adoption),
            "VAS adoption over a period (?from=&to=, default the 28 days ending on the last day with data): per partner the caller may see its rank over the network, enrolment (kinds enrolled among those offered at its stations ÷ kinds offered, null when none is offered) and per VAS kind dispatched, delivered and completion beside the network's; and the kinds offered per station and enrolled per partner.",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct Q {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    done: String,
    download: Option<String>,
}

fn day(raw: &str, field: &'static str) -> Result<Option<NaiveDate>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        d => dspdesk_core::time::parse_day(d)
            .map(Some)
            .map_err(|e| AppError::invalid(field, e)),
    }
}

async fn adoption(s: &AppState, u: &dspdesk_app::Actor, q: &Q) -> Result<Adoption, AppError> {
    let (from, to) = vas::period(
        &s.ws,
        day(&q.from, "from")?,
        day(&q.to, "to")?,
        Utc::now().date_naive(),
    )
    .await?;
    vas::adoption(&s.ws, u, from, to).await
}

fn pct(v: &Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |x| format!("{x:.1}"))
}

#[derive(Template)]
#[template(path = "vas/adoption.html")]
struct Page {
    c: Chrome,
    a: Adoption,
    cfg: Config,
    may_edit: bool,
    result: String,
}

pub async fn page(State(s): State<AppState>, u: User, Query(q): Query<Q>) -> PageResult {
    let a = adoption(&s, &u.actor, &q).await?;
    if let Some(f) = &q.download {
        return download(&vas::table(&a), "vas-adoption", f);
    }
    let cfg = vas::config(&s.ws, &u.actor).await?;
    Ok(render(Page {
        c: chrome(&u, "vas"),
        a,
        cfg,
        may_edit: u.user.role.may(Action::EditVas),
        result: q.done,
    }))
}

#[derive(serde::Deserialize, Default)]
pub struct EditForm {
    /// `offer`, `withdraw`, `enrol` or `unenrol`.
    #[serde(default)]
    action: String,
    #[serde(default)]
    station: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    vas: String,
}

pub async fn edit(
    State(s): State<AppState>,
    CsrfForm { user: u, form: f }: CsrfForm<EditForm>,
) -> PageResult {
    let now = Utc::now();
    let (station, partner, kind) = (f.station.trim(), f.partner.trim(), f.vas.trim());
    let done = match f.action.as_str() {
        "offer" | "withdraw" => {
            vas::set_offered(&s.ws, &u.actor, station, kind, f.action == "offer", now)
                .await
                .map(|c| (c, format!("{kind} at {station}")))
        }
        "enrol" | "unenrol" => {
            vas::set_enrolled(&s.ws, &u.actor, partner, kind, f.action == "enrol", now)
                .await
                .map(|c| (c, format!("{partner} in {kind}")))
        }
        other => Err(AppError::invalid(
            "action",
            format!("{other:?} is not offer, withdraw, enrol or unenrol"),
        )),
    };
    let m = match done {
        Ok((true, what)) => format!("Done: {what}."),
        Ok((false, what)) => format!("Already so: {what}."),
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound(_))) => format!("Not done: {e}"),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/vas?done={}", segment(&m))).into_response())
}

pub async fn api_adoption(
    State(s): State<AppState>,
    ApiUser(u): ApiUser,
    Query(q): Query<Q>,
) -> Result<Json<Value>, ApiError> {
    let a = adoption(&s, &u.actor, &q).await?;
    let cfg = vas::config(&s.ws, &u.actor).await?;
    Ok(Json(json!({ "adoption": a, "config": cfg })))
}
