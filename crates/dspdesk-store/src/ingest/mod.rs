//! The ingest log, and the transactions that make what an ingest or a recompute
//! derived from the lake current: the facts, route blocks and deposits of the
//! station-days it touched, all or nothing. These write several aggregates at once, so
//! they live here, above `facts`, `profit` and `cod`, which know nothing of ingest.

mod lake_files;

pub use lake_files::LakeFileRow;

use crate::cod::{DepositRef, RemitRow, insert_references};
use crate::db::{
    BUMP_VERSION, Dialect, ROWS_PER_STATEMENT, Result, Store, delete_days_from, insert_rows,
    on_pool, placeholders,
};
use crate::facts::FactRow;
use crate::profit::BlockRow;
use crate::supervisors::SupervisorRow;
use crate::vas::VasRow;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use std::collections::BTreeSet;

/// A batch's outcome, as the ingest log records it.
pub use dspdesk_core::ingest::IngestOutcome as Outcome;

/// What one ingest did, for the log.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub kind: String,
    pub file_name: String,
    pub content_hash: String,
    /// The file and how it was read (profile, day mode, zones): what "unchanged"
    /// compares.
    pub reading_hash: String,
    pub rows_read: i64,
    pub rows_loaded: i64,
    pub rows_skipped: i64,
    pub rows_rejected: i64,
    pub station_days: i64,
    pub loaded_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub content_hash: String,
    pub rows_read: i64,
    pub rows_loaded: i64,
    pub rows_rejected: i64,
    pub station_days: i64,
    pub loaded_by: String,
    pub finished_at: DateTime<Utc>,
    pub outcome: String,
    pub message: String,
}

const INSERT_BATCH: &str = "INSERT INTO ingest_batches (kind, file_name, content_hash, rows_read, rows_loaded, rows_skipped, rows_rejected, station_days, loaded_by, started_at, finished_at, outcome, message, reading_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id";

macro_rules! bind_batch {
    ($q:expr, $b:expr) => {
        $q.bind(&$b.kind)
            .bind(&$b.file_name)
            .bind(&$b.content_hash)
            .bind($b.rows_read)
            .bind($b.rows_loaded)
            .bind($b.rows_skipped)
            .bind($b.rows_rejected)
            .bind($b.station_days)
            .bind(&$b.loaded_by)
            .bind($b.started_at)
            .bind($b.finished_at)
            .bind($b.outcome.as_str())
            .bind(&$b.message)
            .bind(&$b.reading_hash)
    };
}

/// What the lake derives for a set of station-days: made current together.
#[derive(Debug, Clone, Default)]
pub struct DayRows {
    pub facts: Vec<FactRow>,
    /// Route blocks, where a routes file covers the day.
    pub blocks: Vec<BlockRow>,
    pub vas: Vec<VasRow>,
    /// Supervisors, where a routes file covers the day.
    pub supervisors: Vec<SupervisorRow>,
}

impl DayRows {
    pub fn extend(&mut self, o: DayRows) {
        self.facts.extend(o.facts);
        self.blocks.extend(o.blocks);
        self.vas.extend(o.vas);
        self.supervisors.extend(o.supervisors);
    }

    /// Every partner and every station the rows (and `remitted`) name.
    fn named<'a>(&'a self, remitted: &'a [RemitRow]) -> (BTreeSet<&'a str>, BTreeSet<&'a str>) {
        let mut partners = BTreeSet::new();
        let mut stations = BTreeSet::new();
        let mut add = |p: &'a str, s: &'a str| {
            partners.insert(p);
            stations.insert(s);
        };
        self.facts.iter().for_each(|r| add(&r.partner, &r.station));
        self.blocks.iter().for_each(|r| add(&r.partner, &r.station));
        self.vas.iter().for_each(|r| add(&r.partner, &r.station));
        self.supervisors
            .iter()
            .for_each(|r| add(&r.partner, &r.station));
        remitted.iter().for_each(|r| add(&r.partner, &r.station));
        (partners, stations)
    }
}

/// Fails unless every code in `$codes` (a set of `&str`) is in `$table`: what a foreign
/// key checks per row, checked once per name (the bulk connection turns the per-row
/// checks off on SQLite).
macro_rules! ensure_known {
    ($pool:expr, $exec:expr, $table:literal, $codes:expr) => {
        let codes: Vec<&str> = $codes.iter().copied().collect();
        for chunk in codes.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT code FROM {} WHERE code IN (VALUES {})",
                $table,
                placeholders($pool, chunk.len(), 1)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for c in chunk {
                q = q.bind(*c);
            }
            let found: BTreeSet<String> = q
                .fetch_all(&mut *$exec)
                .await?
                .into_iter()
                .map(|r| r.try_get::<String, _>("code"))
                .collect::<Result<_, sqlx::Error>>()?;
            if let Some(missing) = chunk.iter().find(|c| !found.contains(**c)) {
                return Err(crate::db::StoreError::Integrity(format!(
                    "derived rows name {missing:?}, which is not in {}; nothing was written",
                    $table
                )));
            }
        }
    };
}

/// Checks, inside the transaction, that every partner and station the rows name exists.
macro_rules! ensure_named_known {
    ($pool:expr, $tx:expr, $rows:expr, $remitted:expr) => {
        let (partners, stations) = $rows.named($remitted);
        ensure_known!($pool, $tx, "partners", partners);
        ensure_known!($pool, $tx, "stations", stations);
    };
}

/// Every table derived from the lake, each keyed by station and date.
const DERIVED_TABLES: [&str; 5] = [
    "daily_facts",
    "daily_blocks",
    "daily_vas",
    "daily_supervisors",
    "daily_remitted",
];

/// Replaces every derived row of the station-days `$days` with `$rows` (a `DayRows`).
macro_rules! replace_day_rows {
    ($pool:expr, $exec:expr, $days:expr, $rows:expr) => {
        delete_days_from!($pool, $exec, "daily_facts", $days);
        $crate::db::insert_rows($pool, $exec, &$rows.facts).await?;
        delete_days_from!($pool, $exec, "daily_blocks", $days);
        $crate::db::insert_rows($pool, $exec, &$rows.blocks).await?;
        delete_days_from!($pool, $exec, "daily_vas", $days);
        $crate::db::insert_rows($pool, $exec, &$rows.vas).await?;
        delete_days_from!($pool, $exec, "daily_supervisors", $days);
        $crate::db::insert_rows($pool, $exec, &$rows.supervisors).await?;
    };
}

/// Everything an ingest makes current, written in one transaction.
#[derive(Debug)]
pub struct IngestCommit<'a> {
    pub batch: NewBatch,
    /// Stations the file introduces, with their zones; known ones are left as they are.
    pub stations: &'a [(String, String)],
    pub partners: &'a [String],
    pub files: &'a [LakeFileRow],
    /// The complete facts (and blocks, VAS, supervisors) of every station-day in
    /// `fact_days`.
    pub fact_days: &'a [(String, NaiveDate)],
    pub rows: &'a DayRows,
    /// The complete deposits of every station-day in `remit_days`.
    pub remit_days: &'a [(String, NaiveDate)],
    pub remitted: &'a [RemitRow],
    /// The references of every deposit in `remit_days`.
    pub references: &'a [DepositRef],
}

impl Store {
    /// Records a batch that changed nothing (rejected or unchanged).
    pub async fn record_batch(&self, batch: &NewBatch) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            bind_batch!(sqlx::query(INSERT_BATCH), batch)
                .fetch_one(pool)
                .await?
                .try_get("id")?
        });
        Ok(id)
    }

    /// Makes an ingest current: its log row, new stations and partners, the lake
    /// manifest, and the facts, route blocks and deposits of the station-days it
    /// touched. All or nothing.
    pub async fn commit_ingest(&self, c: &IngestCommit<'_>) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut conn = pool.bulk_connection().await?;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            let id: i64 = bind_batch!(sqlx::query(INSERT_BATCH), c.batch)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            let now = Utc::now();
            for chunk in c.stations.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO stations (code, name, timezone, created_at) VALUES {} ON CONFLICT (code) DO NOTHING",
                    placeholders(pool, chunk.len(), 4)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (code, zone) in chunk {
                    q = q.bind(code).bind(code).bind(zone).bind(now);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in c.partners.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO partners (code, name, created_at) VALUES {} ON CONFLICT (code) DO NOTHING",
                    placeholders(pool, chunk.len(), 3)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for code in chunk {
                    q = q.bind(code).bind(code).bind(now);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in c.files.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO lake_files (kind, station, date, path, rows, batch_id) VALUES {}
                     ON CONFLICT (kind, station, date) DO UPDATE SET path = excluded.path, rows = excluded.rows, batch_id = excluded.batch_id",
                    placeholders(pool, chunk.len(), 6)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for f in chunk {
                    q = q
                        .bind(&f.kind)
                        .bind(&f.station)
                        .bind(f.date)
                        .bind(&f.path)
                        .bind(f.rows)
                        .bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            ensure_named_known!(pool, tx, c.rows, c.remitted);
            replace_day_rows!(pool, &mut *tx, c.fact_days, c.rows);
            delete_days_from!(pool, &mut *tx, "daily_remitted", c.remit_days);
            insert_rows(pool, &mut *tx, c.remitted).await?;
            delete_days_from!(pool, &mut *tx, "deposit_references", c.remit_days);
            insert_references!(pool, &mut *tx, c.references);
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Replaces the facts, route blocks, VAS and supervisors of the given station-days,
    /// in one transaction.
    pub async fn replace_facts(&self, days: &[(String, NaiveDate)], rows: &DayRows) -> Result<()> {
        on_pool!(self, |pool| {
            let mut conn = pool.bulk_connection().await?;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            ensure_named_known!(pool, tx, rows, &[]);
            replace_day_rows!(pool, &mut *tx, days, rows);
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces everything derived from the lake dated within `from..=to` (either end
    /// open): the facts, route blocks, VAS, supervisors and deposits, with `rows` and
    /// `remitted`, in one transaction. What a recompute of the lake does: rows of
    /// station-days the lake no longer holds go too. With no dates the tables are
    /// emptied whole, which SQLite does without visiting a row.
    pub async fn replace_derived_between(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        rows: &DayRows,
        remitted: &[RemitRow],
    ) -> Result<()> {
        let mut clauses = Vec::new();
        if from.is_some() {
            clauses.push("date >= $1");
        }
        if to.is_some() {
            clauses.push(if from.is_some() {
                "date <= $2"
            } else {
                "date <= $1"
            });
        }
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        on_pool!(self, |pool| {
            let mut conn = pool.bulk_connection().await?;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            ensure_named_known!(pool, tx, rows, remitted);
            for table in DERIVED_TABLES {
                let sql = format!("DELETE FROM {table}{filter}");
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                if let Some(f) = from {
                    q = q.bind(f);
                }
                if let Some(t) = to {
                    q = q.bind(t);
                }
                q.execute(&mut *tx).await?;
            }
            insert_rows(pool, &mut *tx, &rows.facts).await?;
            insert_rows(pool, &mut *tx, &rows.blocks).await?;
            insert_rows(pool, &mut *tx, &rows.vas).await?;
            insert_rows(pool, &mut *tx, &rows.supervisors).await?;
            insert_rows(pool, &mut *tx, remitted).await?;
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The newest loaded batch of the same file read the same way (`reading_hash`)
    /// whose station-day files are all still current: loading it again would change
    /// nothing.
    pub async fn unchanged_batch(&self, kind: &str, reading_hash: &str) -> Result<Option<i64>> {
        let id = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT b.id FROM ingest_batches b
                 WHERE b.kind = $1 AND b.reading_hash = $2 AND b.outcome = 'loaded'
                   AND b.station_days = (SELECT COUNT(*) FROM lake_files f WHERE f.batch_id = b.id)
                 ORDER BY b.id DESC LIMIT 1",
            )
            .bind(kind)
            .bind(reading_hash)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<i64, _>("id"))
            .transpose()?
        });
        Ok(id)
    }

    /// The ingest log, newest first.
    pub async fn batches(&self, limit: i64) -> Result<Vec<BatchRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT id, kind, file_name, content_hash, rows_read, rows_loaded, rows_rejected, station_days, loaded_by, finished_at, outcome, message
                 FROM ingest_batches ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(BatchRow {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    file_name: r.try_get("file_name")?,
                    content_hash: r.try_get("content_hash")?,
                    rows_read: r.try_get("rows_read")?,
                    rows_loaded: r.try_get("rows_loaded")?,
                    rows_rejected: r.try_get("rows_rejected")?,
                    station_days: r.try_get("station_days")?,
                    loaded_by: r.try_get("loaded_by")?,
                    finished_at: r.try_get("finished_at")?,
                    outcome: r.try_get("outcome")?,
                    message: r.try_get("message")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
