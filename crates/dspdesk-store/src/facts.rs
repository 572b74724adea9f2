//! Daily facts per partner × station × date: the additive counts of `metrics.md`.

use crate::{Result, Store, on_pool};
use chrono::NaiveDate;
use dspdesk_core::{Counts, Scope};
use sqlx::Row;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub counts: Counts,
}

/// Marks the facts as changed; in the same transaction as the change.
pub(crate) const BUMP_VERSION: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1";

/// The facts as last read, with the data version they were read at.
#[derive(Debug, Default)]
pub(crate) struct FactsCache {
    inner: std::sync::RwLock<Option<(i64, Arc<Vec<FactRow>>)>>,
    pub(crate) remitted: std::sync::RwLock<Option<(i64, Arc<Vec<crate::scorecard::RemitRow>>)>>,
}

pub(crate) fn insert_sql<D: crate::Dialect>(pool: &D, rows: usize) -> String {
    format!(
        "INSERT INTO daily_facts (partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost, nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed) VALUES {}",
        crate::placeholders(pool, rows, 16)
    )
}

pub(crate) fn delete_days_sql<D: crate::Dialect>(pool: &D, days: usize) -> String {
    format!(
        "DELETE FROM daily_facts WHERE (station, date) IN (VALUES {})",
        crate::placeholders(pool, days, 2)
    )
}

/// Deletes the facts of station-days on an executor (a transaction), in chunks.
macro_rules! delete_fact_days {
    ($pool:expr, $exec:expr, $days:expr) => {
        for chunk in $days.chunks($crate::ROWS_PER_STATEMENT) {
            let sql = $crate::facts::delete_days_sql($pool, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (station, date) in chunk {
                q = q.bind(station).bind(*date);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use delete_fact_days;

/// Inserts fact rows on an executor (a transaction), in chunks.
macro_rules! insert_facts {
    ($pool:expr, $exec:expr, $facts:expr) => {
        for chunk in $facts.chunks($crate::ROWS_PER_STATEMENT) {
            let sql = $crate::facts::insert_sql($pool, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for f in chunk {
                let c = &f.counts;
                q = q
                    .bind(&f.partner)
                    .bind(&f.station)
                    .bind(f.date)
                    .bind(c.dispatched)
                    .bind(c.delivered)
                    .bind(c.on_time)
                    .bind(c.attempted)
                    .bind(c.rejected)
                    .bind(c.rts)
                    .bind(c.lost)
                    .bind(c.nl_value_minor)
                    .bind(c.cod_due_minor)
                    .bind(c.vas_dispatched)
                    .bind(c.vas_delivered)
                    .bind(c.routes)
                    .bind(c.packages_routed);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use insert_facts;

impl Store {
    /// Replaces the facts and route blocks of the given station-days, in one
    /// transaction.
    pub async fn replace_facts(
        &self,
        days: &[(String, NaiveDate)],
        facts: &[FactRow],
        blocks: &[crate::BlockRow],
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            delete_fact_days!(pool, &mut *tx, days);
            insert_facts!(pool, &mut *tx, facts);
            crate::scorecard::delete_days_from!(pool, &mut *tx, "daily_blocks", days);
            crate::scorecard::insert_blocks!(pool, &mut *tx, blocks);
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Facts with `from <= date <= to`, ordered by date, station, partner.
    pub async fn facts_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<FactRow>> {
        self.facts_in_scope(from, to, &Scope::All).await
    }

    /// Facts with `from <= date <= to` that `scope` may see, ordered by date, station,
    /// partner. Every screen and API reads facts through this; the scope is applied
    /// here, never left to a caller.
    pub async fn facts_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<FactRow>> {
        let all = self.all_facts().await?;
        let start = all.partition_point(|f| f.date < from);
        let end = all.partition_point(|f| f.date <= to);
        Ok(all[start..end.max(start)]
            .iter()
            .filter(|f| scope.allows(&f.partner, &f.station))
            .cloned()
            .collect())
    }

    /// A number that changes whenever daily facts change, in any process.
    pub async fn data_version(&self) -> Result<i64> {
        let v = on_pool!(self, |pool| {
            sqlx::query("SELECT version FROM data_version WHERE id = 1")
                .fetch_one(pool)
                .await?
                .try_get::<i64, _>("version")?
        });
        Ok(v)
    }

    /// Every fact, from the cache while the data version is unchanged. A transaction
    /// that changes facts bumps the version, in whichever process it runs.
    async fn all_facts(&self) -> Result<Arc<Vec<FactRow>>> {
        let version = self.data_version().await?;
        if let Ok(cached) = self.facts.inner.read()
            && let Some((v, rows)) = cached.as_ref()
            && *v == version
        {
            return Ok(rows.clone());
        }
        let rows = Arc::new(self.load_facts().await?);
        if let Ok(mut cached) = self.facts.inner.write() {
            *cached = Some((version, rows.clone()));
        }
        Ok(rows)
    }

    async fn load_facts(&self) -> Result<Vec<FactRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost, nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed
                 FROM daily_facts ORDER BY date, station, partner",
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(FactRow {
                    partner: r.try_get("partner")?,
                    station: r.try_get("station")?,
                    date: r.try_get("date")?,
                    counts: Counts {
                        dispatched: r.try_get("dispatched")?,
                        delivered: r.try_get("delivered")?,
                        on_time: r.try_get("on_time")?,
                        attempted: r.try_get("attempted")?,
                        rejected: r.try_get("rejected")?,
                        rts: r.try_get("rts")?,
                        lost: r.try_get("lost")?,
                        nl_value_minor: r.try_get("nl_value_minor")?,
                        cod_due_minor: r.try_get("cod_due_minor")?,
                        vas_dispatched: r.try_get("vas_dispatched")?,
                        vas_delivered: r.try_get("vas_delivered")?,
                        routes: r.try_get("routes")?,
                        packages_routed: r.try_get("packages_routed")?,
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// The first and last date with facts.
    pub async fn facts_range(&self) -> Result<Option<(NaiveDate, NaiveDate)>> {
        let all = self.all_facts().await?;
        Ok(all.first().zip(all.last()).map(|(a, b)| (a.date, b.date)))
    }
}
