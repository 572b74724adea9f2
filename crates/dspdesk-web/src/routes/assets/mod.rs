//! The stylesheet, the script and the icon, compiled into the binary.

use super::Route;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/static/app.css", get(css)),
        Route::page("/static/app.js", get(js)),
        Route::page("/static/favicon.svg", get(favicon)),
        Route::page("/favicon.ico", get(favicon)),
    ]
}

fn asset(kind: &'static str, max_age: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, max_age),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset(
        "text/css",
        "public, max-age=3600",
        include_str!("../../../static/app.css"),
    )
}

async fn js() -> Response {
    asset(
        "text/javascript",
        "public, max-age=3600",
        include_str!("../../../static/app.js"),
    )
}

async fn favicon() -> Response {
    asset(
        "image/svg+xml",
        "public, max-age=86400",
        include_str!("../../../static/favicon.svg"),
    )
}
