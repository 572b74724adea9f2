//! Scoring health: versioned configuration, the version each scored week is pinned to,
//! and the runs that scored a week with the scores each kept.

use crate::db::{
    BUMP_VERSION, ROWS_PER_STATEMENT, Result, Store, on_pool, placeholders, vocabulary, write_audit,
};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::config::ConfigKind;
use sqlx::Row;
use std::collections::BTreeMap;

/// One loaded version of a configuration document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigVersion {
    pub kind: ConfigKind,
    pub version: i64,
    pub effective_from: NaiveDate,
    pub body: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One explicit scoring run of a week.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRun {
    pub id: i64,
    pub week: String,
    pub config_version: i64,
    pub previous_version: Option<i64>,
    pub run_by: String,
    pub run_at: DateTime<Utc>,
    pub reason: String,
}

/// One partner's (station `""`) or partner × station's score in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreSnapshot {
    pub partner: String,
    pub station: String,
    pub score: Option<f64>,
    pub tier: Option<String>,
    pub rank: Option<i64>,
    /// The component values, as JSON.
    pub components: String,
}

/// Keeps the scores of run `$run_id` on an executor (its transaction), in chunks.
macro_rules! insert_snapshots {
    ($pool:expr, $exec:expr, $run_id:expr, $scores:expr) => {
        for chunk in $scores.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO score_snapshots (run_id, partner, station, score, tier, rank, components) VALUES {}",
                placeholders($pool, chunk.len(), 7)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for s in chunk {
                q = q
                    .bind($run_id)
                    .bind(&s.partner)
                    .bind(&s.station)
                    .bind(s.score)
                    .bind(&s.tier)
                    .bind(s.rank)
                    .bind(&s.components);
            }
            q.execute($exec).await?;
        }
    };
}

/// The audit detail of a run that moved a week to another version.
fn rescore_detail(previous: Option<i64>, version: i64, reason: &str) -> String {
    format!(
        "version {} -> {version}: {reason}",
        previous.map_or("(in force)".to_owned(), |p| p.to_string())
    )
}

impl Store {
    /// Every version of a kind of configuration, oldest first.
    pub async fn config_versions(&self, kind: ConfigKind) -> Result<Vec<ConfigVersion>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT kind, version, effective_from, body, note, created_by, created_at FROM config_versions WHERE kind = $1 ORDER BY version",
            )
            .bind(kind.as_str())
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(ConfigVersion {
                    kind: vocabulary(r.try_get("kind")?, "kind", ConfigKind::parse)?,
                    version: r.try_get("version")?,
                    effective_from: r.try_get("effective_from")?,
                    body: r.try_get("body")?,
                    note: r.try_get("note")?,
                    created_by: r.try_get("created_by")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Stores a new version of a configuration and, in the same transaction, pins
    /// the weeks in `pins` (week, version) that have no pin yet, so that weeks already
    /// scored keep their version. Returns the new version number.
    pub async fn add_config_version(
        &self,
        actor: &str,
        kind: ConfigKind,
        effective_from: NaiveDate,
        body: &str,
        note: &str,
        pins: &[(String, i64)],
    ) -> Result<i64> {
        let now = Utc::now();
        let version = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let version: i64 = sqlx::query(
                "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM config_versions WHERE kind = $1",
            )
            .bind(kind.as_str())
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
            sqlx::query(
                "INSERT INTO config_versions (kind, version, effective_from, body, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(kind.as_str())
            .bind(version)
            .bind(effective_from)
            .bind(body)
            .bind(note)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for (week, v) in pins {
                sqlx::query(
                    "INSERT INTO score_weeks (week, config_version, pinned_at, pinned_by) VALUES ($1, $2, $3, $4) ON CONFLICT (week) DO NOTHING",
                )
                .bind(week)
                .bind(*v)
                .bind(now)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            write_audit!(
                &mut *tx,
                now,
                actor,
                "config.load",
                "config",
                format!("{kind}/{version}"),
                format!(
                    "effective from {effective_from}; {} earlier weeks kept on their version. {note}",
                    pins.len()
                )
            );
            tx.commit().await?;
            version
        });
        Ok(version)
    }

    /// The version each pinned week is held to.
    pub async fn score_pins(&self) -> Result<BTreeMap<String, i64>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT week, config_version FROM score_weeks")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| Ok((r.try_get("week")?, r.try_get("config_version")?)))
                .collect::<Result<BTreeMap<String, i64>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Records a scoring run: pins the week to its version and keeps the scores it
    /// produced, in one transaction. Earlier runs stay as they were.
    pub async fn record_score_run(
        &self,
        actor: &str,
        week: &str,
        version: i64,
        reason: &str,
        scores: &[ScoreSnapshot],
    ) -> Result<ScoreRun> {
        let now = Utc::now();
        let run = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let previous: Option<i64> =
                sqlx::query("SELECT config_version FROM score_weeks WHERE week = $1")
                    .bind(week)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("config_version"))
                    .transpose()?;
            sqlx::query(
                "INSERT INTO score_weeks (week, config_version, pinned_at, pinned_by) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (week) DO UPDATE SET config_version = excluded.config_version, pinned_at = excluded.pinned_at, pinned_by = excluded.pinned_by",
            )
            .bind(week)
            .bind(version)
            .bind(now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query(
                "INSERT INTO score_runs (week, config_version, previous_version, run_by, run_at, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(week)
            .bind(version)
            .bind(previous)
            .bind(actor)
            .bind(now)
            .bind(reason)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            insert_snapshots!(pool, &mut *tx, id, scores);
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            if previous != Some(version) {
                write_audit!(
                    &mut *tx,
                    now,
                    actor,
                    "score.rescore",
                    "score_week",
                    week,
                    rescore_detail(previous, version, reason)
                );
            }
            tx.commit().await?;
            ScoreRun {
                id,
                week: week.to_owned(),
                config_version: version,
                previous_version: previous,
                run_by: actor.to_owned(),
                run_at: now,
                reason: reason.to_owned(),
            }
        });
        Ok(run)
    }

    /// The scoring runs of a week, oldest first.
    pub async fn score_runs(&self, week: &str) -> Result<Vec<ScoreRun>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT id, week, config_version, previous_version, run_by, run_at, reason FROM score_runs WHERE week = $1 ORDER BY id",
            )
            .bind(week)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(ScoreRun {
                    id: r.try_get("id")?,
                    week: r.try_get("week")?,
                    config_version: r.try_get("config_version")?,
                    previous_version: r.try_get("previous_version")?,
                    run_by: r.try_get("run_by")?,
                    run_at: r.try_get("run_at")?,
                    reason: r.try_get("reason")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// The scores a run kept.
    pub async fn score_snapshots(&self, run_id: i64) -> Result<Vec<ScoreSnapshot>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT partner, station, score, tier, rank, components FROM score_snapshots WHERE run_id = $1 ORDER BY partner, station",
            )
            .bind(run_id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(ScoreSnapshot {
                    partner: r.try_get("partner")?,
                    station: r.try_get("station")?,
                    score: r.try_get("score")?,
                    tier: r.try_get("tier")?,
                    rank: r.try_get("rank")?,
                    components: r.try_get("components")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
