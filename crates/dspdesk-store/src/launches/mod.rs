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

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LaunchItem {
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
    pub items: Vec<LaunchItem>,
}

impl Store {
    pub async fn launch_template(&self) -> Result<Vec<TemplateItem>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT id, gate, title, mandatory FROM launch_template ORDER BY gate, id")
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

    /// Adds an item to the template (`remove`: deletes the one with `id`), audited.
    pub async fn edit_launch_template(
        &self,
        add: Option<(i64, &str, bool)>,
        remove: Option<i64>,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            if let Some((gate, title, mandatory)) = add {
                sqlx::query(
                    "INSERT INTO launch_template (gate, title, mandatory) VALUES ($1, $2, $3)",
                )
                .bind(gate)
                .bind(title)
                .bind(mandatory)
                .execute(&mut *tx)
                .await?;
                write_audit!(
                    &mut *tx,
                    at,
                    by,
                    "add",
                    "launch_template",
                    gate.to_string(),
                    title.to_owned()
                );
            }
            if let Some(id) = remove {
                let n = sqlx::query("DELETE FROM launch_template WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound(format!("template item {id}")));
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
            sqlx::query("INSERT INTO launch_items (launch_id, gate, title, mandatory) SELECT $1, gate, title, mandatory FROM launch_template ORDER BY gate, id")
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

    /// Marks an item of a launch done with its evidence (a note, and a file kept as
    /// (sha256, name, type) or empty), only while it is open, audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish_launch_item(
        &self,
        launch: i64,
        item: i64,
        evidence: &str,
        file: (&str, &str, &str),
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE launch_items SET done_by = $1, done_at = $2, evidence = $3, file_sha = $6, file_name = $7, file_type = $8 WHERE id = $4 AND launch_id = $5 AND done_at IS NULL")
                .bind(by)
                .bind(at)
                .bind(evidence)
                .bind(item)
                .bind(launch)
                .bind(file.0)
                .bind(file.1)
                .bind(file.2)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "open item {item} of launch {launch}"
                )));
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                "done",
                "launch",
                launch.to_string(),
                format!("item {item}: {evidence}")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Gives an open item of a launch to an owner, audited.
    pub async fn assign_launch_item(
        &self,
        launch: i64,
        item: i64,
        owner: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE launch_items SET owner = $1 WHERE id = $2 AND launch_id = $3 AND done_at IS NULL")
                .bind(owner)
                .bind(item)
                .bind(launch)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!(
                    "open item {item} of launch {launch}"
                )));
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                "assign",
                "launch",
                launch.to_string(),
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
            let items = sqlx::query("SELECT id, launch_id, gate, title, mandatory, owner, evidence, file_sha, file_name, file_type, done_by, done_at FROM launch_items ORDER BY gate, id")
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
                    l.items.push(LaunchItem {
                        id: r.try_get("id")?,
                        gate: r.try_get::<i64, _>("gate")?,
                        title: r.try_get("title")?,
                        mandatory: r.try_get("mandatory")?,
                        owner: r.try_get("owner")?,
                        evidence: r.try_get("evidence")?,
                        file_sha: r.try_get("file_sha")?,
                        file_name: r.try_get("file_name")?,
                        file_type: r.try_get("file_type")?,
                        done_by: r.try_get("done_by")?,
                        done_at: r.try_get("done_at")?,
                    });
                }
            }
            out
        });
        Ok(rows)
    }
}
