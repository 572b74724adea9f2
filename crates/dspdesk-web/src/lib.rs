//! The web application: server-rendered pages, a JSON API under `/api/v1`, sessions
//! and roles. One folder per capability under `routes/` (the same names as in the app
//! and the store), each with its pages and API. Handlers are thin: an extractor says
//! who is asking, one use case of `dspdesk-app` answers within the caller's scope, a
//! template or JSON renders it, and errors end in `?`.

mod routes;
mod shared;

use axum::Router;
use dspdesk_app::Workspace;
use std::future::Future;
use std::sync::Arc;

pub use routes::{ApiDoc, Query, Route};
pub use shared::auth::SESSION_COOKIE;
pub use shared::server::Limits;

#[derive(Clone)]
pub struct AppState {
    pub ws: Workspace,
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    pub metrics: Arc<shared::telemetry::Metrics>,
    /// The SMTP server e-mail goes through (password hidden); `None`: nothing is sent.
    pub mail: Option<String>,
}

impl AppState {
    pub fn new(ws: Workspace, secure_cookies: bool) -> AppState {
        AppState {
            ws,
            secure_cookies,
            metrics: Arc::default(),
            mail: None,
        }
    }

    pub fn with_mail(mut self, shown: Option<String>) -> AppState {
        self.mail = shown;
        self
    }
}

/// Every route of the application, from every capability: the router is built from
/// this list, and the tests walk it, so a new route cannot miss the scope tests.
pub fn routes() -> Vec<Route> {
    routes::all()
}

/// The OpenAPI document of every API route.
pub fn openapi_document() -> serde_json::Value {
    shared::openapi::document(&routes())
}

pub fn router(state: AppState) -> Router {
    routes()
        .into_iter()
        .fold(Router::new(), |r, route| r.route(route.path, route.handler))
        .fallback(|| async { shared::error::not_found_page(false) })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            shared::telemetry::track,
        ))
        .layer(axum::middleware::from_fn(
            shared::telemetry::security_headers,
        ))
        .layer(axum::middleware::from_fn(|req, next| {
            shared::server::deadline(Limits::default(), req, next)
        }))
        .with_state(state)
}

/// Serves until `shutdown` completes, with the default [`Limits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    routes::ingest::sweep(&state.ws.data_dir);
    if let Err(e) = dspdesk_app::profit::apply_currency(&state.ws).await {
        tracing::warn!(error = %e, "the rate book's currency could not be read; amounts show in ₹");
    }
    shared::server::run(listener, router(state), Limits::default(), shutdown).await
}
