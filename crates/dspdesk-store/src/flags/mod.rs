//! Flags: what the data shows about a partner or station now (a defaulting partner, …),
//! opened when first shown and cleared when no longer shown.

use crate::db::{Result, Store, on_pool, vocabulary};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::flags::FlagKind;
use sqlx::Row;
use std::collections::HashSet;

/// A flag as the data shows it now.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFlag {
    pub kind: FlagKind,
    pub partner: String,
    pub station: String,
    pub subject: String,
    pub reason: String,
    /// The numbers behind the reason, as JSON.
    pub numbers: String,
    /// The day or week end the data showed it on.
    pub data_date: NaiveDate,
}

impl NewFlag {
    /// What makes two flags the same flag on two runs.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.kind, self.partner, self.station, self.subject
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagRow {
    pub id: i64,
    pub kind: FlagKind,
    pub partner: String,
    pub station: String,
    pub subject: String,
    pub reason: String,
    pub numbers: String,
    pub data_date: NaiveDate,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
}

/// What a flag refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FlagSync {
    pub opened: u64,
    pub kept: u64,
    pub cleared: u64,
}

impl Store {
    /// Brings the flags table in line with what the data shows now: new flags open,
    /// open ones seen again are updated, open ones no longer shown are cleared.
    pub async fn sync_flags(&self, current: &[NewFlag]) -> Result<FlagSync> {
        let now = Utc::now();
        let mut sync = FlagSync::default();
        let keys: HashSet<String> = current.iter().map(NewFlag::key).collect();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let open: Vec<(i64, String)> =
                sqlx::query("SELECT id, key FROM flags WHERE cleared_at IS NULL")
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("key")?)))
                    .collect::<Result<_, sqlx::Error>>()?;
            let open_keys: HashSet<&str> = open.iter().map(|(_, k)| k.as_str()).collect();
            for (id, key) in &open {
                if !keys.contains(key) {
                    sqlx::query("UPDATE flags SET cleared_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                    sync.cleared += 1;
                }
            }
            for f in current {
                let key = f.key();
                if open_keys.contains(key.as_str()) {
                    sqlx::query(
                        "UPDATE flags SET reason = $1, numbers = $2, data_date = $3, last_seen = $4 WHERE key = $5 AND cleared_at IS NULL",
                    )
                    .bind(&f.reason)
                    .bind(&f.numbers)
                    .bind(f.data_date)
                    .bind(now)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
                    sync.kept += 1;
                } else {
                    sqlx::query(
                        "INSERT INTO flags (kind, key, partner, station, subject, reason, numbers, data_date, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                    )
                    .bind(f.kind.as_str())
                    .bind(&key)
                    .bind(&f.partner)
                    .bind(&f.station)
                    .bind(&f.subject)
                    .bind(&f.reason)
                    .bind(&f.numbers)
                    .bind(f.data_date)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sync.opened += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(sync)
    }

    /// Flags, open ones only unless `cleared` too, newest first.
    pub async fn flags(&self, include_cleared: bool) -> Result<Vec<FlagRow>> {
        let sql = if include_cleared {
            "SELECT id, kind, partner, station, subject, reason, numbers, data_date, first_seen, last_seen, cleared_at FROM flags ORDER BY id DESC"
        } else {
            "SELECT id, kind, partner, station, subject, reason, numbers, data_date, first_seen, last_seen, cleared_at FROM flags WHERE cleared_at IS NULL ORDER BY id DESC"
        };
        let rows = on_pool!(self, |pool| {
            sqlx::query(sql)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(FlagRow {
                        id: r.try_get("id")?,
                        kind: vocabulary(r.try_get("kind")?, "kind", FlagKind::parse)?,
                        partner: r.try_get("partner")?,
                        station: r.try_get("station")?,
                        subject: r.try_get("subject")?,
                        reason: r.try_get("reason")?,
                        numbers: r.try_get("numbers")?,
                        data_date: r.try_get("data_date")?,
                        first_seen: r.try_get("first_seen")?,
                        last_seen: r.try_get("last_seen")?,
                        cleared_at: r.try_get("cleared_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
