//! Notifications (in-app, one row per person) and the e-mail outbox they fill, and
//! what each person chose to receive by e-mail.

use crate::db::{Result, Store, on_pool, write_audit};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A notification to write, and the e-mail to queue with it (when the person has an
/// address and chose this event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub username: String,
    /// `assigned`, `comment`, `state`, `escalated`, `opened`.
    pub event: String,
    pub message: String,
    /// (address, subject, body)
    pub email: Option<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NotificationRow {
    pub id: i64,
    pub followup_id: Option<i64>,
    pub event: String,
    pub message: String,
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// An e-mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MailRow {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i64,
    pub next_try_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: String,
}

/// Writes notifications (and their e-mail) on an executor, in the caller's transaction.
macro_rules! insert {
    ($exec:expr, $followup:expr, $at:expr, $list:expr) => {
        for n in $list.iter() {
            let nid: i64 = sqlx::query("INSERT INTO notifications (username, followup_id, event, message, at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(&n.username)
                .bind($followup)
                .bind(&n.event)
                .bind(&n.message)
                .bind($at)
                .fetch_one(&mut *$exec)
                .await?
                .try_get("id")?;
            if let Some((to, subject, body)) = &n.email {
                sqlx::query("INSERT INTO outbox (notification_id, to_addr, subject, body, created_at, next_try_at) VALUES ($1, $2, $3, $4, $5, $5)")
                    .bind(nid)
                    .bind(to)
                    .bind(subject)
                    .bind(body)
                    .bind($at)
                    .execute(&mut *$exec)
                    .await?;
            }
        }
    };
}
pub(crate) use insert;

macro_rules! mail_row {
    ($r:expr) => {{
        let r = $r;
        MailRow {
            id: r.try_get("id")?,
            to_addr: r.try_get("to_addr")?,
            subject: r.try_get("subject")?,
            body: r.try_get("body")?,
            created_at: r.try_get("created_at")?,
            attempts: r.try_get("attempts")?,
            next_try_at: r.try_get("next_try_at")?,
            sent_at: r.try_get("sent_at")?,
            last_error: r.try_get("last_error")?,
        }
    }};
}

const MAIL: &str =
    "id, to_addr, subject, body, created_at, attempts, next_try_at, sent_at, last_error";

impl Store {
    /// Writes notifications that belong to no change of a follow-up (a test message).
    pub async fn notify(&self, at: DateTime<Utc>, list: &[NewNotification]) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            insert!(&mut *tx, None::<i64>, at, list);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A person's notifications, newest first.
    pub async fn notifications(&self, username: &str, limit: i64) -> Result<Vec<NotificationRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT id, followup_id, event, message, at, read_at FROM notifications WHERE username = $1 ORDER BY id DESC LIMIT $2")
                .bind(username)
                .bind(limit)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(NotificationRow {
                        id: r.try_get("id")?,
                        followup_id: r.try_get("followup_id")?,
                        event: r.try_get("event")?,
                        message: r.try_get("message")?,
                        at: r.try_get("at")?,
                        read_at: r.try_get("read_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    pub async fn unread_count(&self, username: &str) -> Result<i64> {
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM notifications WHERE username = $1 AND read_at IS NULL",
            )
            .bind(username)
            .fetch_one(pool)
            .await?
            .try_get("n")?
        });
        Ok(n)
    }

    /// Marks a person's notifications read: one (`Some(id)`) or all. Only their own.
    pub async fn mark_read(
        &self,
        username: &str,
        id: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        let n = on_pool!(self, |pool| {
            let q = match id {
                Some(id) => sqlx::query("UPDATE notifications SET read_at = $1 WHERE username = $2 AND read_at IS NULL AND id = $3")
                    .bind(at)
                    .bind(username)
                    .bind(id),
                None => sqlx::query("UPDATE notifications SET read_at = $1 WHERE username = $2 AND read_at IS NULL")
                    .bind(at)
                    .bind(username),
            };
            q.execute(pool).await?.rows_affected()
        });
        Ok(n)
    }

    /// E-mail due to be sent at `now`, oldest first.
    pub async fn outbox_due(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<MailRow>> {
        let sql = format!(
            "SELECT {MAIL} FROM outbox WHERE sent_at IS NULL AND next_try_at <= $1 ORDER BY id LIMIT $2"
        );
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(mail_row!(r));
            }
            out
        });
        Ok(rows)
    }

    /// The outbox, newest first, for the operations page.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<MailRow>> {
        let sql = format!("SELECT {MAIL} FROM outbox ORDER BY id DESC LIMIT $1");
        let rows = on_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .fetch_all(pool)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(mail_row!(r));
            }
            out
        });
        Ok(rows)
    }

    /// Claims an e-mail for one sender until `until`: `false` when it was sent or
    /// claimed by another sender meanwhile. A sender that dies mid-send leaves the
    /// claim to lapse, and the e-mail is tried again then.
    pub async fn outbox_claim(
        &self,
        id: i64,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_pool!(self, |pool| {
            sqlx::query("UPDATE outbox SET next_try_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_try_at <= $3")
                .bind(until)
                .bind(id)
                .bind(now)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(n == 1)
    }

    /// Records a send: sent, or failed with the next try. A row already sent is left
    /// as it is (two senders cannot both count it).
    pub async fn outbox_result(
        &self,
        id: i64,
        at: DateTime<Utc>,
        failure: Option<(&str, DateTime<Utc>)>,
    ) -> Result<bool> {
        let n = on_pool!(self, |pool| {
            let q = match failure {
                None => sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2 AND sent_at IS NULL")
                    .bind(at)
                    .bind(id),
                Some((error, next)) => sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_try_at = $2 WHERE id = $3 AND sent_at IS NULL")
                    .bind(error)
                    .bind(next)
                    .bind(id),
            };
            q.execute(pool).await?.rows_affected()
        });
        Ok(n == 1)
    }

    /// A person's e-mail address and the events they receive by e-mail.
    pub async fn email_settings(&self, username: &str) -> Result<(String, Vec<String>)> {
        let out = on_pool!(self, |pool| {
            let email: Option<String> = sqlx::query("SELECT email FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get("email"))
                .transpose()?;
            let events = sqlx::query("SELECT e.event FROM user_email_events e JOIN users u ON u.id = e.user_id WHERE u.username = $1 ORDER BY e.event")
                .bind(username)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| r.try_get("event"))
                .collect::<Result<Vec<String>, sqlx::Error>>()?;
            (email.unwrap_or_default(), events)
        });
        Ok(out)
    }

    /// Every person's e-mail address and chosen events (those with an address).
    pub async fn all_email_settings(
        &self,
    ) -> Result<std::collections::HashMap<String, (String, Vec<String>)>> {
        let out = on_pool!(self, |pool| {
            let mut out: std::collections::HashMap<String, (String, Vec<String>)> =
                Default::default();
            for r in sqlx::query("SELECT u.username, u.email, e.event FROM users u LEFT JOIN user_email_events e ON e.user_id = u.id WHERE u.email <> '' ORDER BY u.username")
                .fetch_all(pool)
                .await?
            {
                let name: String = r.try_get("username")?;
                let email: String = r.try_get("email")?;
                let event: Option<String> = r.try_get("event")?;
                let e = out.entry(name).or_insert_with(|| (email, Vec::new()));
                e.1.extend(event);
            }
            out
        });
        Ok(out)
    }

    /// Sets a person's e-mail address and chosen events, audited.
    pub async fn set_email_settings(
        &self,
        actor: &str,
        username: &str,
        email: &str,
        events: &[String],
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query(
                "UPDATE users SET email = $1, updated_at = $2 WHERE username = $3 RETURNING id",
            )
            .bind(email)
            .bind(at)
            .bind(username)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| crate::db::StoreError::NotFound(format!("user {username}")))?
            .try_get("id")?;
            sqlx::query("DELETE FROM user_email_events WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for e in events {
                sqlx::query("INSERT INTO user_email_events (user_id, event) VALUES ($1, $2)")
                    .bind(id)
                    .bind(e)
                    .execute(&mut *tx)
                    .await?;
            }
            write_audit!(
                &mut *tx,
                at,
                actor,
                "email_settings",
                "user",
                username,
                format!("email={email} events={}", events.join(","))
            );
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records one scheduler round.
    pub async fn record_job_run(
        &self,
        started: DateTime<Utc>,
        finished: DateTime<Utc>,
        runner: &str,
        counts: (i64, i64, i64),
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("INSERT INTO job_runs (started_at, finished_at, runner, escalated, sent, failed) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(started)
                .bind(finished)
                .bind(runner)
                .bind(counts.0)
                .bind(counts.1)
                .bind(counts.2)
                .execute(pool)
                .await?;
        });
        Ok(())
    }
}
