//! Follow-ups: the queue, a follow-up's page and its actions, the form that raises a
//! support-hub point, attachments, the SLA report; and the same as JSON.

pub(crate) mod api;
pub(crate) mod pages;

use super::{Query, Route};
use axum::routing::{get, post};
use dspdesk_app::followups::Queue;
use dspdesk_core::followups::{Kind, State};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/followups", get(pages::queue).post(pages::raise)),
        Route::page("/followups/new", get(pages::new_point)),
        Route::page("/followups/sla", get(pages::sla)),
        Route::page("/followups/{id}", get(pages::show).post(pages::act)),
        Route::page(
            "/followups/{id}/attachments",
            // Room for the largest file and its form, so a larger one gets our sentence.
            post(pages::attach).layer(axum::extract::DefaultBodyLimit::max(
                dspdesk_app::followups::MAX_ATTACHMENT_BYTES + 256 * 1024,
            )),
        ),
        Route::page(
            "/followups/{id}/attachments/{attachment}",
            get(pages::attachment),
        ),
        Route::api(
            "/api/v1/followups",
            get(api::queue).post(api::raise),
            "The follow-up queue (cases from the data and support-hub points) in the caller's scope, open ones by time left; filters mine, team, overdue, all, unassigned, kind, state, partner, station; POST raises a point {partner, station, title, text, priority, owner}.",
            &[Query::Page, Query::PerPage, Query::Kind, Query::All],
        ),
        Route::api(
            "/api/v1/followups/sla",
            get(api::sla),
            "The SLA report per kind and owner: respond_met_pct, resolve_met_pct, median hours to resolve, open by age, NL outstanding by age.",
            &[],
        ),
        Route::api(
            "/api/v1/followups/{id}",
            get(api::show).post(api::act),
            "One follow-up with its lines, comments, attachments, watchers and history; POST {action: comment|assign|state|recover|watch|unwatch, text, owner, to, note, amount}.",
            &[],
        ),
    ]
}

/// The queue's query string, shared by the page, its download and the API.
#[derive(serde::Deserialize, Default, Debug, Clone)]
pub struct QueueQuery {
    download: Option<String>,
    mine: Option<String>,
    team: Option<String>,
    overdue: Option<String>,
    all: Option<String>,
    unassigned: Option<String>,
    kind: Option<String>,
    state: Option<String>,
    partner: Option<String>,
    station: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

fn on(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty() && s != "0")
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl QueueQuery {
    fn queue(&self) -> Result<Queue, String> {
        let kind = match some(&self.kind) {
            None => None,
            Some(raw) => Some(Kind::parse(&raw).ok_or_else(|| {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "kind={raw:?} is not a kind of follow-up; use one of {}",
                    all.join(", ")
                )
            })?),
        };
        let state = match some(&self.state) {
            None => None,
            Some(raw) => Some(State::parse(&raw).ok_or_else(|| {
                let all: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
                format!(
                    "state={raw:?} is not a state; use one of {}",
                    all.join(", ")
                )
            })?),
        };
        Ok(Queue {
            mine: on(&self.mine),
            team: on(&self.team),
            overdue: on(&self.overdue),
            all: on(&self.all),
            unassigned: on(&self.unassigned),
            kind,
            state,
            partner: some(&self.partner),
            station: some(&self.station),
            page: self.page.unwrap_or(1),
            per_page: self.per_page.unwrap_or(50),
        })
    }

    /// The query string without the page number and download, for links.
    fn keep(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("mine", &self.mine),
            ("team", &self.team),
            ("overdue", &self.overdue),
            ("all", &self.all),
            ("unassigned", &self.unassigned),
            ("kind", &self.kind),
            ("state", &self.state),
            ("partner", &self.partner),
            ("station", &self.station),
        ] {
            if let Some(v) = some(v) {
                parts.push(format!("{k}={}", crate::shared::render::segment(&v)));
            }
        }
        parts.join("&")
    }
}

/// What a form or a JSON call asks of a follow-up.
#[derive(serde::Deserialize, Default, Debug)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    amount: String,
}

/// Does what an [`ActForm`] asks, as `actor`; the sentence says what was done.
async fn act(
    ws: &dspdesk_app::Workspace,
    actor: &dspdesk_app::Actor,
    id: i64,
    f: &ActForm,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, dspdesk_app::AppError> {
    use dspdesk_app::AppError;
    use dspdesk_app::followups as fu;
    match f.action.as_str() {
        "comment" => fu::comment(ws, actor, id, &f.text, now)
            .await
            .map(|_| "Comment added.".into()),
        "assign" => {
            let owner = Some(f.owner.trim()).filter(|o| !o.is_empty());
            fu::assign(ws, actor, id, owner, now).await?;
            Ok(format!("Assigned to {}.", owner.unwrap_or("nobody")))
        }
        "state" => {
            let to = State::parse(f.to.trim()).ok_or_else(|| {
                let all: Vec<&str> = State::ALL.iter().map(|s| s.as_str()).collect();
                AppError::invalid(
                    "to",
                    format!("{:?} is not a state; use one of {}", f.to, all.join(", ")),
                )
            })?;
            fu::transition(ws, actor, id, to, &f.note, now).await?;
            Ok(format!("Now {}.", to.label().to_lowercase()))
        }
        "recover" => {
            let minor =
                dspdesk_core::parse_amount(f.amount.trim().as_bytes(), false).map_err(|e| {
                    AppError::invalid(
                        "amount",
                        format!("{:?} is not an amount ({e}): write it as 1250.50", f.amount),
                    )
                })?;
            fu::record_recovery(ws, actor, id, minor, now).await?;
            Ok(format!(
                "Recovered {} recorded.",
                dspdesk_core::format_minor(minor)
            ))
        }
        "watch" => fu::watch(ws, actor, id, true, now)
            .await
            .map(|_| "You watch it.".into()),
        "unwatch" => fu::watch(ws, actor, id, false, now)
            .await
            .map(|_| "You no longer watch it.".into()),
        other => Err(AppError::invalid(
            "action",
            format!(
                "{other:?} is not an action; use comment, assign, state, recover, watch or unwatch"
            ),
        )),
    }
}

pub use api::may_change;
pub use pages::when;
