//! Health, Prometheus metrics by matched route, and the security headers every
//! response carries.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// (method, route, status)
type RouteKey = (String, String, u16);

#[derive(Default)]
pub struct Metrics {
    /// Requests and seconds spent, per route key.
    requests: Mutex<BTreeMap<RouteKey, (u64, f64)>>,
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    // Made-up methods share one label, as unmatched paths share one route: what a
    // client sends cannot grow the series without bound.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    }
    .to_owned();
    let t = Instant::now();
    let resp = next.run(req).await;
    let secs = t.elapsed().as_secs_f64();
    if let Ok(mut m) = state.metrics.requests.lock() {
        let e = m
            .entry((method, route, resp.status().as_u16()))
            .or_default();
        e.0 += 1;
        e.1 += secs;
    }
    resp
}

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}

pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.ws.ping().await {
        Ok(_) => "ok\n".into_response(),
        Err(e) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("database: {e}\n"),
        )
            .into_response(),
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut out = String::from(
        "# HELP dspdesk_http_requests_total HTTP requests by route and status.\n# TYPE dspdesk_http_requests_total counter\n",
    );
    let mut secs = String::from(
        "# HELP dspdesk_http_request_seconds_total Time spent answering, by route.\n# TYPE dspdesk_http_request_seconds_total counter\n",
    );
    if let Ok(m) = state.metrics.requests.lock() {
        for ((method, route, status), (n, s)) in m.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            out.push_str(&format!("dspdesk_http_requests_total{{{labels}}} {n}\n"));
            secs.push_str(&format!(
                "dspdesk_http_request_seconds_total{{{labels}}} {s}\n"
            ));
        }
    }
    out.push_str(&secs);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
