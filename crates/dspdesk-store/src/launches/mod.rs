//! Launches: the checklist template, each launch with its items, items marked done with
//! their evidence; every change audited in its transaction.

use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TemplateItem {
    pub id: i64,
    pub gate: i64,
    pub title: String,
    pub mandatory: bool,
}

/// Whose checklist: a launch's, or an applicant's in onboarding (the same machinery:
/// items copied from the template's checklist of that kind, gates, owners, evidence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checklist<'a> {
    Launch(i64),
    Onboarding(&'a str),
}

impl Checklist<'_> {
    /// The template's checklist and the audit's entity.
    pub fn kind(&self) -> &'static str {
        match self {
            Checklist::Launch(_) => "launch",
            Checklist::Onboarding(_) => "onboarding",
        }
    }

    /// The items' table, its key column and that column's type.
    fn table(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            Checklist::Launch(_) => ("launch_items", "launch_id", "BIGINT"),
            Checklist::Onboarding(_) => ("onboarding_items", "partner", "TEXT"),
        }
    }

    fn key(&self) -> String {
        match self {
            Checklist::Launch(id) => id.to_string(),
            Checklist::Onboarding(p) => (*p).to_owned(),
        }
    }
}

impl std::fmt::Display for Checklist<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Checklist::Launch(id) => write!(f, "launch {id}"),
            Checklist::Onboarding(p) => write!(f, "{p}'s onboarding"),
        }
    }
}

/// The kinds of checklist the template holds.
pub const CHECKLISTS: [&str; 2] = ["launch", "onboarding"];

/// A checklist item from a row of `launch_items` or `onboarding_items`.
macro_rules! item_of {
    ($r:expr) => {
        ChecklistItem {
            id: $r.try_get("id")?,
            gate: $r.try_get::<i64, _>("gate")?,
            title: $r.try_get("title")?,
            mandatory: $r.try_get("mandatory")?,
            owner: $r.try_get("owner")?,
            evidence: $r.try_get("evidence")?,
            file_sha: $r.try_get("file_sha")?,
            file_name: $r.try_get("file_name")?,
            file_type: $r.try_get("file_type")?,
            done_by: $r.try_get("done_by")?,
            done_at: $r.try_get("done_at")?,
        }
    };
}
pub(crate) use item_of;

/// The columns `item_of!` reads.
pub(crate) const ITEM_COLUMNS: &str =
    "id, gate, title, mandatory, owner, evidence, file_sha, file_name, file_type, done_by, done_at";

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChecklistItem {
    pub id: i64,
    pub gate: i64,
    pub title: String,
    pub mandatory: bool,
    pub owner: String,
    pub evidence: String,
    /// A file kept as evidence: (sha256, name, type); empty when none.
    pub file_sha: String,
    pub file_name: String,
    pub file_type: String,
    pub done_by: String,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LaunchRow {
    pub id: i64,
    /// Empty for a new station's launch.
    pub partner: String,
    pub station: String,
    pub target_date: NaiveDate,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub items: Vec<ChecklistItem>,
}

impl Store {
    /// The template's items of one checklist (`launch` or `onboarding`).
    pub async fn launch_template(&self, checklist: &str) -> Result<Vec<TemplateItem>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT id, gate, title, mandatory FROM launch_template WHERE checklist = $1 ORDER BY gate, id")
                .bind(checklist)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(TemplateItem {
                        id: r.try_get("id")?,
                        gate: r.try_get("gate")?,
                        title: r.try_get("title")?,
                        mandatory: r.try_get("mandatory")?,
                    })
                })
                .collect::<std::result::Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Adds an item to a checklist of the template (`remove`: deletes its item with that
    /// `id`), audited.
    pub async fn edit_launch_template(
        &self,
        checklist: &str,
        add: Option<(i64, &str, bool)>,
        remove: Option<i64>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            if let Some((gate, title, mandatory)) = add {
                sqlx::query(
                    "INSERT INTO launch_template (gate, title, mandatory, checklist) VALUES ($1, $2, $3, $4)",
                )
                .bind(gate)
                .bind(title)
                .bind(mandatory)
                .bind(checklist)
                .execute(&mut *tx)
                .await?;
                write_audit!(
                    &mut *tx,
                    at,
                    by,
                    "add",
                    "launch_template",
                    format!("{checklist} gate {gate}"),
                    title.to_owned()
                );
            }
            if let Some(id) = remove {
                let n = sqlx::query("DELETE FROM launch_template WHERE id = $1 AND checklist = $2")
                    .bind(id)
                    .bind(checklist)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound(format!(
                        "{checklist} template item {id}"
                    )));
                }
                write_audit!(
                    &mut *tx,
                    at,
                    by,
                    "remove",
                    "launch_template",
                    id.to_string(),
                    String::new()
                );
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Creates a launch with a copy of the template's items, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_launch(
        &self,
        partner: &str,
        station: &str,
        target: NaiveDate,
        note: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO launches (partner, station, target_date, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(partner)
                .bind(station)
                .bind(target)
                .bind(note)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            sqlx::query("INSERT INTO launch_items (launch_id, gate, title, mandatory) SELECT $1, gate, title, mandatory FROM launch_template WHERE checklist = 'launch' ORDER BY gate, id")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            write_audit!(
                &mut *tx,
                at,
                by,
                "create",
                "launch",
                id.to_string(),
                format!("{partner} {station} target {target}")
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Marks an item of a checklist done with its evidence (a note, and a file kept as
    /// (sha256, name, type) or empty), only while it is open, audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish_checklist_item(
        &self,
        list: Checklist<'_>,
        item: i64,
        evidence: &str,
        file: (&str, &str, &str),
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (table, key, ty) = list.table();
        let sql = format!(
            "UPDATE {table} SET done_by = $1, done_at = $2, evidence = $3, file_sha = $6, file_name = $7, file_type = $8 WHERE id = $4 AND {key} = CAST($5 AS {ty}) AND done_at IS NULL"
        );
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(by)
                .bind(at)
                .bind(evidence)
                .bind(item)
                .bind(list.key())
                .bind(file.0)
                .bind(file.1)
                .bind(file.2)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("open item {item} of {list}")));
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                "done",
                list.kind(),
                list.key(),
                format!("item {item}: {evidence}")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Gives an open item of a checklist to an owner, audited.
    pub async fn assign_checklist_item(
        &self,
        list: Checklist<'_>,
        item: i64,
        owner: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (table, key, ty) = list.table();
        let sql = format!(
            "UPDATE {table} SET owner = $1 WHERE id = $2 AND {key} = CAST($3 AS {ty}) AND done_at IS NULL"
        );
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(item)
                .bind(list.key())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("open item {item} of {list}")));
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                "assign",
                list.kind(),
                list.key(),
                format!("item {item} to {owner}")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every launch with its items, newest target last.
    pub async fn launches(&self) -> Result<Vec<LaunchRow>> {
        let rows = on_pool!(self, |pool| {
            let heads = sqlx::query("SELECT id, partner, station, target_date, note, created_by, created_at FROM launches ORDER BY target_date, id")
                .fetch_all(pool)
                .await?;
            let items = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT launch_id, {ITEM_COLUMNS} FROM launch_items ORDER BY gate, id"
            )))
            .fetch_all(pool)
            .await?;
            let mut out = Vec::with_capacity(heads.len());
            for r in &heads {
                out.push(LaunchRow {
                    id: r.try_get("id")?,
                    partner: r.try_get("partner")?,
                    station: r.try_get("station")?,
                    target_date: r.try_get("target_date")?,
                    note: r.try_get("note")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                    items: Vec::new(),
                });
            }
            for r in &items {
                let launch: i64 = r.try_get("launch_id")?;
                if let Some(l) = out.iter_mut().find(|l| l.id == launch) {
                    l.items.push(item_of!(r));
                }
            }
            out
        });
        Ok(rows)
    }
}
