//! Daily facts per partner × station × date: the additive counts of `metrics.md`.

use crate::{Result, Store, on_pool};
use chrono::NaiveDate;
use dspdesk_core::{Counts, Scope};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub counts: Counts,
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
    /// Replaces the facts of the given station-days with `facts`, in one transaction.
    pub async fn replace_facts(
        &self,
        days: &[(String, NaiveDate)],
        facts: &[FactRow],
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            delete_fact_days!(pool, &mut *tx, days);
            insert_facts!(pool, &mut *tx, facts);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Facts with `from <= date <= to`, ordered by date, station, partner.
    pub async fn facts_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<FactRow>> {
        self.facts_in_scope(from, to, &Scope::All).await
    }

    /// Facts with `from <= date <= to` that `scope` may see, ordered by date, station,
    /// partner. Every screen and API reads facts through this.
    pub async fn facts_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<FactRow>> {
        let (column, codes): (&str, Vec<&String>) = match scope {
            Scope::All => ("", Vec::new()),
            Scope::Partners(p) => ("partner", p.iter().collect()),
            Scope::Stations(s) => ("station", s.iter().collect()),
        };
        if !column.is_empty() && codes.is_empty() {
            return Ok(Vec::new());
        }
        let filter = if column.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = (0..codes.len()).map(|i| format!("${}", i + 3)).collect();
            format!(" AND {column} IN ({})", list.join(","))
        };
        let sql = format!(
            "SELECT partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost, nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed
             FROM daily_facts WHERE date >= $1 AND date <= $2{filter} ORDER BY date, station, partner"
        );
        let rows = on_pool!(self, |pool| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(from).bind(to);
            for c in &codes {
                q = q.bind(*c);
            }
            q.fetch_all(pool)
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
        let range = on_pool!(self, |pool| {
            let r = sqlx::query("SELECT MIN(date) AS lo, MAX(date) AS hi FROM daily_facts")
                .fetch_one(pool)
                .await?;
            match (
                r.try_get::<Option<NaiveDate>, _>("lo")?,
                r.try_get::<Option<NaiveDate>, _>("hi")?,
            ) {
                (Some(lo), Some(hi)) => Some((lo, hi)),
                _ => None,
            }
        });
        Ok(range)
    }
}
