//! The web application: server-rendered pages, a JSON API under `/api/v1`, sessions
//! and roles. Handlers are thin: parse, call one use case, render. Scope is enforced
//! by the store's queries; handlers only pass the caller's scope along.

mod api;
mod auth;
mod charts;
mod openapi;
mod pages;
mod scorepages;
mod tables;
mod telemetry;

use axum::Router;
use axum::routing::{MethodRouter, get, post};
use dspdesk_app::Workspace;
use std::future::Future;
use std::sync::Arc;

pub use auth::SESSION_COOKIE;
pub use openapi::{describe as describe_api_route, document as openapi_document};

/// `?week=2026-W47`: absent or empty means the default week.
pub(crate) fn parse_week(raw: Option<&str>) -> Result<Option<dspdesk_core::IsoWeek>, String> {
    raw.filter(|w| !w.is_empty())
        .map(dspdesk_core::IsoWeek::parse)
        .transpose()
}

#[derive(serde::Deserialize)]
struct WeekOnly {
    week: Option<String>,
}

fn week_of(parts: &axum::http::request::Parts) -> Result<Option<dspdesk_core::IsoWeek>, String> {
    let q =
        axum::extract::Query::<WeekOnly>::try_from_uri(&parts.uri).map_err(|e| e.body_text())?;
    parse_week(q.0.week.as_deref())
}

/// The `?week=` of a page; a malformed week is a plain-text 400.
pub struct PageWeek(pub Option<dspdesk_core::IsoWeek>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageWeek {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        week_of(parts)
            .map(PageWeek)
            .map_err(|e| (axum::http::StatusCode::BAD_REQUEST, e).into_response())
    }
}

/// The `?week=` of an API call; a malformed week is a 400 in the API's error shape.
pub struct ApiWeek(pub Option<dspdesk_core::IsoWeek>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ApiWeek {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        week_of(parts)
            .map(ApiWeek)
            .map_err(|e| api::error(axum::http::StatusCode::BAD_REQUEST, &e))
    }
}

/// The largest file the upload page takes; larger files load with `dspdesk ingest`.
pub const UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub ws: Workspace,
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    pub metrics: Arc<telemetry::Metrics>,
}

impl AppState {
    pub fn new(ws: Workspace, secure_cookies: bool) -> AppState {
        AppState {
            ws,
            secure_cookies,
            metrics: Arc::default(),
        }
    }
}

/// Every route of the application: the router is built from this list, and the tests
/// walk it, so a new route cannot miss the scope tests.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/", get(pages::overview)),
        ("/login", get(pages::login_form).post(pages::login)),
        ("/logout", post(pages::logout)),
        ("/partners", get(pages::partners)),
        ("/partners/{code}", get(pages::partner)),
        ("/partners/{code}/days/{date}", get(pages::partner_day)),
        ("/stations", get(pages::stations)),
        ("/scores", get(scorepages::scores)),
        ("/partners/{code}/scorecard", get(scorepages::scorecard)),
        ("/flags", get(scorepages::flags)),
        ("/goals", get(scorepages::goals).post(scorepages::set_goals)),
        ("/profit", get(scorepages::profit_page)),
        ("/cod", get(scorepages::cod)),
        ("/admin/users", get(pages::users).post(pages::add_user)),
        ("/admin/users/{username}/disable", post(pages::disable_user)),
        (
            "/admin/config",
            get(scorepages::config).post(scorepages::config_post),
        ),
        ("/stations/{station}", get(pages::station)),
        (
            "/upload",
            get(pages::upload_form)
                .post(pages::upload)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        (
            "/stations/{station}/days/{date}/routes/{route}",
            get(pages::route),
        ),
        ("/static/app.css", get(pages::css)),
        ("/static/app.js", get(pages::js)),
        ("/static/favicon.svg", get(pages::favicon)),
        ("/favicon.ico", get(pages::favicon)),
        ("/healthz", get(telemetry::healthz)),
        ("/metrics", get(telemetry::metrics)),
        ("/api/v1/openapi.json", get(openapi::serve)),
        ("/api/v1/overview", get(api::overview)),
        ("/api/v1/partners", get(api::partners)),
        ("/api/v1/partners/{code}", get(api::partner)),
        ("/api/v1/partners/{code}/days/{date}", get(api::partner_day)),
        ("/api/v1/stations", get(api::stations)),
        ("/api/v1/scores", get(scorepages::api_scores)),
        (
            "/api/v1/partners/{code}/scorecard",
            get(scorepages::api_scorecard),
        ),
        ("/api/v1/flags", get(scorepages::api_flags)),
        ("/api/v1/goals", get(scorepages::api_goals)),
        ("/api/v1/profit", get(scorepages::api_profit)),
        ("/api/v1/cod", get(scorepages::api_cod)),
        ("/api/v1/stations/{station}", get(api::station)),
        (
            "/api/v1/stations/{station}/days/{date}/routes/{route}",
            get(api::route),
        ),
    ]
}

pub fn router(state: AppState) -> Router {
    routes()
        .into_iter()
        .fold(Router::new(), |r, (path, route)| r.route(path, route))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            telemetry::track,
        ))
        .layer(axum::middleware::from_fn(telemetry::security_headers))
        .with_state(state)
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
