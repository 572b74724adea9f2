//! Improvement plans: what was issued to a partner and what people did with it; every
//! change with its audit row in the same transaction.

use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::Scope;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct NewPlan {
    pub partner: String,
    pub station: String,
    /// (metric, target)
    pub metrics: Vec<(String, f64)>,
    pub issued_on: NaiveDate,
    pub review_on: NaiveDate,
    pub note: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanRow {
    pub id: i64,
    pub partner: String,
    pub station: String,
    pub metrics: Vec<(String, f64)>,
    pub issued_on: NaiveDate,
    pub review_on: NaiveDate,
    pub note: String,
    pub state: String,
    pub outcome: String,
    pub issued_by: String,
    pub issued_at: DateTime<Utc>,
    pub notified_stalled: bool,
    pub notified_due: bool,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, partner, station, metrics, issued_on, review_on, note, state, outcome, issued_by, issued_at, notified_stalled, notified_due, updated_at";

macro_rules! plan_row {
    ($r:expr) => {{
        let r = $r;
        let raw: String = r.try_get("metrics")?;
        let metrics: Vec<(String, f64)> = serde_json::from_str::<Vec<serde_json::Value>>(&raw)
            .map_err(|e| sqlx::Error::ColumnDecode {
                index: "metrics".into(),
                source: e.into(),
            })?
            .into_iter()
            .map(|m| {
                (
                    m["metric"].as_str().unwrap_or_default().to_owned(),
                    m["target"].as_f64().unwrap_or_default(),
                )
            })
            .collect();
        PlanRow {
            id: r.try_get("id")?,
            partner: r.try_get("partner")?,
            station: r.try_get("station")?,
            metrics,
            issued_on: r.try_get("issued_on")?,
            review_on: r.try_get("review_on")?,
            note: r.try_get("note")?,
            state: r.try_get("state")?,
            outcome: r.try_get("outcome")?,
            issued_by: r.try_get("issued_by")?,
            issued_at: r.try_get("issued_at")?,
            notified_stalled: r.try_get("notified_stalled")?,
            notified_due: r.try_get("notified_due")?,
            updated_at: r.try_get("updated_at")?,
        }
    }};
}

impl Store {
    pub async fn create_plan(&self, p: &NewPlan) -> Result<i64> {
        let metrics = serde_json::Value::Array(
            p.metrics
                .iter()
                .map(|(m, t)| serde_json::json!({"metric": m, "target": t}))
                .collect(),
        )
        .to_string();
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO plans (partner, station, metrics, issued_on, review_on, note, state, issued_by, issued_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $8) RETURNING id")
                .bind(&p.partner)
                .bind(&p.station)
                .bind(&metrics)
                .bind(p.issued_on)
                .bind(p.review_on)
                .bind(&p.note)
                .bind(&p.issued_by)
                .bind(p.issued_at)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            write_audit!(
                &mut *tx,
                p.issued_at,
                &p.issued_by,
                "issue",
                "plan",
                id.to_string(),
                format!(
                    "{} {} {metrics}; review {}",
                    p.partner, p.station, p.review_on
                )
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn plan(&self, id: i64) -> Result<Option<PlanRow>> {
        let sql = format!("SELECT {COLUMNS} FROM plans WHERE id = $1");
        let row = on_pool!(self, |pool| {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
            {
                Some(r) => Some(plan_row!(&r)),
                None => None,
            }
        });
        Ok(row)
    }

    /// The plans the scope sees (a station manager: those at its stations), newest first.
    pub async fn plans(&self, scope: &Scope) -> Result<Vec<PlanRow>> {
        let sql = format!("SELECT {COLUMNS} FROM plans ORDER BY id DESC");
        let rows = on_pool!(self, |pool| {
            let mut out = Vec::new();
            for r in &sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
            {
                let p = plan_row!(r);
                if scope.allows(&p.partner, &p.station) {
                    out.push(p);
                }
            }
            out
        });
        Ok(rows)
    }

    #[allow(clippy::too_many_arguments)]
    /// Changes what people did with a plan (state, outcome, review date), audited,
    /// only if it is still in `from`.
    pub async fn update_plan(
        &self,
        id: i64,
        from: &str,
        to: &str,
        outcome: &str,
        review_on: NaiveDate,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE plans SET state = $1, outcome = $2, review_on = $3, notified_due = CASE WHEN review_on = $3 THEN notified_due ELSE FALSE END, updated_at = $4 WHERE id = $5 AND state = $6")
                .bind(to)
                .bind(outcome)
                .bind(review_on)
                .bind(at)
                .bind(id)
                .bind(from)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("plan {id} as it was")));
            }
            write_audit!(
                &mut *tx,
                at,
                actor,
                "state",
                "plan",
                id.to_string(),
                format!("{from} -> {to} {outcome} review {review_on}")
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Marks a plan's "not improving" (`stalled`) or "due" notification sent and writes
    /// the notifications, in one transaction: `true` only for the one caller that marks
    /// it first, and only while the plan is open with the review date it read.
    pub async fn mark_plan_notified(
        &self,
        id: i64,
        due: bool,
        review_on: NaiveDate,
        notes: &[crate::followups::NewNotification],
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let sql = if due {
            "UPDATE plans SET notified_due = TRUE WHERE id = $1 AND notified_due = FALSE AND review_on = $2 AND state <> 'closed'"
        } else {
            "UPDATE plans SET notified_stalled = TRUE WHERE id = $1 AND notified_stalled = FALSE AND review_on = $2 AND state <> 'closed'"
        };
        let done = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query(sql)
                .bind(id)
                .bind(review_on)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                crate::followups::insert_notes!(&mut *tx, None::<i64>, at, notes);
            }
            tx.commit().await?;
            n == 1
        });
        Ok(done)
    }
}
