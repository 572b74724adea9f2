//! Daily facts per partner × station × date: the additive counts of `metrics.md`.
//! Screens read them far more often than ingests change them, so every read goes
//! through one copy kept per data version.

use crate::db::{Dialect, Result, Store, on_pool, placeholders};
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

pub(crate) fn insert_sql<D: Dialect>(pool: &D, rows: usize) -> String {
    format!(
        "INSERT INTO daily_facts (partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost, nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed) VALUES {}",
        placeholders(pool, rows, 16)
    )
}

/// Inserts fact rows on an executor (a transaction), in chunks.
macro_rules! insert_facts {
    ($pool:expr, $exec:expr, $facts:expr) => {
        for chunk in $facts.chunks($crate::db::ROWS_PER_STATEMENT) {
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
        Ok(crate::db::dated_between(&all, |r| r.date, from, to)
            .iter()
            .filter(|f| scope.allows(&f.partner, &f.station))
            .cloned()
            .collect())
    }

    /// Every fact, read once per data version.
    async fn all_facts(&self) -> Result<Arc<Vec<FactRow>>> {
        self.cached(self.load_facts()).await
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
