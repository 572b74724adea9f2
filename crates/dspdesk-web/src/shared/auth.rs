//! Who is asking: the session cookie (pages and API) or a bearer token (API), checked
//! against the database on every request.

use crate::AppState;
use crate::shared::error::{ApiError, PageError};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use dspdesk_app::{Actor, UserRow};

pub const SESSION_COOKIE: &str = "dspdesk_session";
pub const LOGIN_CSRF_COOKIE: &str = "dspdesk_login_csrf";

/// A cookie's value from the request.
pub fn cookie<'a>(parts: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A logged-in person, for pages: without a session, the browser goes to the login page.
pub struct User {
    pub user: UserRow,
    /// The caller every use case is asked as.
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    /// Unread notifications, for the header (pages only).
    pub unread: i64,
    /// The zone the person reads times in (their station's; pages only, else the
    /// network's default).
    pub zone: dspdesk_app::Tz,
}

impl User {
    fn new(user: UserRow, csrf: String, token: String) -> User {
        User {
            actor: Actor::user(&user, "web"),
            user,
            csrf,
            token,
            unread: 0,
            zone: dspdesk_app::Tz::UTC,
        }
    }
}

async fn current(parts: &Parts, state: &AppState) -> Result<Option<User>, String> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    match dspdesk_app::people::session(&state.ws, token).await {
        Ok(Some((user, csrf))) => {
            let mut u = User::new(user, csrf, token.to_owned());
            u.unread = dspdesk_app::notifications::unread(&state.ws, &u.actor)
                .await
                .map_err(|e| format!("unread count failed: {e}"))?;
            u.zone = dspdesk_app::network::viewer_zone(&state.ws, &u.actor)
                .await
                .map_err(|e| format!("reading the viewer's zone failed: {e}"))?;
            Ok(Some(u))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(format!("session lookup failed: {e}")),
    }
}

impl FromRequestParts<AppState> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match current(parts, state).await {
            Ok(Some(u)) => Ok(u),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(PageError::internal(e).into_response()),
        }
    }
}

/// The token of an `Authorization: Bearer TOKEN` header; the scheme's name is
/// case-insensitive (RFC 9110, 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A logged-in person or script, for the API: a bearer token or the session cookie;
/// without either, 401 in the API's error format.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthorized = |m: &str| ApiError::new(axum::http::StatusCode::UNAUTHORIZED, m);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token);
        if let Some(token) = bearer {
            return match dspdesk_app::people::token_user(&state.ws, token).await? {
                Some(user) => {
                    let mut u = User::new(user, String::new(), String::new());
                    u.zone = state.ws.default_zone;
                    Ok(ApiUser(u))
                }
                None => Err(unauthorized("the bearer token is unknown or revoked")),
            };
        }
        match current(parts, state).await.map_err(ApiError::internal)? {
            Some(u) => Ok(ApiUser(u)),
            None => Err(unauthorized(
                "log in first (the session cookie is missing or expired)",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(super::bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(super::bearer_token("bearer abc "), Some("abc"));
        assert_eq!(super::bearer_token("BEARER  abc"), Some("abc"));
        assert_eq!(super::bearer_token("Basic abc"), None);
        assert_eq!(super::bearer_token("Bearerabc"), None);
    }
}
