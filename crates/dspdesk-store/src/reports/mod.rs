//! Report subscriptions (audited: they are a person's) and their runs: one row per
//! subscription and period, claimed before the report is sent, so a run is sent once
//! whichever process (or how many) runs the schedule.

use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscription {
    pub username: String,
    /// `daily` or `weekly`.
    pub kind: String,
    /// `HH:MM` in the network's zone.
    pub at_time: String,
    /// 1 = Monday … 7 = Sunday, for `weekly`.
    pub weekday: Option<i64>,
    pub station: Option<String>,
    pub coach: Option<String>,
    pub partner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SubscriptionRow {
    pub id: i64,
    pub username: String,
    pub kind: String,
    pub at_time: String,
    pub weekday: Option<i64>,
    pub station: Option<String>,
    pub coach: Option<String>,
    pub partner: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One run of a subscription.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportRunRow {
    pub id: i64,
    pub subscription_id: i64,
    pub period: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub late: bool,
    /// `sending`, `sent` or `failed`.
    pub state: String,
    pub runner: String,
    pub attempts: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub next_try: Option<DateTime<Utc>>,
    pub to_addr: String,
    pub subject: String,
    pub error: String,
}

const SUBSCRIPTION_COLUMNS: &str =
    "id, username, kind, at_time, weekday, station, coach, partner, created_by, created_at";
const RUN_COLUMNS: &str = "id, subscription_id, period, due_at, late, state, runner, attempts, started_at, finished_at, next_try, to_addr, subject, error";

macro_rules! subscription_row {
    ($r:expr) => {
        SubscriptionRow {
            id: $r.try_get("id")?,
            username: $r.try_get("username")?,
            kind: $r.try_get("kind")?,
            at_time: $r.try_get("at_time")?,
            weekday: $r.try_get("weekday")?,
            station: $r.try_get("station")?,
            coach: $r.try_get("coach")?,
            partner: $r.try_get("partner")?,
            created_by: $r.try_get("created_by")?,
            created_at: $r.try_get("created_at")?,
        }
    };
}

macro_rules! run_row {
    ($r:expr) => {
        ReportRunRow {
            id: $r.try_get("id")?,
            subscription_id: $r.try_get("subscription_id")?,
            period: $r.try_get("period")?,
            due_at: $r.try_get("due_at")?,
            late: $r.try_get("late")?,
            state: $r.try_get("state")?,
            runner: $r.try_get("runner")?,
            attempts: $r.try_get("attempts")?,
            started_at: $r.try_get("started_at")?,
            finished_at: $r.try_get("finished_at")?,
            next_try: $r.try_get("next_try")?,
            to_addr: $r.try_get("to_addr")?,
            subject: $r.try_get("subject")?,
            error: $r.try_get("error")?,
        }
    };
}

/// How a claimed run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd<'a> {
    Sent {
        to: &'a str,
        subject: &'a str,
    },
    /// Failed; tried again from `next_try` when given.
    Failed {
        to: &'a str,
        error: &'a str,
        next_try: Option<DateTime<Utc>>,
    },
}

impl Store {
    /// Adds a subscription, audited: its id.
    pub async fn add_subscription(
        &self,
        s: &NewSubscription,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO report_subscriptions (username, kind, at_time, weekday, station, coach, partner, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(&s.username)
                .bind(&s.kind)
                .bind(&s.at_time)
                .bind(s.weekday)
                .bind(&s.station)
                .bind(&s.coach)
                .bind(&s.partner)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            let narrowing = [
                ("station", &s.station),
                ("coach", &s.coach),
                ("partner", &s.partner),
            ]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!(" {k}={v}")))
            .collect::<String>();
            write_audit!(
                &mut *tx,
                at,
                by,
                "subscribe",
                "report_subscription",
                id.to_string(),
                format!(
                    "{} report for {} at {}{}{narrowing}",
                    s.kind,
                    s.username,
                    s.at_time,
                    s.weekday
                        .map(|w| format!(" on weekday {w}"))
                        .unwrap_or_default()
                )
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Ends a subscription, audited (its runs are kept): not found when there is no
    /// such subscription or it ended already.
    pub async fn remove_subscription(&self, id: i64, by: &str, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let n = sqlx::query("UPDATE report_subscriptions SET removed_by = $1, removed_at = $2 WHERE id = $3 AND removed_at IS NULL")
                .bind(by)
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("report subscription {id}")));
            }
            write_audit!(
                &mut *tx,
                at,
                by,
                "unsubscribe",
                "report_subscription",
                id.to_string(),
                String::new()
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// The subscriptions in force, oldest first.
    pub async fn subscriptions(&self) -> Result<Vec<SubscriptionRow>> {
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM report_subscriptions WHERE removed_at IS NULL ORDER BY id"
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok(subscription_row!(r)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// One subscription in force.
    pub async fn subscription(&self, id: i64) -> Result<Option<SubscriptionRow>> {
        Ok(self.subscriptions().await?.into_iter().find(|s| s.id == id))
    }

    /// Each subscription's latest run (by period).
    pub async fn latest_report_runs(&self) -> Result<BTreeMap<i64, ReportRunRow>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM report_runs r WHERE period = (SELECT MAX(period) FROM report_runs x WHERE x.subscription_id = r.subscription_id)"
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok(run_row!(r)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows.into_iter().map(|r| (r.subscription_id, r)).collect())
    }

    /// Runs, newest first: of one subscription or of all.
    pub async fn report_runs(
        &self,
        subscription: Option<i64>,
        limit: i64,
    ) -> Result<Vec<ReportRunRow>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM report_runs WHERE ($1 IS NULL OR subscription_id = $1) ORDER BY started_at DESC, id DESC LIMIT $2"
        );
        let rows = on_pool!(self, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(subscription)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok(run_row!(r)))
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Claims the run of `subscription` for `period` for this runner until `until`:
    /// its id, or `None` when it is another's to send or was sent. A new period is
    /// claimed by inserting its row (once: the pair is unique); a failed run whose
    /// next try has come (six tries at most), or a claim that lapsed (its runner
    /// died), is taken over.
    #[allow(clippy::too_many_arguments)]
    pub async fn claim_report_run(
        &self,
        subscription: i64,
        period: NaiveDate,
        due_at: DateTime<Utc>,
        late: bool,
        runner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let id = on_pool!(self, |pool| {
            let inserted: Option<i64> = sqlx::query("INSERT INTO report_runs (subscription_id, period, due_at, late, state, runner, started_at, claimed_until) VALUES ($1, $2, $3, $4, 'sending', $5, $6, $7) ON CONFLICT (subscription_id, period) DO NOTHING RETURNING id")
                .bind(subscription)
                .bind(period)
                .bind(due_at)
                .bind(late)
                .bind(runner)
                .bind(now)
                .bind(until)
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?;
            match inserted {
                Some(id) => Some(id),
                None => sqlx::query("UPDATE report_runs SET state = 'sending', runner = $1, attempts = attempts + 1, claimed_until = $2, late = $3 WHERE subscription_id = $4 AND period = $5 AND ((state = 'failed' AND next_try IS NOT NULL AND next_try <= $6 AND attempts < 6) OR (state = 'sending' AND claimed_until < $6)) RETURNING id")
                    .bind(runner)
                    .bind(until)
                    .bind(late)
                    .bind(subscription)
                    .bind(period)
                    .bind(now)
                    .fetch_optional(pool)
                    .await?
                    .map(|r| r.try_get("id"))
                    .transpose()?,
            }
        });
        Ok(id)
    }

    /// Records how a claimed run ended (only while it is still being sent: a run
    /// another runner took over after this one's claim lapsed is theirs to record).
    pub async fn finish_report_run(
        &self,
        id: i64,
        at: DateTime<Utc>,
        end: &RunEnd<'_>,
    ) -> Result<bool> {
        let (state, to, subject, error, next_try) = match end {
            RunEnd::Sent { to, subject } => ("sent", *to, *subject, "", None),
            RunEnd::Failed {
                to,
                error,
                next_try,
            } => ("failed", *to, "", *error, *next_try),
        };
        let n = on_pool!(self, |pool| {
            sqlx::query("UPDATE report_runs SET state = $1, to_addr = $2, subject = $3, error = $4, next_try = $5, finished_at = $6 WHERE id = $7 AND state = 'sending'")
                .bind(state)
                .bind(to)
                .bind(subject)
                .bind(error)
                .bind(next_try)
                .bind(at)
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }
}
