//! The audit log: every change to a person-owned record writes a row here in the same
//! transaction as the change, so the log cannot miss a change or record one that failed.

use super::{Result, Store, on_pool};
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
}

pub(crate) const AUDIT: &str = "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)";

/// Writes one audit row on an executor (the transaction of the change it records).
macro_rules! write_audit {
    ($exec:expr, $at:expr, $actor:expr, $action:expr, $entity:expr, $entity_id:expr, $detail:expr) => {
        sqlx::query($crate::db::AUDIT)
            .bind($at)
            .bind($actor)
            .bind($action)
            .bind($entity)
            .bind($entity_id)
            .bind($detail)
            .execute($exec)
            .await?
    };
}
pub(crate) use write_audit;

impl Store {
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT at, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(AuditRow {
                        at: r.try_get("at")?,
                        actor: r.try_get("actor")?,
                        action: r.try_get("action")?,
                        entity: r.try_get("entity")?,
                        entity_id: r.try_get("entity_id")?,
                        detail: r.try_get("detail")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
