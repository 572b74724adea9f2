//! The lake's manifest: which Parquet file is current for each kind × station × date.

use crate::db::{ROWS_PER_STATEMENT, Result, Store, map_rows, on_pool};
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LakeFileRow {
    pub kind: String,
    pub station: String,
    pub date: NaiveDate,
    /// Relative to the lake's root.
    pub path: String,
    pub rows: i64,
}

impl Store {
    /// What is loaded, per kind: (kind, station-days, stations, first date, last date).
    pub async fn lake_summary(&self) -> Result<Vec<(String, i64, i64, NaiveDate, NaiveDate)>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT kind, COUNT(*) AS days, COUNT(DISTINCT station) AS stations,
                        MIN(date) AS first, MAX(date) AS last
                 FROM lake_files GROUP BY kind ORDER BY kind",
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok((
                    r.try_get("kind")?,
                    r.try_get("days")?,
                    r.try_get("stations")?,
                    r.try_get("first")?,
                    r.try_get("last")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// The current file of each station-day of one kind.
    pub async fn current_files(&self, kind: &str) -> Result<HashMap<(String, NaiveDate), String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT station, date, path FROM lake_files WHERE kind = $1")
                .bind(kind)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok((
                        (r.try_get("station")?, r.try_get("date")?),
                        r.try_get("path")?,
                    ))
                })
                .collect::<Result<HashMap<_, _>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// The current file of each of `days` that has one, of one kind: what an ingest
    /// needs, read without every other station-day's row (a network that sends a file
    /// per station-day would otherwise read the whole manifest per file).
    pub async fn current_files_on(
        &self,
        kind: &str,
        days: &[(String, NaiveDate)],
    ) -> Result<HashMap<(String, NaiveDate), String>> {
        let (Some(first), Some(last)) = (
            days.iter().map(|d| d.1).min(),
            days.iter().map(|d| d.1).max(),
        ) else {
            return Ok(HashMap::new());
        };
        let wanted: HashSet<&(String, NaiveDate)> = days.iter().collect();
        let mut stations: Vec<&str> = days.iter().map(|d| d.0.as_str()).collect();
        stations.sort_unstable();
        stations.dedup();
        let mut out = HashMap::new();
        // Stations in bounded groups: every backend takes this many parameters.
        for group in stations.chunks(ROWS_PER_STATEMENT) {
            let list: Vec<String> = (0..group.len()).map(|i| format!("${}", i + 4)).collect();
            let sql = format!(
                "SELECT station, date, path FROM lake_files
                 WHERE kind = $1 AND date >= $2 AND date <= $3 AND station IN ({})",
                list.join(", ")
            );
            let rows: Vec<((String, NaiveDate), String)> = on_pool!(self, |pool| {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(kind)
                    .bind(first)
                    .bind(last);
                for s in group {
                    q = q.bind(*s);
                }
                map_rows!(q, pool, |r| (
                    (r.try_get("station")?, r.try_get("date")?),
                    r.try_get("path")?
                ))
            });
            out.extend(rows.into_iter().filter(|(k, _)| wanted.contains(k)));
        }
        Ok(out)
    }

    /// The current file of one kind × station × date.
    pub async fn lake_file(
        &self,
        kind: &str,
        station: &str,
        date: NaiveDate,
    ) -> Result<Option<String>> {
        let path = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT path FROM lake_files WHERE kind = $1 AND station = $2 AND date = $3",
            )
            .bind(kind)
            .bind(station)
            .bind(date)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<String, _>("path"))
            .transpose()?
        });
        Ok(path)
    }

    /// Every current lake file, for garbage collection.
    pub async fn all_lake_paths(&self) -> Result<HashSet<String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT path FROM lake_files")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| r.try_get("path"))
                .collect::<Result<HashSet<String>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Every station-day with any lake file, with the current path per kind.
    pub async fn lake_days(&self) -> Result<Vec<LakeFileRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT kind, station, date, path, rows FROM lake_files ORDER BY date, station, kind")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(LakeFileRow {
                        kind: r.try_get("kind")?,
                        station: r.try_get("station")?,
                        date: r.try_get("date")?,
                        path: r.try_get("path")?,
                        rows: r.try_get("rows")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
