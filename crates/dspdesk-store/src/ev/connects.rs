//! The EV vendors (audited) and the connects: each a follow-up of kind `ev_connect`
//! with its vendor, meeting date, attendees, outcome and next step here, written with
//! the follow-up in one transaction.

use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use crate::followups::{Edit, NewFollowup, NewNotification, apply_edit, insert_followup};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVendor {
    pub name: String,
    pub vehicles: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VendorRow {
    pub id: i64,
    pub name: String,
    pub vehicles: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

/// A connect's own fields (its follow-up holds the rest).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConnectRow {
    pub followup_id: i64,
    pub vendor_id: i64,
    pub meeting_date: NaiveDate,
    pub attendees: String,
    pub outcome: String,
    pub next_step: String,
    pub next_id: Option<i64>,
    pub reminded_at: Option<DateTime<Utc>>,
}

macro_rules! connect_row {
    ($r:expr) => {
        ConnectRow {
            followup_id: $r.try_get("followup_id")?,
            vendor_id: $r.try_get("vendor_id")?,
            meeting_date: $r.try_get("meeting_date")?,
            attendees: $r.try_get("attendees")?,
            outcome: $r.try_get("outcome")?,
            next_step: $r.try_get("next_step")?,
            next_id: $r.try_get("next_id")?,
            reminded_at: $r.try_get("reminded_at")?,
        }
    };
}

const CONNECT_COLUMNS: &str =
    "followup_id, vendor_id, meeting_date, attendees, outcome, next_step, next_id, reminded_at";

/// Inserts a connect's follow-up, its notifications and its row: the follow-up's id.
macro_rules! insert_connect {
    ($tx:expr, $f:expr, $notes:expr, $vendor:expr, $date:expr, $attendees:expr) => {{
        let id: i64 = insert_followup!($tx, $f);
        crate::followups::insert_notes!($tx, Some(id), $f.opened_at, $notes);
        sqlx::query("INSERT INTO ev_connects (followup_id, vendor_id, meeting_date, attendees) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind($vendor)
            .bind($date)
            .bind($attendees)
            .execute($tx)
            .await?;
        id
    }};
}

/// What scheduling a connect writes: its follow-up with notifications, and its fields.
#[derive(Debug, Clone)]
pub struct NewConnect<'a> {
    pub followup: &'a NewFollowup,
    pub notes: &'a [NewNotification],
    pub vendor_id: i64,
    pub meeting_date: NaiveDate,
    pub attendees: &'a str,
}

impl Store {
    /// Adds a vendor, audited: its id. A name already kept is refused.
    pub async fn add_vendor(&self, v: &NewVendor, by: &str, at: DateTime<Utc>) -> Result<i64> {
        let result = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO ev_vendors (name, vehicles, contact_name, contact_phone, contact_email, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(&v.name)
                .bind(&v.vehicles)
                .bind(&v.contact_name)
                .bind(&v.contact_phone)
                .bind(&v.contact_email)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match e.as_database_error() {
                    Some(d) if d.is_unique_violation() => StoreError::NotFound(format!("a vendor named {:?} is kept already", v.name)),
                    _ => StoreError::Sql(e),
                })?
                .try_get("id")?;
            write_audit!(
                &mut *tx,
                at,
                by,
                "add",
                "ev_vendor",
                id.to_string(),
                format!("{} ({})", v.name, v.vehicles)
            );
            tx.commit().await?;
            id
        });
        Ok(result)
    }

    pub async fn vendors(&self) -> Result<Vec<VendorRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT id, name, vehicles, contact_name, contact_phone, contact_email, added_by, added_at FROM ev_vendors ORDER BY name")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(VendorRow {
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        vehicles: r.try_get("vehicles")?,
                        contact_name: r.try_get("contact_name")?,
                        contact_phone: r.try_get("contact_phone")?,
                        contact_email: r.try_get("contact_email")?,
                        added_by: r.try_get("added_by")?,
                        added_at: r.try_get("added_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Schedules a connect: its follow-up, notifications and fields in one transaction.
    pub async fn schedule_connect(&self, c: &NewConnect<'_>) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id = insert_connect!(
                &mut *tx,
                c.followup,
                c.notes,
                c.vendor_id,
                c.meeting_date,
                c.attendees
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Every connect's fields, newest meeting first.
    pub async fn connects(&self) -> Result<Vec<ConnectRow>> {
        let sql = format!(
            "SELECT {CONNECT_COLUMNS} FROM ev_connects ORDER BY meeting_date DESC, followup_id DESC"
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok(connect_row!(r)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Records a connect's outcome and next step and resolves its follow-up (`resolve`,
    /// which expects the state it was read in), scheduling the next connect when one is
    /// given, all in one transaction: nothing is written when another hand resolved it
    /// meanwhile.
    pub async fn record_connect(
        &self,
        followup: i64,
        outcome: &str,
        next_step: &str,
        resolve: &Edit,
        next: Option<&NewConnect<'_>>,
    ) -> Result<Option<i64>> {
        let next_id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let next_id: Option<i64> = match next {
                Some(c) => Some(insert_connect!(
                    &mut *tx,
                    c.followup,
                    c.notes,
                    c.vendor_id,
                    c.meeting_date,
                    c.attendees
                )),
                None => None,
            };
            let n = sqlx::query("UPDATE ev_connects SET outcome = $1, next_step = $2, next_id = COALESCE($3, next_id) WHERE followup_id = $4")
                .bind(outcome)
                .bind(next_step)
                .bind(next_id)
                .bind(followup)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("connect {followup}")));
            }
            apply_edit!(&mut *tx, followup, resolve);
            tx.commit().await?;
            next_id
        });
        Ok(next_id)
    }

    /// Marks a connect reminded and stores the reminder's notifications, once: `false`
    /// when it already was.
    pub async fn mark_connect_reminded(
        &self,
        followup: i64,
        notes: &[NewNotification],
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE ev_connects SET reminded_at = $1 WHERE followup_id = $2 AND reminded_at IS NULL")
                .bind(at)
                .bind(followup)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                crate::followups::insert_notes!(&mut *tx, Some(followup), at, notes);
                tx.commit().await?;
            }
            n == 1
        });
        Ok(done)
    }
}
