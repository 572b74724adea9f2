//! People: creating users, logging in (argon2, throttled), sessions stored in the
//! database. Session tokens are random; only their SHA-256 is stored.

mod audit;

pub use audit::{AuditQuery, audit, audit_table};

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use dspdesk_core::{Action, PartnerCode, Role, StationCode};
use dspdesk_store::{NewUser, TokenRow, UserRow};
use sha2::{Digest, Sha256};

/// Failed logins of one username within `THROTTLE_WINDOW` before logins are refused.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const THROTTLE_MINUTES: i64 = 15;
pub const SESSION_HOURS: i64 = 12;

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong username or password")]
    Wrong,
    #[error(
        "too many failed logins for this user; wait {THROTTLE_MINUTES} minutes or ask an admin"
    )]
    Throttled,
    #[error(transparent)]
    App(#[from] AppError),
}

/// A logged-in session: the token goes in a cookie, the CSRF token in forms.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub csrf: String,
    pub user: UserRow,
}

/// 32 random bytes as hex.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    if password.chars().count() < 10 {
        return Err(AppError::invalid(
            "password",
            "a password has at least 10 characters",
        ));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("cannot hash the password: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a new user's role and scope codes: a partner user has exactly one partner.
pub fn scopes_for(
    role: Role,
    partners: &[String],
    stations: &[String],
) -> Result<Vec<(String, String)>, AppError> {
    for p in partners {
        PartnerCode::parse(p)
            .map_err(|e| AppError::invalid("partner", format!("partner code {p:?} {e}")))?;
    }
    for s in stations {
        StationCode::parse(s)
            .map_err(|e| AppError::invalid("station", format!("station code {s:?} {e}")))?;
    }
    let partner_scopes = || partners.iter().map(|p| ("partner".to_string(), p.clone()));
    let station_scopes = || stations.iter().map(|s| ("station".to_string(), s.clone()));
    match role {
        Role::Admin | Role::Program if partners.is_empty() && stations.is_empty() => Ok(Vec::new()),
        Role::Admin | Role::Program => Err(AppError::invalid(
            "role",
            format!("a {role} sees everything: give no partner or station"),
        )),
        Role::Partner if partners.len() == 1 && stations.is_empty() => {
            Ok(partner_scopes().collect())
        }
        Role::Partner => Err(AppError::invalid(
            "partner",
            "a partner user belongs to exactly one partner: give one partner",
        )),
        Role::Coach if !partners.is_empty() && stations.is_empty() => {
            Ok(partner_scopes().collect())
        }
        Role::Coach => Err(AppError::invalid(
            "partner",
            "a coach has a portfolio of partners: give one or more partners",
        )),
        Role::Station if !stations.is_empty() && partners.is_empty() => {
            Ok(station_scopes().collect())
        }
        Role::Station => Err(AppError::invalid(
            "station",
            "a station manager has stations: give one or more stations",
        )),
    }
}

/// A user to add.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// From [`scopes_for`].
    pub scopes: Vec<(String, String)>,
    pub password: String,
}

/// Adds a user (admins only); audited as the caller.
pub async fn create_user(ws: &Workspace, actor: &Actor, p: &NewPerson) -> Result<i64, AppError> {
    actor.must(Action::ManageUsers)?;
    let username = p.username.as_str();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        return Err(AppError::invalid(
            "username",
            format!("username {username:?}: use 1 to 64 letters, digits, '.', '_', '-' or '@'"),
        ));
    }
    if ws.store.user_by_name(username).await?.is_some() {
        return Err(AppError::invalid(
            "username",
            format!("a user named {username:?} exists already"),
        ));
    }
    let user = NewUser {
        username: username.into(),
        display_name: p.display_name.clone(),
        role: p.role,
        password_hash: hash_password(&p.password)?,
        scopes: p.scopes.clone(),
    };
    Ok(ws.store.create_user(&actor.audit, &user).await?)
}

/// A hash no password matches, checked when the user is unknown so that every wrong
/// login costs the same time.
const NO_USER_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI";

/// Checks a password and opens a session; refuses after too many failures. The
/// attempt is counted before the password is checked, so parallel guesses cannot
/// beat the lock, and every refusal (unknown user, disabled user, wrong password)
/// spends one password check.
pub async fn login(ws: &Workspace, username: &str, password: &str) -> Result<Session, LoginError> {
    let since = Utc::now() - Duration::minutes(THROTTLE_MINUTES);
    let attempt = random_token()?;
    let failed = ws
        .store
        .claim_login_attempt(username, &attempt, since)
        .await
        .map_err(AppError::from)?;
    if failed > MAX_FAILED_LOGINS {
        ws.store
            .forget_login_attempt(&attempt)
            .await
            .map_err(AppError::from)?;
        return Err(LoginError::Throttled);
    }
    let user = ws
        .store
        .user_by_name(username)
        .await
        .map_err(AppError::from)?;
    let hash = user
        .as_ref()
        .map_or(NO_USER_HASH, |u| u.password_hash.as_str());
    let matches = verify_password(password, hash);
    let Some(user) = user.filter(|u| matches && !u.disabled) else {
        return Err(LoginError::Wrong);
    };
    ws.store
        .login_attempt_succeeded(&attempt)
        .await
        .map_err(AppError::from)?;
    let token = random_token()?;
    let csrf = random_token()?;
    ws.store
        .create_session(
            &token_hash(&token),
            user.id,
            &csrf,
            Utc::now() + Duration::hours(SESSION_HOURS),
        )
        .await
        .map_err(AppError::from)?;
    Ok(Session { token, csrf, user })
}

/// The user and CSRF token behind a session token.
pub async fn session(ws: &Workspace, token: &str) -> Result<Option<(UserRow, String)>, AppError> {
    Ok(ws.store.session_user(&token_hash(token)).await?)
}

pub async fn logout(ws: &Workspace, token: &str) -> Result<(), AppError> {
    Ok(ws.store.delete_session(&token_hash(token)).await?)
}

/// Creates an API token for a user; the token is returned once and only its hash kept.
pub async fn create_token(
    ws: &Workspace,
    actor: &Actor,
    username: &str,
    name: &str,
) -> Result<(i64, String), AppError> {
    actor.must(Action::ManageUsers)?;
    let token = format!("dspd_{}", random_token()?);
    let id = ws
        .store
        .create_token(&actor.audit, username, name, &token_hash(&token))
        .await?;
    Ok((id, token))
}

/// The user behind a bearer token.
pub async fn token_user(ws: &Workspace, token: &str) -> Result<Option<UserRow>, AppError> {
    Ok(ws.store.token_user(&token_hash(token)).await?)
}

/// Every user (admins only).
pub async fn users(ws: &Workspace, actor: &Actor) -> Result<Vec<UserRow>, AppError> {
    actor.must(Action::ManageUsers)?;
    Ok(ws.store.list_users().await?)
}

/// Disables a user and ends their sessions (admins only, never oneself); audited.
pub async fn disable_user(ws: &Workspace, actor: &Actor, username: &str) -> Result<(), AppError> {
    actor.must(Action::ManageUsers)?;
    if username == actor.username {
        return Err(AppError::invalid("username", "you cannot disable yourself"));
    }
    Ok(ws
        .store
        .set_user_disabled(&actor.audit, username, true)
        .await?)
}

/// Every API token, without its secret (admins only).
pub async fn tokens(ws: &Workspace, actor: &Actor) -> Result<Vec<TokenRow>, AppError> {
    actor.must(Action::ManageUsers)?;
    Ok(ws.store.list_tokens().await?)
}

/// Revokes a token (admins only); audited.
pub async fn revoke_token(ws: &Workspace, actor: &Actor, id: i64) -> Result<(), AppError> {
    actor.must(Action::ManageUsers)?;
    Ok(ws.store.revoke_token(&actor.audit, id).await?)
}

/// Whether a username is taken.
pub async fn exists(ws: &Workspace, username: &str) -> Result<bool, AppError> {
    Ok(ws.store.user_by_name(username).await?.is_some())
}

/// Sets a user's password (admins only), ends their sessions and revokes their API
/// tokens; audited.
pub async fn reset_password(
    ws: &Workspace,
    actor: &Actor,
    username: &str,
    password: &str,
) -> Result<(), AppError> {
    actor.must(Action::ManageUsers)?;
    let hash = hash_password(password)?;
    Ok(ws
        .store
        .set_user_password(&actor.audit, username, &hash)
        .await?)
}
