//! Reviews: the record of a DSP review or a weekly business review. Its action items
//! are follow-ups (subject `review:<id>`), written with it in one transaction.

use crate::db::{Result, Store, on_pool, write_audit};
use crate::followups::{NewFollowup, NewNotification, insert_followup};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::Scope;
use dspdesk_core::reviews::ReviewKind;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct NewReview {
    pub kind: ReviewKind,
    pub date: NaiveDate,
    /// Empty for a station's or the network's review.
    pub partner: String,
    /// Empty for a partner's or the network's review.
    pub station: String,
    pub attendees: String,
    pub notes: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewRow {
    pub id: i64,
    pub kind: ReviewKind,
    pub date: NaiveDate,
    pub partner: String,
    pub station: String,
    pub attendees: String,
    pub notes: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// The subject that ties an action item to its review.
pub fn review_subject(id: i64) -> String {
    format!("review:{id}")
}

macro_rules! review_row {
    ($r:expr) => {{
        let r = $r;
        ReviewRow {
            id: r.try_get("id")?,
            kind: crate::db::vocabulary(r.try_get("kind")?, "kind", ReviewKind::parse)?,
            date: r.try_get("date")?,
            partner: r.try_get("partner")?,
            station: r.try_get("station")?,
            attendees: r.try_get("attendees")?,
            notes: r.try_get("notes")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        }
    }};
}

const COLUMNS: &str = "id, kind, date, partner, station, attendees, notes, created_by, created_at";

impl Store {
    /// Records a review and its action items, with their history and each item's
    /// notifications (`notes[i]` for `items[i]`), in one transaction; the items' subject
    /// is set to the review. Returns the review's id.
    pub async fn create_review(
        &self,
        r: &NewReview,
        items: &[NewFollowup],
        notes: &[Vec<NewNotification>],
    ) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO reviews (kind, date, partner, station, attendees, notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
                .bind(r.kind.as_str())
                .bind(r.date)
                .bind(&r.partner)
                .bind(&r.station)
                .bind(&r.attendees)
                .bind(&r.notes)
                .bind(&r.created_by)
                .bind(r.created_at)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            write_audit!(
                &mut *tx,
                r.created_at,
                &r.created_by,
                "create",
                "review",
                id.to_string(),
                format!(
                    "{} on {} {}{} with {} action items",
                    r.kind,
                    r.date,
                    r.partner,
                    r.station,
                    items.len()
                )
            );
            for (i, item) in items.iter().enumerate() {
                let mut f = item.clone();
                f.subject = review_subject(id);
                let item_id: i64 = insert_followup!(&mut *tx, &f);
                if let Some(n) = notes.get(i) {
                    crate::followups::insert_notes!(&mut *tx, Some(item_id), r.created_at, n);
                }
            }
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn review(&self, id: i64) -> Result<Option<ReviewRow>> {
        let sql = format!("SELECT {COLUMNS} FROM reviews WHERE id = $1");
        let row = on_pool!(self, |pool| {
            match sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
            {
                Some(r) => Some(review_row!(&r)),
                None => None,
            }
        });
        Ok(row)
    }

    /// One page of the newest reviews the scope sees: a partner's by the partner rule, a
    /// station's by the station rule, the network's only by those who see everything.
    pub async fn reviews(&self, scope: &Scope, limit: i64, offset: i64) -> Result<Vec<ReviewRow>> {
        let mut cond = String::from(" WHERE 1 = 1");
        let mut binds = Vec::new();
        crate::followups::scope_clause(&mut cond, &mut binds, scope);
        let sql = format!(
            "SELECT {COLUMNS} FROM reviews{cond} ORDER BY date DESC, id DESC LIMIT {} OFFSET {}",
            limit.clamp(1, 10_000),
            offset.max(0)
        );
        let rows = on_pool!(self, |pool| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for b in &binds {
                q = q.bind(b.clone());
            }
            let rows = q.fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(review_row!(r));
            }
            out
        });
        Ok(rows)
    }
}
