//! Cash remitted: what each partner deposited at a station on a date, derived from the
//! lake like the facts and read through the same per-version cache.

mod references;

pub use references::DepositRef;
pub(crate) use references::insert_references;

use crate::db::{
    BUMP_VERSION, Dialect, Result, Store, delete_days_from, map_rows, on_pool, placeholders,
};
use chrono::NaiveDate;
use sqlx::Row;
use std::sync::Arc;

/// Cash deposited by a partner at a station on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemitRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub amount_minor: i64,
    pub deposits: i64,
}

pub(crate) fn insert_remitted_sql<D: Dialect>(pool: &D, rows: usize) -> String {
    format!(
        "INSERT INTO daily_remitted (partner, station, date, amount_minor, deposits) VALUES {}",
        placeholders(pool, rows, 5)
    )
}

macro_rules! insert_remitted {
    ($pool:expr, $exec:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::db::ROWS_PER_STATEMENT) {
            let sql = $crate::cod::insert_remitted_sql($pool, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(&r.partner)
                    .bind(&r.station)
                    .bind(r.date)
                    .bind(r.amount_minor)
                    .bind(r.deposits);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use insert_remitted;

impl Store {
    /// Every deposit total, ordered by date, read once per data version.
    pub async fn all_remitted(&self) -> Result<Arc<Vec<RemitRow>>> {
        self.cached(self.load_remitted()).await
    }

    async fn load_remitted(&self) -> Result<Vec<RemitRow>> {
        let rows = on_pool!(self, |pool| {
            let q = sqlx::query(
                "SELECT partner, station, date, amount_minor, deposits FROM daily_remitted ORDER BY date, station, partner",
            );
            map_rows!(q, pool, |r| RemitRow {
                partner: r.try_get("partner")?,
                station: r.try_get("station")?,
                date: r.try_get("date")?,
                amount_minor: r.try_get("amount_minor")?,
                deposits: r.try_get("deposits")?,
            })
        });
        Ok(rows)
    }

    /// Replaces the deposits of the given station-days, in one transaction.
    pub async fn replace_remitted(
        &self,
        days: &[(String, NaiveDate)],
        rows: &[RemitRow],
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            delete_days_from!(pool, &mut *tx, "daily_remitted", days);
            insert_remitted!(pool, &mut *tx, rows);
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
