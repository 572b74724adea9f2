//! People: users with a role and a scope, sessions, login attempts, and the audit log
//! that every change to a user writes in the same transaction.

use crate::{Result, Store, StoreError, on_pool};
use chrono::{DateTime, Utc};
use dspdesk_core::{Role, Scope};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub password_hash: String,
    /// `("partner", code)` or `("station", code)` entries.
    pub scopes: Vec<(String, String)>,
}

impl UserRow {
    /// What this person may see.
    pub fn scope(&self) -> Scope {
        let codes = |kind: &str| {
            self.scopes
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, c)| c.clone())
                .collect()
        };
        match self.role {
            Role::Admin | Role::Program => Scope::All,
            Role::Coach | Role::Partner => Scope::Partners(codes("partner")),
            Role::Station => Scope::Stations(codes("station")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub scopes: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
}

const AUDIT: &str = "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)";

impl Store {
    /// Creates a user and writes the audit row, in one transaction.
    pub async fn create_user(&self, actor: &str, u: &NewUser) -> Result<i64> {
        let now = Utc::now();
        let id = on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query(
                "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING id",
            )
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            for (kind, code) in &u.scopes {
                sqlx::query("INSERT INTO user_scopes (user_id, kind, code) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(kind)
                    .bind(code)
                    .execute(&mut *tx)
                    .await?;
            }
            let scopes: Vec<String> = u.scopes.iter().map(|(k, c)| format!("{k}:{c}")).collect();
            sqlx::query(AUDIT)
                .bind(now)
                .bind(actor)
                .bind("create")
                .bind("user")
                .bind(&u.username)
                .bind(format!("role={} scopes={}", u.role, scopes.join(",")))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>> {
        let users = self
            .users_where("WHERE u.username = $1", Some(username))
            .await?;
        Ok(users.into_iter().next())
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>> {
        self.users_where("", None).await
    }

    async fn users_where(&self, filter: &'static str, arg: Option<&str>) -> Result<Vec<UserRow>> {
        let sql = format!(
            "SELECT u.id, u.username, u.display_name, u.role, u.password_hash, u.disabled, s.kind, s.code
             FROM users u LEFT JOIN user_scopes s ON s.user_id = u.id {filter} ORDER BY u.username, s.kind, s.code"
        );
        let rows = on_pool!(self, |pool| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if let Some(a) = arg {
                q = q.bind(a);
            }
            let mut out: Vec<UserRow> = Vec::new();
            for r in q.fetch_all(pool).await? {
                let id: i64 = r.try_get("id")?;
                if out.last().is_none_or(|u| u.id != id) {
                    let role: String = r.try_get("role")?;
                    out.push(UserRow {
                        id,
                        username: r.try_get("username")?,
                        display_name: r.try_get("display_name")?,
                        role: Role::parse(&role)
                            .ok_or_else(|| StoreError::NotFound(format!("role {role}")))?,
                        disabled: r.try_get("disabled")?,
                        password_hash: r.try_get("password_hash")?,
                        scopes: Vec::new(),
                    });
                }
                let kind: Option<String> = r.try_get("kind")?;
                let code: Option<String> = r.try_get("code")?;
                if let (Some(k), Some(c), Some(u)) = (kind, code, out.last_mut()) {
                    u.scopes.push((k, c));
                }
            }
            out
        });
        Ok(rows)
    }

    /// Disables or enables a user (ending their sessions), audited.
    pub async fn set_user_disabled(
        &self,
        actor: &str,
        username: &str,
        disabled: bool,
    ) -> Result<()> {
        self.update_user(
            actor,
            username,
            "disabled",
            if disabled { "disable" } else { "enable" },
            None,
            Some(disabled),
        )
        .await
    }

    /// Replaces a user's password hash (ending their sessions), audited.
    pub async fn set_user_password(&self, actor: &str, username: &str, hash: &str) -> Result<()> {
        self.update_user(
            actor,
            username,
            "password_hash",
            "reset-password",
            Some(hash),
            None,
        )
        .await
    }

    async fn update_user(
        &self,
        actor: &str,
        username: &str,
        column: &'static str,
        action: &str,
        text: Option<&str>,
        flag: Option<bool>,
    ) -> Result<()> {
        let now = Utc::now();
        let sql = format!(
            "UPDATE users SET {column} = $1, updated_at = $2 WHERE username = $3 RETURNING id"
        );
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let q = sqlx::query(sqlx::AssertSqlSafe(sql));
            let q = match (text, flag) {
                (Some(t), _) => q.bind(t),
                (None, f) => q.bind(f.unwrap_or(false)),
            };
            let row = q.bind(now).bind(username).fetch_optional(&mut *tx).await?;
            let Some(row) = row else {
                return Err(StoreError::NotFound(format!("no user named {username:?}")));
            };
            let id: i64 = row.try_get("id")?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(AUDIT)
                .bind(now)
                .bind(actor)
                .bind(action)
                .bind("user")
                .bind(username)
                .bind("")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

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

    pub async fn record_login(&self, username: &str, ok: bool) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("INSERT INTO login_attempts (username, at, ok) VALUES ($1, $2, $3)")
                .bind(username)
                .bind(Utc::now())
                .bind(ok)
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

    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditRow>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query("SELECT at, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(AuditRow {
                        at: r.try_get("at")?,
                        actor: r.try_get("actor")?,
                        action: r.try_get("action")?,
                        entity: r.try_get("entity")?,
                        entity_id: r.try_get("entity_id")?,
                        detail: r.try_get("detail")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }
}

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
            sqlx::query(AUDIT)
                .bind(now)
                .bind(actor)
                .bind("create-token")
                .bind("user")
                .bind(username)
                .bind(format!("token {id} {name:?}"))
                .execute(&mut *tx)
                .await?;
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
            sqlx::query(AUDIT)
                .bind(now)
                .bind(actor)
                .bind("revoke-token")
                .bind("api_token")
                .bind(id.to_string())
                .bind("")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}
