//! Daily facts per partner × station × date: the additive counts of `metrics.md`.
//! Screens read them far more often than ingests change them, so every read goes
//! through one copy kept per data version: of the recent weeks, not the whole table.

use crate::db::{BulkRow, Cell, Result, Store, Window, map_rows, on_pool};
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

impl BulkRow for FactRow {
    const TABLE: &'static str = "daily_facts";
    const COLUMNS: &'static [&'static str] = &[
        "partner",
        "station",
        "date",
        "dispatched",
        "delivered",
        "on_time",
        "attempted",
        "rejected",
        "rts",
        "lost",
        "nl_value_minor",
        "cod_due_minor",
        "vas_dispatched",
        "vas_delivered",
        "routes",
        "packages_routed",
    ];
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let c = &self.counts;
        out.extend([
            Cell::Text(&self.partner),
            Cell::Text(&self.station),
            Cell::Date(self.date),
        ]);
        out.extend(
            [
                c.dispatched,
                c.delivered,
                c.on_time,
                c.attempted,
                c.rejected,
                c.rts,
                c.lost,
                c.nl_value_minor,
                c.cod_due_minor,
                c.vas_dispatched,
                c.vas_delivered,
                c.routes,
                c.packages_routed,
            ]
            .map(Cell::I64),
        );
    }
}

impl Store {
    /// Facts with `from <= date <= to`, ordered by date, station, partner.
    pub async fn facts_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<FactRow>> {
        self.facts_in_scope(from, to, &Scope::All).await
    }

    /// Facts with `from <= date <= to` that `scope` may see, ordered by date, station,
    /// partner. Every screen and API reads facts through this; the scope is applied
    /// here, never left to a caller. Served from the window of recent facts kept per
    /// data version, widened when a page asks further back.
    pub async fn facts_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<FactRow>> {
        let window = self.facts_window(from).await?;
        Ok(window
            .between(|r| r.date, from, to)
            .iter()
            .filter(|f| scope.allows(&f.partner, &f.station))
            .cloned()
            .collect())
    }

    async fn facts_window(&self, from: NaiveDate) -> Result<Arc<Window<FactRow>>> {
        self.windowed("daily_facts", from, |start| self.load_facts(Some(start)))
            .await
    }

    /// Every fact, straight from the database and not kept: for what folds the whole
    /// history once per data version (the scoring model), and the reference the kept
    /// window is tested against.
    pub async fn every_fact(&self) -> Result<Vec<FactRow>> {
        self.load_facts(None).await
    }

    /// The facts dated `from` on (all when `None`), by date, station and partner.
    async fn load_facts(&self, from: Option<NaiveDate>) -> Result<Vec<FactRow>> {
        let sql = format!(
            "SELECT partner, station, date, dispatched, delivered, on_time, attempted, rejected, rts, lost, nl_value_minor, cod_due_minor, vas_dispatched, vas_delivered, routes, packages_routed
             FROM daily_facts {} ORDER BY date, station, partner",
            if from.is_some() { "WHERE date >= $1" } else { "" }
        );
        let rows = on_pool!(self, |pool| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            if let Some(f) = from {
                q = q.bind(f);
            }
            map_rows!(q, pool, |r| FactRow {
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
        });
        Ok(rows)
    }

    /// The first and last date with facts.
    pub async fn facts_range(&self) -> Result<Option<(NaiveDate, NaiveDate)>> {
        Ok(self.facts_window(NaiveDate::MAX).await?.span)
    }
}
