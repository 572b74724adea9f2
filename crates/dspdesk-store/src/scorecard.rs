//! The scorecard's tables: route blocks and cash remitted (derived from the lake, like
//! the facts), versioned configuration, score pins and runs, route goals and flags.

use crate::{Result, Store, on_pool, placeholders};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::Scope;
use dspdesk_core::profit::BlockCounts;
use sqlx::Row;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

const AUDIT: &str = "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)";

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

/// Cash deposited by a partner at a station on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemitRow {
    pub partner: String,
    pub station: String,
    pub date: NaiveDate,
    pub amount_minor: i64,
    pub deposits: i64,
}

pub(crate) fn insert_blocks_sql<D: crate::Dialect>(pool: &D, rows: usize) -> String {
    format!(
        "INSERT INTO daily_blocks (partner, station, date, block_hours, mot, routes, delivered, distance_m, payout_given_routes, payout_given_minor, delivered_unpaid_rows, cost_given_routes, cost_given_minor, distance_m_uncosted) VALUES {}",
        placeholders(pool, rows, 14)
    )
}

pub(crate) fn insert_remitted_sql<D: crate::Dialect>(pool: &D, rows: usize) -> String {
    format!(
        "INSERT INTO daily_remitted (partner, station, date, amount_minor, deposits) VALUES {}",
        placeholders(pool, rows, 5)
    )
}

pub(crate) fn delete_days_sql<D: crate::Dialect>(pool: &D, table: &str, days: usize) -> String {
    format!(
        "DELETE FROM {table} WHERE (station, date) IN (VALUES {})",
        placeholders(pool, days, 2)
    )
}

/// Deletes the rows of station-days from a derived table, in chunks.
macro_rules! delete_days_from {
    ($pool:expr, $exec:expr, $table:expr, $days:expr) => {
        for chunk in $days.chunks($crate::ROWS_PER_STATEMENT) {
            let sql = $crate::scorecard::delete_days_sql($pool, $table, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (station, date) in chunk {
                q = q.bind(station).bind(*date);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use delete_days_from;

macro_rules! insert_blocks {
    ($pool:expr, $exec:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::ROWS_PER_STATEMENT) {
            let sql = $crate::scorecard::insert_blocks_sql($pool, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for b in chunk {
                let c = &b.counts;
                q = q
                    .bind(&b.partner)
                    .bind(&b.station)
                    .bind(b.date)
                    .bind(b.block_hours)
                    .bind(&b.mot)
                    .bind(c.routes)
                    .bind(c.delivered)
                    .bind(c.distance_m)
                    .bind(c.payout_given_routes)
                    .bind(c.payout_given_minor)
                    .bind(c.delivered_unpaid_rows)
                    .bind(c.cost_given_routes)
                    .bind(c.cost_given_minor)
                    .bind(c.distance_m_uncosted);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use insert_blocks;

macro_rules! insert_remitted {
    ($pool:expr, $exec:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::ROWS_PER_STATEMENT) {
            let sql = $crate::scorecard::insert_remitted_sql($pool, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(&r.partner)
                    .bind(&r.station)
                    .bind(r.date)
                    .bind(r.amount_minor)
                    .bind(r.deposits);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use insert_remitted;

/// One loaded version of a configuration document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigVersion {
    pub kind: String,
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

/// A `route_goals` row (of either backend) as a [`GoalRow`].
macro_rules! goal_row {
    ($r:expr) => {
        Ok::<_, sqlx::Error>(GoalRow {
            id: $r.try_get("id")?,
            partner: $r.try_get("partner")?,
            station: $r.try_get("station")?,
            valid_from: $r.try_get("valid_from")?,
            valid_to: $r.try_get("valid_to")?,
            p50: $r.try_get("p50")?,
            p90: $r.try_get("p90")?,
            source: $r.try_get("source")?,
            set_by: $r.try_get("set_by")?,
            set_at: $r.try_get("set_at")?,
        })
    };
}

/// A route goal of a partner at a station for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalRow {
    pub id: i64,
    pub partner: String,
    pub station: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub p50: f64,
    pub p90: f64,
    /// `set` by a person or `adopted` from the suggestion.
    pub source: String,
    pub set_by: String,
    pub set_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewGoal {
    pub partner: String,
    pub station: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub p50: f64,
    pub p90: f64,
    pub source: String,
}

/// A flag as the data shows it now.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFlag {
    pub kind: String,
    pub partner: String,
    pub station: String,
    pub subject: String,
    pub reason: String,
    /// The numbers behind the reason, as JSON.
    pub numbers: String,
    /// The day or week end the data showed it on.
    pub data_date: NaiveDate,
}

impl NewFlag {
    /// What makes two flags the same flag on two runs.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.kind, self.partner, self.station, self.subject
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FlagRow {
    pub id: i64,
    pub kind: String,
    pub partner: String,
    pub station: String,
    pub subject: String,
    pub reason: String,
    pub numbers: String,
    pub data_date: NaiveDate,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
}

/// What a flag refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FlagSync {
    pub opened: u64,
    pub kept: u64,
    pub cleared: u64,
}

impl Store {
    /// Route blocks with `from <= date <= to` that `scope` may see.
    pub async fn blocks_in_scope(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        scope: &Scope,
    ) -> Result<Vec<BlockRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT partner, station, date, block_hours, mot, routes, delivered, distance_m, payout_given_routes, payout_given_minor, delivered_unpaid_rows, cost_given_routes, cost_given_minor, distance_m_uncosted
                 FROM daily_blocks WHERE date >= $1 AND date <= $2 ORDER BY date, station, partner, block_hours, mot",
            )
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(BlockRow {
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
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows
            .into_iter()
            .filter(|b| scope.allows(&b.partner, &b.station))
            .collect())
    }

    /// Every deposit total, ordered by date, from the cache while the data version is
    /// unchanged.
    pub async fn all_remitted(&self) -> Result<Arc<Vec<RemitRow>>> {
        let version = self.data_version().await?;
        if let Ok(cached) = self.facts.remitted.read()
            && let Some((v, rows)) = cached.as_ref()
            && *v == version
        {
            return Ok(rows.clone());
        }
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT partner, station, date, amount_minor, deposits FROM daily_remitted ORDER BY date, station, partner",
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(RemitRow {
                    partner: r.try_get("partner")?,
                    station: r.try_get("station")?,
                    date: r.try_get("date")?,
                    amount_minor: r.try_get("amount_minor")?,
                    deposits: r.try_get("deposits")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        let rows = Arc::new(rows);
        if let Ok(mut cached) = self.facts.remitted.write() {
            *cached = Some((version, rows.clone()));
        }
        Ok(rows)
    }

    /// Replaces the deposits of the given station-days, in one transaction.
    pub async fn replace_remitted(
        &self,
        days: &[(String, NaiveDate)],
        rows: &[RemitRow],
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            delete_days_from!(pool, &mut *tx, "daily_remitted", days);
            insert_remitted!(pool, &mut *tx, rows);
            sqlx::query(crate::facts::BUMP_VERSION)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every version of a kind of configuration, oldest first.
    pub async fn config_versions(&self, kind: &str) -> Result<Vec<ConfigVersion>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT kind, version, effective_from, body, note, created_by, created_at FROM config_versions WHERE kind = $1 ORDER BY version",
            )
            .bind(kind)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                Ok(ConfigVersion {
                    kind: r.try_get("kind")?,
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
        kind: &str,
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
            .bind(kind)
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
            sqlx::query(
                "INSERT INTO config_versions (kind, version, effective_from, body, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(kind)
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
            sqlx::query(crate::facts::BUMP_VERSION)
                .execute(&mut *tx)
                .await?;
            sqlx::query(AUDIT)
                .bind(now)
                .bind(actor)
                .bind("config.load")
                .bind("config")
                .bind(format!("{kind}/{version}"))
                .bind(format!(
                    "effective from {effective_from}; {} earlier weeks kept on their version. {note}",
                    pins.len()
                ))
                .execute(&mut *tx)
                .await?;
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
            for chunk in scores.chunks(crate::ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO score_snapshots (run_id, partner, station, score, tier, rank, components) VALUES {}",
                    placeholders(pool, chunk.len(), 7)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for s in chunk {
                    q = q
                        .bind(id)
                        .bind(&s.partner)
                        .bind(&s.station)
                        .bind(s.score)
                        .bind(&s.tier)
                        .bind(s.rank)
                        .bind(&s.components);
                }
                q.execute(&mut *tx).await?;
            }
            sqlx::query(crate::facts::BUMP_VERSION)
                .execute(&mut *tx)
                .await?;
            if previous != Some(version) {
                sqlx::query(AUDIT)
                    .bind(now)
                    .bind(actor)
                    .bind("score.rescore")
                    .bind("score_week")
                    .bind(week)
                    .bind(format!(
                        "version {} -> {version}: {reason}",
                        previous.map_or("(in force)".to_owned(), |p| p.to_string())
                    ))
                    .execute(&mut *tx)
                    .await?;
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

    /// The goals in force (not replaced), by partner, station and start.
    pub async fn route_goals(&self) -> Result<Vec<GoalRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT id, partner, station, valid_from, valid_to, p50, p90, source, set_by, set_at FROM route_goals
                 WHERE replaced_at IS NULL ORDER BY partner, station, valid_from",
            )
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| goal_row!(r))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Sets goals: each replaces the goals of its partner × station whose period
    /// overlaps it (kept, marked replaced), audited, all in one transaction.
    pub async fn set_goals(&self, actor: &str, goals: &[NewGoal]) -> Result<u64> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(crate::facts::BUMP_VERSION)
                .execute(&mut *tx)
                .await?;
            for g in goals {
                // Overlapping goals are retired (kept as history); the parts of their
                // periods outside the new one stay in force as new rows, by their
                // original author.
                let overlapping: Vec<GoalRow> = sqlx::query(
                    "SELECT id, partner, station, valid_from, valid_to, p50, p90, source, set_by, set_at FROM route_goals
                     WHERE partner = $1 AND station = $2 AND replaced_at IS NULL AND valid_from <= $3 AND valid_to >= $4",
                )
                .bind(&g.partner)
                .bind(&g.station)
                .bind(g.valid_to)
                .bind(g.valid_from)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|r| goal_row!(r))
                .collect::<Result<_, sqlx::Error>>()?;
                let mut remainders: Vec<(NaiveDate, NaiveDate, &GoalRow)> = Vec::new();
                for old in &overlapping {
                    if old.valid_from < g.valid_from {
                        remainders.push((
                            old.valid_from,
                            g.valid_from.pred_opt().unwrap_or(g.valid_from),
                            old,
                        ));
                    }
                    if old.valid_to > g.valid_to {
                        remainders.push((
                            g.valid_to.succ_opt().unwrap_or(g.valid_to),
                            old.valid_to,
                            old,
                        ));
                    }
                }
                sqlx::query(
                    "UPDATE route_goals SET replaced_at = $1 WHERE partner = $2 AND station = $3 AND replaced_at IS NULL AND valid_from <= $4 AND valid_to >= $5",
                )
                .bind(now)
                .bind(&g.partner)
                .bind(&g.station)
                .bind(g.valid_to)
                .bind(g.valid_from)
                .execute(&mut *tx)
                .await?;
                for (from, to, old) in remainders {
                    sqlx::query(
                        "INSERT INTO route_goals (partner, station, valid_from, valid_to, p50, p90, source, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(&old.partner)
                    .bind(&old.station)
                    .bind(from)
                    .bind(to)
                    .bind(old.p50)
                    .bind(old.p90)
                    .bind(&old.source)
                    .bind(&old.set_by)
                    .bind(old.set_at)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(
                    "INSERT INTO route_goals (partner, station, valid_from, valid_to, p50, p90, source, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&g.partner)
                .bind(&g.station)
                .bind(g.valid_from)
                .bind(g.valid_to)
                .bind(g.p50)
                .bind(g.p90)
                .bind(&g.source)
                .bind(actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(AUDIT)
                    .bind(now)
                    .bind(actor)
                    .bind(format!("goal.{}", g.source))
                    .bind("route_goal")
                    .bind(format!("{}@{}", g.partner, g.station))
                    .bind(format!(
                        "{}..{}: P50 {} P90 {}",
                        g.valid_from, g.valid_to, g.p50, g.p90
                    ))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(goals.len() as u64)
    }

    /// Brings the flags table in line with what the data shows now: new flags open,
    /// open ones seen again are updated, open ones no longer shown are cleared.
    pub async fn sync_flags(&self, current: &[NewFlag]) -> Result<FlagSync> {
        let now = Utc::now();
        let mut sync = FlagSync::default();
        let keys: HashSet<String> = current.iter().map(NewFlag::key).collect();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let open: Vec<(i64, String)> =
                sqlx::query("SELECT id, key FROM flags WHERE cleared_at IS NULL")
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("key")?)))
                    .collect::<Result<_, sqlx::Error>>()?;
            let open_keys: HashSet<&str> = open.iter().map(|(_, k)| k.as_str()).collect();
            for (id, key) in &open {
                if !keys.contains(key) {
                    sqlx::query("UPDATE flags SET cleared_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(*id)
                        .execute(&mut *tx)
                        .await?;
                    sync.cleared += 1;
                }
            }
            for f in current {
                let key = f.key();
                if open_keys.contains(key.as_str()) {
                    sqlx::query(
                        "UPDATE flags SET reason = $1, numbers = $2, data_date = $3, last_seen = $4 WHERE key = $5 AND cleared_at IS NULL",
                    )
                    .bind(&f.reason)
                    .bind(&f.numbers)
                    .bind(f.data_date)
                    .bind(now)
                    .bind(&key)
                    .execute(&mut *tx)
                    .await?;
                    sync.kept += 1;
                } else {
                    sqlx::query(
                        "INSERT INTO flags (kind, key, partner, station, subject, reason, numbers, data_date, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                    )
                    .bind(&f.kind)
                    .bind(&key)
                    .bind(&f.partner)
                    .bind(&f.station)
                    .bind(&f.subject)
                    .bind(&f.reason)
                    .bind(&f.numbers)
                    .bind(f.data_date)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sync.opened += 1;
                }
            }
            tx.commit().await?;
        });
        Ok(sync)
    }

    /// Flags, open ones only unless `cleared` too, newest first.
    pub async fn flags(&self, include_cleared: bool) -> Result<Vec<FlagRow>> {
        let sql = if include_cleared {
            "SELECT id, kind, partner, station, subject, reason, numbers, data_date, first_seen, last_seen, cleared_at FROM flags ORDER BY id DESC"
        } else {
            "SELECT id, kind, partner, station, subject, reason, numbers, data_date, first_seen, last_seen, cleared_at FROM flags WHERE cleared_at IS NULL ORDER BY id DESC"
        };
        let rows = on_pool!(self, |pool| {
            sqlx::query(sql)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(FlagRow {
                        id: r.try_get("id")?,
                        kind: r.try_get("kind")?,
                        partner: r.try_get("partner")?,
                        station: r.try_get("station")?,
                        subject: r.try_get("subject")?,
                        reason: r.try_get("reason")?,
                        numbers: r.try_get("numbers")?,
                        data_date: r.try_get("data_date")?,
                        first_seen: r.try_get("first_seen")?,
                        last_seen: r.try_get("last_seen")?,
                        cleared_at: r.try_get("cleared_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}
