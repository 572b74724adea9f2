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

/// Which audit rows to read, for the audit log screen.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// The actor as recorded (`web:asha`), or a user name matched against any surface.
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

macro_rules! audit_row {
    ($r:expr) => {{
        let r = $r;
        AuditRow {
            at: r.try_get("at")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            entity: r.try_get("entity")?,
            entity_id: r.try_get("entity_id")?,
            detail: r.try_get("detail")?,
        }
    }};
}

impl Store {
    /// Audit rows by the filter, newest first.
    pub async fn audit_search(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        let mut sql = String::from(
            "SELECT at, actor, action, entity, entity_id, detail FROM audit_log WHERE 1 = 1",
        );
        let mut texts: Vec<String> = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if let Some(a) = &f.actor {
            let (p1, p2) = (next(), next());
            sql.push_str(&format!(" AND (actor = {p1} OR actor LIKE {p2})"));
            texts.push(a.clone());
            texts.push(format!("%:{a}"));
        }
        if let Some(e) = &f.entity {
            sql.push_str(&format!(" AND entity = {}", next()));
            texts.push(e.clone());
        }
        if let Some(e) = &f.entity_id {
            sql.push_str(&format!(" AND entity_id = {}", next()));
            texts.push(e.clone());
        }
        let from = f.from.map(|_| next());
        let to = f.to.map(|_| next());
        if let Some(p) = &from {
            sql.push_str(&format!(" AND at >= {p}"));
        }
        if let Some(p) = &to {
            sql.push_str(&format!(" AND at < {p}"));
        }
        sql.push_str(&format!(
            " ORDER BY id DESC LIMIT {}",
            f.limit.clamp(1, 100_000)
        ));
        let rows = on_pool!(self, |pool| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for t in &texts {
                q = q.bind(t.clone());
            }
            if let Some(t) = f.from {
                q = q.bind(t);
            }
            if let Some(t) = f.to {
                q = q.bind(t);
            }
            let rows = q.fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(audit_row!(r));
            }
            out
        });
        Ok(rows)
    }

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
