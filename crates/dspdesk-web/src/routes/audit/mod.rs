//! The audit log, for admins: filter by user, subject and dates; download.

use super::Route;
use crate::AppState;
use crate::shared::auth::User;
use crate::shared::download::download;
use crate::shared::error::{PageError, PageResult};
use crate::shared::grid::{GridPage, GridSpec, no_links};
use crate::shared::render::{chrome, render};
use axum::extract::{Query, State};
use axum::routing::get;
use dspdesk_app::people::{AuditQuery, audit, audit_table};

pub fn routes() -> Vec<Route> {
    vec![Route::page("/admin/audit", get(page))]
}

#[derive(serde::Deserialize, Default)]
pub struct AuditParams {
    download: Option<String>,
    #[serde(default)]
    user: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn day(field: &str, raw: &str) -> Result<Option<chrono::NaiveDate>, PageError> {
    match opt(raw) {
        None => Ok(None),
        Some(d) => dspdesk_core::time::parse_day(&d)
            .map(Some)
            .map_err(|e| PageError::bad_request(format!("{field}={d:?}: {e}"))),
    }
}

pub async fn page(State(s): State<AppState>, u: User, Query(p): Query<AuditParams>) -> PageResult {
    let q = AuditQuery {
        user: opt(&p.user),
        entity: opt(&p.entity),
        entity_id: opt(&p.id),
        from: day("from", &p.from)?,
        to: day("to", &p.to)?,
        limit: if p.download.is_some() { 100_000 } else { 1000 },
    };
    let rows = audit(&s.ws, &u.actor, &q).await?;
    let table = audit_table(&rows);
    let keep = format!(
        "?user={}&entity={}&id={}&from={}&to={}",
        crate::shared::render::segment(&p.user),
        crate::shared::render::segment(&p.entity),
        crate::shared::render::segment(&p.id),
        crate::shared::render::segment(&p.from),
        crate::shared::render::segment(&p.to)
    );
    if let Some(f) = &p.download {
        return download(&table, "audit", f);
    }
    let mut page = GridPage::new(chrome(&u, "audit"), "", "Audit log", None);
    page.tabs.clear();
    page.subtitle = format!("{} changes, newest first", rows.len());
    page.intro = "Every change to a person-owned record: users, goals, configuration, follow-ups. Filter with ?user=NAME&entity=followup&id=12&from=2026-11-01&to=2026-11-30.".into();
    page.audit_form = Some((p.user, p.entity, p.id, p.from, p.to));
    let mut grid = GridSpec {
        id: "audit",
        title: "Changes".into(),
        note: if rows.len() == 1000 {
            "The newest 1,000; the download carries up to 100,000.".into()
        } else {
            String::new()
        },
        table: &table,
        show: &["at", "actor", "action", "entity", "entity_id", "detail"],
        dl: format!("{keep}&download="),
    }
    .build(&no_links, &|c| {
        Some(match c {
            "at" => "When".into(),
            "actor" => "Who".into(),
            "action" => "What".into(),
            "entity" => "Subject".into(),
            "entity_id" => "Id".into(),
            _ => "Detail".into(),
        })
    });
    // On screen, in the reader's zone and in words; the download keeps UTC instants.
    for (cells, r) in grid.rows.iter_mut().zip(&rows) {
        if let Some(c) = cells.first_mut() {
            c.text = crate::shared::render::when(r.at, u.zone);
        }
    }
    page.grids.push(grid);
    Ok(render(page))
}
