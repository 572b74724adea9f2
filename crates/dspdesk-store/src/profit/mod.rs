//! Route blocks: each partner's routes of one block length and mode of transport at a
//! station-day, summed for pricing. Derived from the lake, like the facts.

use crate::db::{BulkRow, Cell, Result, Store, map_rows, on_pool};
use chrono::NaiveDate;
use dspdesk_core::Scope;
use dspdesk_core::profit::BlockCounts;
use sqlx::Row;

/// One partner's routes of one block and MOT at a station-day, summed for pricing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub block_hours: i32,
    pub mot: String,
    pub counts: BlockCounts,
}

impl BulkRow for BlockRow {
    const TABLE: &'static str = "daily_blocks";
    const COLUMNS: &'static [&'static str] = &[
        "partner",
        "station",
        "date",
        "block_hours",
        "mot",
        "routes",
        "delivered",
        "distance_m",
        "payout_given_routes",
        "payout_given_minor",
        "delivered_unpaid_rows",
        "cost_given_routes",
        "cost_given_minor",
        "distance_m_uncosted",
    ];
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let c = &self.counts;
        out.extend([
            Cell::Text(&self.partner),
            Cell::Text(&self.station),
            Cell::Date(self.date),
            Cell::I32(self.block_hours),
            Cell::Text(&self.mot),
        ]);
        out.extend(
            [
                c.routes,
                c.delivered,
                c.distance_m,
                c.payout_given_routes,
                c.payout_given_minor,
                c.delivered_unpaid_rows,
                c.cost_given_routes,
                c.cost_given_minor,
                c.distance_m_uncosted,
            ]
            .map(Cell::I64),
        );
    }
}

impl Store {
    /// Route blocks with `from <= date <= to` that `scope` may see, ordered by date,
    /// station, partner, block and MOT. Read through the window kept per data version,
    /// as the facts are: the pages that ask (profit, EV, the reports) ask often.
    pub async fn blocks_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<BlockRow>> {
        let window = self
            .windowed("daily_blocks", from, |start| self.load_blocks(start))
            .await?;
        Ok(window
            .between(|r| r.date, from, to)
            .iter()
            .filter(|b| scope.allows(&b.partner, &b.station))
            .cloned()
            .collect())
    }

    /// The route blocks dated `from` on, by date, station, partner, block and MOT.
    async fn load_blocks(&self, from: NaiveDate) -> Result<Vec<BlockRow>> {
        let rows = on_pool!(self, |pool| {
            let q = sqlx::query(
                "SELECT partner, station, date, block_hours, mot, routes, delivered, distance_m, payout_given_routes, payout_given_minor, delivered_unpaid_rows, cost_given_routes, cost_given_minor, distance_m_uncosted
                 FROM daily_blocks WHERE date >= $1 ORDER BY date, station, partner, block_hours, mot",
            )
            .bind(from);
            map_rows!(q, pool, |r| BlockRow {
                partner: r.try_get("partner")?,
                station: r.try_get("station")?,
                date: r.try_get("date")?,
                block_hours: r.try_get("block_hours")?,
                mot: r.try_get("mot")?,
                counts: BlockCounts {
                    routes: r.try_get("routes")?,
                    delivered: r.try_get("delivered")?,
                    distance_m: r.try_get("distance_m")?,
                    payout_given_routes: r.try_get("payout_given_routes")?,
                    payout_given_minor: r.try_get("payout_given_minor")?,
                    delivered_unpaid_rows: r.try_get("delivered_unpaid_rows")?,
                    cost_given_routes: r.try_get("cost_given_routes")?,
                    cost_given_minor: r.try_get("cost_given_minor")?,
                    distance_m_uncosted: r.try_get("distance_m_uncosted")?,
                },
            })
        });
        Ok(rows)
    }
}
