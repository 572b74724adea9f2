//! Route goals: the P50 and P90 routes a partner is held to at a station for a period.
//! A new goal replaces the overlapping ones, which are kept as history.

use crate::db::{BUMP_VERSION, Result, Store, on_pool, vocabulary, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use dspdesk_core::goals::GoalSource;
use sqlx::Row;

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
            source: vocabulary($r.try_get("source")?, "source", GoalSource::parse)?,
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
    pub source: GoalSource,
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
    pub source: GoalSource,
}

const SELECT_OVERLAPPING: &str = "SELECT id, partner, station, valid_from, valid_to, p50, p90, source, set_by, set_at FROM route_goals
                     WHERE partner = $1 AND station = $2 AND replaced_at IS NULL AND valid_from <= $3 AND valid_to >= $4";

const RETIRE_OVERLAPPING: &str = "UPDATE route_goals SET replaced_at = $1 WHERE partner = $2 AND station = $3 AND replaced_at IS NULL AND valid_from <= $4 AND valid_to >= $5";

/// Inserts a goal in force for the period of `$g` (a [`GoalRow`] or [`NewGoal`]).
macro_rules! insert_goal {
    ($exec:expr, $g:expr, $set_by:expr, $set_at:expr) => {
        sqlx::query(
            "INSERT INTO route_goals (partner, station, valid_from, valid_to, p50, p90, source, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&$g.partner)
        .bind(&$g.station)
        .bind($g.valid_from)
        .bind($g.valid_to)
        .bind($g.p50)
        .bind($g.p90)
        .bind($g.source.as_str())
        .bind($set_by)
        .bind($set_at)
        .execute($exec)
        .await?
    };
}

/// Overlapping goals are retired (kept as history); the parts of their periods outside
/// the new goal's stay in force as new rows, by their original author.
fn remainders(new: &NewGoal, overlapping: &[GoalRow]) -> Vec<GoalRow> {
    let mut out = Vec::new();
    for old in overlapping {
        if old.valid_from < new.valid_from {
            out.push(GoalRow {
                valid_to: new.valid_from.pred_opt().unwrap_or(new.valid_from),
                ..old.clone()
            });
        }
        if old.valid_to > new.valid_to {
            out.push(GoalRow {
                valid_from: new.valid_to.succ_opt().unwrap_or(new.valid_to),
                ..old.clone()
            });
        }
    }
    out
}

impl Store {
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
            sqlx::query(BUMP_VERSION).execute(&mut *tx).await?;
            for g in goals {
                let overlapping: Vec<GoalRow> = sqlx::query(SELECT_OVERLAPPING)
                    .bind(&g.partner)
                    .bind(&g.station)
                    .bind(g.valid_to)
                    .bind(g.valid_from)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| goal_row!(r))
                    .collect::<Result<_, sqlx::Error>>()?;
                let remainders = remainders(g, &overlapping);
                sqlx::query(RETIRE_OVERLAPPING)
                    .bind(now)
                    .bind(&g.partner)
                    .bind(&g.station)
                    .bind(g.valid_to)
                    .bind(g.valid_from)
                    .execute(&mut *tx)
                    .await?;
                for old in &remainders {
                    insert_goal!(&mut *tx, old, &old.set_by, old.set_at);
                }
                insert_goal!(&mut *tx, g, actor, now);
                write_audit!(
                    &mut *tx,
                    now,
                    actor,
                    format!("goal.{}", g.source),
                    "route_goal",
                    format!("{}@{}", g.partner, g.station),
                    format!(
                        "{}..{}: P50 {} P90 {}",
                        g.valid_from, g.valid_to, g.p50, g.p90
                    )
                );
            }
            tx.commit().await?;
        });
        Ok(goals.len() as u64)
    }
}
