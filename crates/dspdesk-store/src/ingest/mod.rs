//! The ingest log, and the transactions that make what an ingest or a recompute
//! derived from the lake current: the facts, route blocks and deposits of the
//! station-days it touched, all or nothing. These write several aggregates at once, so
//! they live here, above `facts`, `profit` and `cod`, which know nothing of ingest.

mod lake_files;

pub use lake_files::LakeFileRow;

use crate::cod::{RemitRow, insert_remitted};
use crate::db::{
    BUMP_VERSION, ROWS_PER_STATEMENT, Result, Store, delete_days_from, on_pool, placeholders,
};
use crate::facts::{FactRow, insert_facts};
use crate::profit::{BlockRow, insert_blocks};
use crate::supervisors::{SupervisorRow, insert_supervisors};
use crate::vas::{VasRow, insert_vas};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

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
}

/// Replaces every derived row of the station-days `$days` with `$rows` (a `DayRows`).
macro_rules! replace_day_rows {
    ($pool:expr, $exec:expr, $days:expr, $rows:expr) => {
        delete_days_from!($pool, $exec, "daily_facts", $days);
        insert_facts!($pool, $exec, $rows.facts);
        delete_days_from!($pool, $exec, "daily_blocks", $days);
        insert_blocks!($pool, $exec, $rows.blocks);
        delete_days_from!($pool, $exec, "daily_vas", $days);
        insert_vas!($pool, $exec, $rows.vas);
        delete_days_from!($pool, $exec, "daily_supervisors", $days);
        insert_supervisors!($pool, $exec, $rows.supervisors);
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
            let mut tx = pool.begin().await?;
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
            replace_day_rows!(pool, &mut *tx, c.fact_days, c.rows);
            delete_days_from!(pool, &mut *tx, "daily_remitted", c.remit_days);
            insert_remitted!(pool, &mut *tx, c.remitted);
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
            let mut tx = pool.begin().await?;
            replace_day_rows!(pool, &mut *tx, days, rows);
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
