//! API tokens: stored as hashes, each belonging to a user, revocable at once.

use super::UserRow;
use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl Store {
    /// Stores a new API token's hash for a user, audited.
    pub async fn create_token(
        &self,
        actor: &str,
        username: &str,
        name: &str,
        token_hash: &str,
    ) -> Result<i64> {
        let user = self
            .user_by_name(username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no user named {username:?}")))?;
        let now = Utc::now();
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query("INSERT INTO api_tokens (user_id, name, token_hash, created_at, revoked) VALUES ($1, $2, $3, $4, FALSE) RETURNING id")
                .bind(user.id)
                .bind(name)
                .bind(token_hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
            write_audit!(
                &mut *tx,
                now,
                actor,
                "create-token",
                "user",
                username,
                format!("token {id} {name:?}")
            );
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// The enabled user behind a live (not revoked) token.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<UserRow>> {
        let name = on_pool!(self, |pool| {
            sqlx::query(
                "SELECT u.username FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND t.revoked = FALSE AND u.disabled = FALSE",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get::<String, _>("username"))
            .transpose()?
        });
        match name {
            Some(n) => self.user_by_name(&n).await,
            None => Ok(None),
        }
    }

    pub async fn list_tokens(&self) -> Result<Vec<TokenRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT t.id, u.username, t.name, t.created_at, t.revoked FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id")
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(TokenRow {
                        id: r.try_get("id")?,
                        username: r.try_get("username")?,
                        name: r.try_get("name")?,
                        created_at: r.try_get("created_at")?,
                        revoked: r.try_get("revoked")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// Revokes a token at once, audited.
    pub async fn revoke_token(&self, actor: &str, id: i64) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query("UPDATE api_tokens SET revoked = TRUE WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound(format!("no token {id}")));
            }
            write_audit!(
                &mut *tx,
                now,
                actor,
                "revoke-token",
                "api_token",
                id.to_string(),
                ""
            );
            tx.commit().await?;
        });
        Ok(())
    }
}
