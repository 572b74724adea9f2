//! Who is asking: the session cookie, checked against the database on every request.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dspdesk_core::Scope;
use dspdesk_store::UserRow;

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
    pub csrf: String,
    pub token: String,
}

impl User {
    pub fn scope(&self) -> Scope {
        self.user.scope()
    }
}

async fn current(parts: &Parts, state: &AppState) -> Result<Option<User>, Response> {
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    match dspdesk_app::people::session(&state.ws, token).await {
        Ok(Some((user, csrf))) => Ok(Some(User {
            user,
            csrf,
            token: token.to_owned(),
        })),
        Ok(None) => Ok(None),
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

impl FromRequestParts<AppState> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match current(parts, state).await? {
            Some(u) => Ok(u),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}

/// A logged-in person, for the API: without a session, 401 in the API's error format.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            return match dspdesk_app::people::token_user(&state.ws, token.trim()).await {
                Ok(Some(user)) => Ok(ApiUser(User {
                    user,
                    csrf: String::new(),
                    token: String::new(),
                })),
                Ok(None) => Err(crate::api::error(
                    StatusCode::UNAUTHORIZED,
                    "the bearer token is unknown or revoked",
                )),
                Err(e) => {
                    tracing::error!(error = %e, "token lookup failed");
                    Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
                }
            };
        }
        match current(parts, state).await? {
            Some(u) => Ok(ApiUser(u)),
            None => Err(crate::api::error(
                StatusCode::UNAUTHORIZED,
                "log in first (the session cookie is missing or expired)",
            )),
        }
    }
}
