//! Sessions, and the login attempts that rate-limit signing in.

use super::UserRow;
use crate::db::{Result, Store, on_pool};
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Store {
    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id_hash)
                .bind(user_id)
                .bind(csrf)
                .bind(Utc::now())
                .bind(expires_at)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The user and CSRF token of a live session of an enabled user.
    pub async fn session_user(&self, id_hash: &str) -> Result<Option<(UserRow, String)>> {
        let found = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT u.username, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE",
            )
            .bind(id_hash)
            .bind(Utc::now())
            .fetch_optional(pool)
            .await?
            .map(|r| {
                Ok::<_, sqlx::Error>((
                    r.try_get::<String, _>("username")?,
                    r.try_get::<String, _>("csrf")?,
                ))
            })
            .transpose()?
        });
        let Some((username, csrf)) = found else {
            return Ok(None);
        };
        Ok(self.user_by_name(&username).await?.map(|u| (u, csrf)))
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records a login attempt as failed before its password is checked and returns
    /// the failures of the username since `since`, this one included. Counting after
    /// recording makes parallel guesses see each other: the lock cannot be raced.
    pub async fn claim_login_attempt(
        &self,
        username: &str,
        attempt: &str,
        since: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO login_attempts (username, at, ok, attempt) VALUES ($1, $2, FALSE, $3)",
            )
            .bind(username)
            .bind(Utc::now())
            .bind(attempt)
            .execute(pool)
            .await?;
        });
        self.failed_logins_since(username, since).await
    }

    /// Forgets a claimed attempt that was refused unchecked (the lock was on): a
    /// person retrying while locked does not keep the lock on.
    pub async fn forget_login_attempt(&self, attempt: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM login_attempts WHERE attempt = $1")
                .bind(attempt)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Marks a claimed attempt as a success: it no longer counts as a failure.
    pub async fn login_attempt_succeeded(&self, attempt: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("UPDATE login_attempts SET ok = TRUE WHERE attempt = $1")
                .bind(attempt)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Failed logins of a username since a moment.
    pub async fn failed_logins_since(&self, username: &str, since: DateTime<Utc>) -> Result<i64> {
        let n = on_pool!(self, |pool| {
            sqlx::query("SELECT COUNT(*) AS n FROM login_attempts WHERE username = $1 AND at > $2 AND ok = FALSE")
                .bind(username)
                .bind(since)
                .fetch_one(pool)
                .await?
                .try_get::<i64, _>("n")?
        });
        Ok(n)
    }
}
