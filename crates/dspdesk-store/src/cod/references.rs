//! The reference of every stored deposit, by station-day: what a remittance load
//! checks its references against (a reference is unique per partner), by lookup.

use crate::db::{Result, Store, delete_days_from, map_rows, on_pool, placeholders};
use chrono::NaiveDate;
use sqlx::Row;

/// One deposit's reference, where it is stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DepositRef {
    pub partner: String,
    pub reference: String,
    pub station: String,
    pub date: NaiveDate,
}

macro_rules! insert_references {
    ($pool:expr, $exec:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::db::ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO deposit_references (partner, reference, station, date) VALUES {}",
                $crate::db::placeholders($pool, chunk.len(), 4)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(&r.partner)
                    .bind(&r.reference)
                    .bind(&r.station)
                    .bind(r.date);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use insert_references;

impl Store {
    /// The stored deposits that carry any of `keys` (partner, reference), wherever
    /// they are stored.
    pub async fn stored_references(&self, keys: &[(String, String)]) -> Result<Vec<DepositRef>> {
        let mut refs: Vec<&str> = keys.iter().map(|k| k.1.as_str()).collect();
        refs.sort_unstable();
        refs.dedup();
        let wanted: std::collections::HashSet<(&str, &str)> =
            keys.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
        let mut out = Vec::new();
        for group in refs.chunks(crate::db::ROWS_PER_STATEMENT) {
            let rows: Vec<DepositRef> = on_pool!(self, |pool| {
                let sql = format!(
                    "SELECT partner, reference, station, date FROM deposit_references
                     WHERE reference IN {}",
                    placeholders(pool, 1, group.len())
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in group {
                    q = q.bind(*r);
                }
                map_rows!(q, pool, |r| DepositRef {
                    partner: r.try_get("partner")?,
                    reference: r.try_get("reference")?,
                    station: r.try_get("station")?,
                    date: r.try_get("date")?,
                })
            });
            out.extend(
                rows.into_iter()
                    .filter(|d| wanted.contains(&(d.partner.as_str(), d.reference.as_str()))),
            );
        }
        out.sort();
        Ok(out)
    }

    /// The stored station-days of the deposits' lake files (`kind`), with their path,
    /// whose references are not recorded: those loaded before references were, to be
    /// read once from the lake. Only while that is pending (one row to look at):
    /// otherwise every recorded day would be compared on every load.
    pub async fn unindexed_deposit_days(
        &self,
        kind: &str,
    ) -> Result<Vec<(String, NaiveDate, String)>> {
        let rows = on_pool!(self, |pool| {
            let pending = sqlx::query("SELECT id FROM deposit_references_pending")
                .fetch_optional(pool)
                .await?
                .is_some();
            if !pending {
                return Ok(Vec::new());
            }
            let q = sqlx::query(
                "SELECT f.station, f.date, f.path FROM lake_files f
                 WHERE f.kind = $1 AND f.rows > 0
                   AND NOT EXISTS (SELECT 1 FROM deposit_references r
                                   WHERE r.station = f.station AND r.date = f.date)
                 ORDER BY f.date, f.station",
            )
            .bind(kind);
            map_rows!(q, pool, |r| (
                r.try_get("station")?,
                r.try_get("date")?,
                r.try_get("path")?
            ))
        });
        Ok(rows)
    }

    /// Records the references read from the lake for `days` (those
    /// [`Store::unindexed_deposit_days`] listed) as `refs`, replacing what was recorded
    /// for them, and ends the pending read, in one transaction.
    pub async fn index_references(
        &self,
        days: &[(String, NaiveDate)],
        refs: &[DepositRef],
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            delete_days_from!(pool, &mut *tx, "deposit_references", days);
            insert_references!(pool, &mut *tx, refs);
            sqlx::query("DELETE FROM deposit_references_pending")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Forgets the recorded references of `days` and has the next remittance load read
    /// them from the lake again: the state a database from before references were
    /// recorded is in, and the repair if they were ever in doubt.
    pub async fn forget_references(&self, days: &[(String, NaiveDate)]) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            delete_days_from!(pool, &mut *tx, "deposit_references", days);
            sqlx::query(
                "INSERT INTO deposit_references_pending (id) VALUES (1) ON CONFLICT DO NOTHING",
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
