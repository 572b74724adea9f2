//! VAS adoption: packages with a VAS per partner × station × date × kind (derived from
//! the lake, replaced with the facts), and the configuration the program team edits:
//! the kinds offered at each station and each partner's enrolment (audited).

use crate::db::{BulkRow, Cell, Result, Store, map_rows, on_pool, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::Scope;
use dspdesk_core::vas::VasCounts;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VasRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub vas: String,
    pub counts: VasCounts,
}

impl BulkRow for VasRow {
    const TABLE: &'static str = "daily_vas";
    const COLUMNS: &'static [&'static str] = &[
        "partner",
        "station",
        "date",
        "vas",
        "dispatched",
        "delivered",
    ];
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        out.extend([
            Cell::Text(&self.partner),
            Cell::Text(&self.station),
            Cell::Date(self.date),
            Cell::Text(&self.vas),
            Cell::I64(self.counts.dispatched),
            Cell::I64(self.counts.delivered),
        ]);
    }
}

/// Which list of VAS configuration an edit is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VasList {
    /// Kinds offered at a station.
    Offered,
    /// Kinds a partner is enrolled in.
    Enrolment,
}

impl VasList {
    fn table(self) -> &'static str {
        match self {
            VasList::Offered => "vas_offered",
            VasList::Enrolment => "vas_enrolment",
        }
    }

    fn key(self) -> &'static str {
        match self {
            VasList::Offered => "station",
            VasList::Enrolment => "partner",
        }
    }
}

impl Store {
    /// VAS packages with `from <= date <= to` that `scope` may see, ordered by partner,
    /// kind, station and date. Read through one copy kept per data version.
    pub async fn vas_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<VasRow>> {
        let window = self
            .windowed("daily_vas", from, |start| self.load_vas(start))
            .await?;
        let mut rows: Vec<VasRow> = window
            .between(|r| r.date, from, to)
            .iter()
            .filter(|v| scope.allows(&v.partner, &v.station))
            .cloned()
            .collect();
        rows.sort_by(|a, b| {
            (&a.partner, &a.vas, &a.station, a.date).cmp(&(&b.partner, &b.vas, &b.station, b.date))
        });
        Ok(rows)
    }

    /// The VAS rows dated `from` on, by date.
    async fn load_vas(&self, from: NaiveDate) -> Result<Vec<VasRow>> {
        let rows = on_pool!(self, |pool| {
            let q = sqlx::query(
                "SELECT partner, station, date, vas, dispatched, delivered FROM daily_vas
                 WHERE date >= $1 ORDER BY date, partner, vas, station",
            )
            .bind(from);
            map_rows!(q, pool, |r| VasRow {
                partner: r.try_get("partner")?,
                station: r.try_get("station")?,
                date: r.try_get("date")?,
                vas: r.try_get("vas")?,
                counts: VasCounts {
                    dispatched: r.try_get("dispatched")?,
                    delivered: r.try_get("delivered")?,
                },
            })
        });
        Ok(rows)
    }

    /// A VAS configuration list as (station or partner, kind) pairs, sorted.
    pub async fn vas_list(&self, list: VasList) -> Result<Vec<(String, String)>> {
        let sql = format!(
            "SELECT {key}, vas FROM {table} ORDER BY {key}, vas",
            key = list.key(),
            table = list.table()
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Adds (`on`) or removes a kind for a station or partner, audited. Returns whether
    /// anything changed.
    pub async fn set_vas(
        &self,
        list: VasList,
        who: &str,
        vas: &str,
        on: bool,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let (table, key) = (list.table(), list.key());
        let sql = if on {
            format!(
                "INSERT INTO {table} ({key}, vas, added_by, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT ({key}, vas) DO NOTHING"
            )
        } else {
            format!("DELETE FROM {table} WHERE {key} = $1 AND vas = $2")
        };
        let changed = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(who)
                .bind(vas);
            if on {
                q = q.bind(by).bind(at);
            }
            let n = q.execute(&mut *tx).await?.rows_affected();
            if n > 0 {
                write_audit!(
                    &mut *tx,
                    at,
                    by,
                    if on { "add" } else { "remove" },
                    table,
                    who.to_owned(),
                    vas.to_owned()
                );
            }
            tx.commit().await?;
            n > 0
        });
        Ok(changed)
    }
}
