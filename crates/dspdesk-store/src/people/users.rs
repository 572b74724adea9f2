//! Users: each with a role and a scope. Every change to a user ends their sessions and
//! writes an audit row, in the same transaction.

use crate::db::{Result, Store, StoreError, on_pool, write_audit};
use chrono::Utc;
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
            write_audit!(
                &mut *tx,
                now,
                actor,
                "create",
                "user",
                &u.username,
                format!("role={} scopes={}", u.role, scopes.join(","))
            );
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

    /// Replaces a user's password hash, ending their sessions and revoking their API
    /// tokens (a reset is what follows a leak), audited.
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
            let mut detail = String::new();
            if column == "password_hash" {
                let revoked = sqlx::query(
                    "UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1 AND revoked = FALSE",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                detail = format!("sessions ended, {revoked} API token(s) revoked");
            }
            write_audit!(&mut *tx, now, actor, action, "user", username, detail);
            tx.commit().await?;
        });
        Ok(())
    }
}
