//! For operators and scripts: health, Prometheus metrics and the OpenAPI document.

use super::Route;
use crate::shared::telemetry;
use axum::Json;
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/healthz", get(telemetry::healthz)),
        Route::page("/metrics", get(telemetry::metrics)),
        Route::api("/api/v1/openapi.json", get(openapi), "This document.", &[]),
    ]
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi_document())
}
