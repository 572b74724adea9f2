//! Supervisors: each supervisor's routes per partner × station × date with the
//! deliveries joined to them (derived from the lake, replaced with the facts), and the
//! name and phone a partner gives a supervisor id (audited).

use crate::db::{BulkRow, Cell, Result, Store, map_rows, on_pool, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::{Counts, Scope};
use sqlx::Row;
use std::collections::BTreeMap;

/// One supervisor's routes at a station-day: `routes`, `dispatched` (packages),
/// `delivered`, `on_time`, `lost` and `nl_value_minor` of the counts are set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub supervisor: String,
    pub counts: Counts,
}

/// The first and last day a supervisor of a partner ran a route at a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanRow {
    pub partner: String,
    pub station: String,
    pub supervisor: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The spans up to one day, as last folded.
struct Spans {
    to: NaiveDate,
    rows: Vec<SpanRow>,
}

/// A supervisor's name and phone as their partner gave them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactRow {
    pub partner: String,
    pub supervisor: String,
    pub name: String,
    pub phone: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

impl BulkRow for SupervisorRow {
    const TABLE: &'static str = "daily_supervisors";
    const COLUMNS: &'static [&'static str] = &[
        "partner",
        "station",
        "date",
        "supervisor",
        "routes",
        "packages",
        "delivered",
        "on_time",
        "lost",
        "nl_value_minor",
    ];
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>) {
        let c = &self.counts;
        out.extend([
            Cell::Text(&self.partner),
            Cell::Text(&self.station),
            Cell::Date(self.date),
            Cell::Text(&self.supervisor),
        ]);
        out.extend(
            [
                c.routes,
                c.dispatched,
                c.delivered,
                c.on_time,
                c.lost,
                c.nl_value_minor,
            ]
            .map(Cell::I64),
        );
    }
}

const COLUMNS: &str = "partner, station, date, supervisor, routes, packages, delivered, on_time, lost, nl_value_minor";

macro_rules! row_of {
    ($r:expr) => {
        SupervisorRow {
            partner: $r.try_get("partner")?,
            station: $r.try_get("station")?,
            date: $r.try_get("date")?,
            supervisor: $r.try_get("supervisor")?,
            counts: Counts {
                routes: $r.try_get("routes")?,
                dispatched: $r.try_get("packages")?,
                delivered: $r.try_get("delivered")?,
                on_time: $r.try_get("on_time")?,
                lost: $r.try_get("lost")?,
                nl_value_minor: $r.try_get("nl_value_minor")?,
                ..Counts::default()
            },
        }
    };
}

impl Store {
    /// Supervisor rows with `from <= date <= to` that `scope` may see; with `who`, only
    /// that partner's supervisor. Ordered by partner, supervisor, date and station; read
    /// through one copy kept per data version.
    pub async fn supervisors_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        who: Option<(&str, &str)>,
        scope: &Scope,
    ) -> Result<Vec<SupervisorRow>> {
        let window = self
            .windowed("daily_supervisors", from, |start| {
                self.load_supervisors(start)
            })
            .await?;
        let mut rows: Vec<SupervisorRow> = window
            .between(|r| r.date, from, to)
            .iter()
            .filter(|s| who.is_none_or(|(p, sup)| s.partner == p && s.supervisor == sup))
            .filter(|s| scope.allows(&s.partner, &s.station))
            .cloned()
            .collect();
        rows.sort_by(|a, b| {
            (&a.partner, &a.supervisor, a.date, &a.station).cmp(&(
                &b.partner,
                &b.supervisor,
                b.date,
                &b.station,
            ))
        });
        Ok(rows)
    }

    /// The supervisor rows dated `from` on, by date.
    async fn load_supervisors(&self, from: NaiveDate) -> Result<Vec<SupervisorRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM daily_supervisors WHERE date >= $1 ORDER BY date, partner, supervisor, station"
        );
        let rows = on_pool!(self, |pool| {
            let q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(from);
            map_rows!(q, pool, |r| row_of!(r))
        });
        Ok(rows)
    }

    /// The first and last date up to `to` on which each supervisor of each partner ran a
    /// route, per station (the caller folds the stations a scope may see), ordered by
    /// partner, station and supervisor. Reaches back before the kept window, so it is
    /// folded by the database, once per data version and day.
    pub async fn supervisor_spans(&self, to: NaiveDate) -> Result<Vec<SpanRow>> {
        let spans = self
            .cached_where(|s: &Spans| s.to == to, async {
                Ok(Spans {
                    to,
                    rows: self.load_spans(to).await?,
                })
            })
            .await?;
        Ok(spans.rows.clone())
    }

    async fn load_spans(&self, to: NaiveDate) -> Result<Vec<SpanRow>> {
        let mut rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT partner, station, supervisor, MIN(date) AS first, MAX(date) AS last
                 FROM daily_supervisors WHERE date <= $1 GROUP BY partner, station, supervisor",
            )
            .bind(to)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(SpanRow {
                    partner: r.try_get("partner")?,
                    station: r.try_get("station")?,
                    supervisor: r.try_get("supervisor")?,
                    first: r.try_get("first")?,
                    last: r.try_get("last")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        // Sorted here: PostgreSQL's collation may order text otherwise.
        rows.sort_by(|a, b| {
            (&a.partner, &a.station, &a.supervisor).cmp(&(&b.partner, &b.station, &b.supervisor))
        });
        Ok(rows)
    }

    /// Whether the partner's routes name the supervisor at a station `scope` may see.
    pub async fn supervisor_seen(
        &self,
        partner: &str,
        supervisor: &str,
        scope: &Scope,
    ) -> Result<bool> {
        let stations: Vec<String> = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT DISTINCT station FROM daily_supervisors WHERE partner = $1 AND supervisor = $2",
            )
            .bind(partner)
            .bind(supervisor)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| r.try_get::<String, _>("station"))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(stations.iter().any(|s| scope.allows(partner, s)))
    }

    /// The names and phones partners gave, by (partner, supervisor).
    pub async fn supervisor_contacts(&self) -> Result<BTreeMap<(String, String), ContactRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT partner, supervisor, name, phone, updated_by, updated_at FROM supervisor_contacts")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(ContactRow {
                        partner: r.try_get("partner")?,
                        supervisor: r.try_get("supervisor")?,
                        name: r.try_get("name")?,
                        phone: r.try_get("phone")?,
                        updated_by: r.try_get("updated_by")?,
                        updated_at: r.try_get("updated_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows
            .into_iter()
            .map(|c| ((c.partner.clone(), c.supervisor.clone()), c))
            .collect())
    }

    /// Sets a supervisor's name and phone, audited with the old and new values.
    pub async fn set_supervisor_contact(
        &self,
        partner: &str,
        supervisor: &str,
        name: &str,
        phone: &str,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let old: Option<(String, String)> = sqlx::query(
                "SELECT name, phone FROM supervisor_contacts WHERE partner = $1 AND supervisor = $2",
            )
            .bind(partner)
            .bind(supervisor)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("name")?, r.try_get("phone")?)))
            .transpose()?;
            sqlx::query(
                "INSERT INTO supervisor_contacts (partner, supervisor, name, phone, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (partner, supervisor) DO UPDATE SET name = excluded.name, phone = excluded.phone, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(partner)
            .bind(supervisor)
            .bind(name)
            .bind(phone)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            let (old_name, old_phone) = old.unwrap_or_default();
            write_audit!(
                &mut *tx,
                at,
                by,
                "set",
                "supervisor_contact",
                format!("{partner}/{supervisor}"),
                format!("name {old_name:?} -> {name:?}, phone {old_phone:?} -> {phone:?}")
            );
            tx.commit().await?;
        });
        Ok(())
    }
}
