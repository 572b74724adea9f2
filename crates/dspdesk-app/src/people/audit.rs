//! The audit log, for admins: every change to a person-owned record, who made it and
//! when, filtered by user, subject and dates.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{NaiveDate, TimeZone, Utc};
use dspdesk_core::Action;
use dspdesk_core::table::{Cell, Table};
use dspdesk_store::{AuditFilter, AuditRow};

/// What to look for in the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub user: Option<String>,
    /// `followup`, `user`, `goal`, …
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Whole days, in UTC.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: i64,
}

pub async fn audit(
    ws: &Workspace,
    actor: &Actor,
    q: &AuditQuery,
) -> Result<Vec<AuditRow>, AppError> {
    actor.must(Action::ReadAudit)?;
    if let (Some(f), Some(t)) = (q.from, q.to)
        && f > t
    {
        return Err(AppError::invalid(
            "from",
            format!("from {f} is after to {t}: swap them"),
        ));
    }
    let day = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"));
    let filter = AuditFilter {
        actor: q.user.clone(),
        entity: q.entity.clone(),
        entity_id: q.entity_id.clone(),
        from: q.from.map(day),
        to: q.to.and_then(|d| d.succ_opt()).map(day),
        limit: if q.limit <= 0 { 1000 } else { q.limit },
    };
    Ok(ws.store.audit_search(&filter).await?)
}

pub fn audit_table(rows: &[AuditRow]) -> Table {
    Table {
        columns: vec!["at", "actor", "action", "entity", "entity_id", "detail"],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(crate::shared::table::stamp(r.at)),
                    Cell::text(&r.actor),
                    Cell::text(&r.action),
                    Cell::text(&r.entity),
                    Cell::text(&r.entity_id),
                    Cell::text(&r.detail),
                ]
            })
            .collect(),
    }
}
