//! The checks every handler of a kind needs, as extractors, so no handler repeats
//! them: the week asked for, a CSRF-checked form, the CSRF token of an upload (read
//! before its body), and a role guard.

use crate::AppState;
use crate::shared::auth::User;
use crate::shared::error::{ApiError, PageError, WebError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use dspdesk_core::{Action, IsoWeek, PartnerCode, StationCode};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// `?week=2026-W47`: absent or empty means the default week.
pub fn parse_week(raw: Option<&str>) -> Result<Option<IsoWeek>, String> {
    raw.filter(|w| !w.is_empty())
        .map(IsoWeek::parse)
        .transpose()
}

#[derive(serde::Deserialize)]
struct WeekOnly {
    week: Option<String>,
}

fn week_of<F>(parts: &Parts) -> Result<Option<IsoWeek>, WebError<F>> {
    let q = axum::extract::Query::<WeekOnly>::try_from_uri(&parts.uri)
        .map_err(|e| WebError::bad_request(e.body_text()))?;
    parse_week(q.0.week.as_deref()).map_err(WebError::bad_request)
}

/// The `?week=` of a page; a malformed week is a 400.
pub struct PageWeek(pub Option<IsoWeek>);

impl<S: Send + Sync> FromRequestParts<S> for PageWeek {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, PageError> {
        week_of(parts).map(PageWeek)
    }
}

/// The `?week=` of an API call; a malformed week is a 400 in the API's error shape.
pub struct ApiWeek(pub Option<IsoWeek>);

impl<S: Send + Sync> FromRequestParts<S> for ApiWeek {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        week_of(parts).map(ApiWeek)
    }
}

const EXPIRED: &str = "the form expired; reload the page";

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// A form posted by a logged-in person, whose `csrf` field matched their session's
/// token; a forged or stale form is a 403 and its fields are never read.
pub struct CsrfForm<T> {
    pub user: User,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let user = User::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let token: CsrfOnly = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| PageError::bad_request(e.to_string()).into_response())?;
        if token.csrf != user.csrf {
            return Err(PageError::forbidden(EXPIRED).into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| PageError::bad_request(e.to_string()).into_response())?;
        Ok(CsrfForm { user, form })
    }
}

#[derive(serde::Deserialize)]
struct CsrfQuery {
    csrf: Option<String>,
}

/// A multipart upload by a person whose role may take `G::ACTION`, with the CSRF
/// token taken from `?csrf=` before a byte of the body is read: a forged or
/// unauthorised upload is refused without receiving its file.
pub struct CsrfUpload<G>(pub User, pub PhantomData<G>);

impl<G: Guard> FromRequestParts<AppState> for CsrfUpload<G> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Can(user, _) = Can::<G>::from_request_parts(parts, state).await?;
        let q = axum::extract::Query::<CsrfQuery>::try_from_uri(&parts.uri)
            .map_err(|e| PageError::bad_request(e.body_text()).into_response())?;
        if q.0.csrf.as_deref() != Some(user.csrf.as_str()) {
            return Err(PageError::forbidden(EXPIRED).into_response());
        }
        Ok(CsrfUpload(user, PhantomData))
    }
}

/// An action a role guard checks (`Role::may`).
pub trait Guard {
    const ACTION: Action;
}

/// A logged-in person whose role may take `G::ACTION`; else 403.
pub struct Can<G>(pub User, pub PhantomData<G>);

impl<G: Guard> FromRequestParts<AppState> for Can<G> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let user = User::from_request_parts(parts, state).await?;
        if !user.user.role.may(G::ACTION) {
            return Err(
                PageError::from(dspdesk_app::AppError::Forbidden(G::ACTION)).into_response()
            );
        }
        Ok(Can(user, PhantomData))
    }
}

/// The guards the screens use.
pub mod may {
    use super::Guard;
    use dspdesk_core::Action;

    pub struct LoadFiles;
    impl Guard for LoadFiles {
        const ACTION: Action = Action::LoadFiles;
    }

    pub struct ManageUsers;
    impl Guard for ManageUsers {
        const ACTION: Action = Action::ManageUsers;
    }

    pub struct ManageConfig;
    impl Guard for ManageConfig {
        const ACTION: Action = Action::ManageConfig;
    }
}

/// A partner code from a URL. A malformed code names nothing, so it is not found,
/// like a code outside the caller's scope.
pub fn partner_code<F>(raw: &str) -> Result<PartnerCode, WebError<F>> {
    PartnerCode::parse(raw).map_err(|_| WebError::not_found("no such partner in your scope"))
}

/// A station code from a URL; a malformed one is not found.
pub fn station_code<F>(raw: &str) -> Result<StationCode, WebError<F>> {
    StationCode::parse(raw).map_err(|_| WebError::not_found("no such station in your scope"))
}
