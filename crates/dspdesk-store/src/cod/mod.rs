//! Cash remitted: what each partner deposited at a station on a date, derived from the
//! lake like the facts and read through the same per-version cache.

mod references;

pub use references::DepositRef;
pub(crate) use references::insert_references;

use crate::db::{
    BUMP_VERSION, BulkRow, Cell, Result, Store, delete_days_from, insert_rows, map_rows, on_pool,
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

impl BulkRow for RemitRow {
    const TABLE: &'static str = "daily_remitted";
    const COLUMNS: &'static [&'static str] =
        &["partner", "station", "date", "amount_minor", "deposits"];
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        out.extend([
            Cell::Text(&self.partner),
            Cell::Text(&self.station),
            Cell::Date(self.date),
            Cell::I64(self.amount_minor),
            Cell::I64(self.deposits),
        ]);
    }
}

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
            insert_rows(pool, &mut *tx, rows).await?;
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
