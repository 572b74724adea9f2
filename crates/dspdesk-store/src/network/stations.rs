//! Stations and partners: codes, names and each station's time zone.

use crate::db::{Result, Store, on_pool};
use chrono::Utc;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationRow {
    pub code: String,
    pub name: String,
    pub timezone: String,
}

impl Store {
    /// Every station's time zone by code.
    pub async fn station_zones(&self) -> Result<HashMap<String, String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT code, timezone FROM stations")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| Ok((r.try_get("code")?, r.try_get("timezone")?)))
                .collect::<Result<HashMap<String, String>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn list_stations(&self) -> Result<Vec<StationRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT code, name, timezone FROM stations ORDER BY code")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(StationRow {
                        code: r.try_get("code")?,
                        name: r.try_get("name")?,
                        timezone: r.try_get("timezone")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Sets a station's zone, creating the station if it is new. Lake rows already
    /// loaded keep the instants they were read as; reload them to re-read local times.
    pub async fn set_station_zone(&self, code: &str, timezone: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO stations (code, name, timezone, created_at) VALUES ($1, $1, $2, $3)
                 ON CONFLICT (code) DO UPDATE SET timezone = excluded.timezone",
            )
            .bind(code)
            .bind(timezone)
            .bind(Utc::now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Sets a known station's name; false when there is no such station.
    pub async fn set_station_name(&self, code: &str, name: &str) -> Result<bool> {
        let n = on_pool!(self, |pool| {
            sqlx::query("UPDATE stations SET name = $1 WHERE code = $2")
                .bind(name)
                .bind(code)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// The files a station's current station-days were loaded from: (kind, file as
    /// logged, station-days), for re-reading them after its zone changed.
    pub async fn station_sources(&self, code: &str) -> Result<Vec<(String, String, i64)>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT f.kind, b.file_name, COUNT(*) AS days FROM lake_files f
                 JOIN ingest_batches b ON b.id = f.batch_id
                 WHERE f.station = $1
                 GROUP BY f.kind, b.file_name ORDER BY f.kind, b.file_name",
            )
            .bind(code)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok((
                    r.try_get("kind")?,
                    r.try_get("file_name")?,
                    r.try_get("days")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn partner_codes(&self) -> Result<Vec<String>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT code FROM partners ORDER BY code")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| r.try_get("code"))
                .collect::<Result<Vec<String>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
