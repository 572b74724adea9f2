//! The OpenAPI document of `/api/v1`, built from the router's own route list, so a
//! route without a description here fails the tests instead of going undocumented.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// (summary, takes `?week=`) of each API route.
pub fn describe(path: &str) -> Option<(&'static str, bool)> {
    Some(match path {
        "/api/v1/openapi.json" => ("This document.", false),
        "/api/v1/overview" => (
            "The network overview of a week within the caller's scope: the week's and the last day's counts, daily trend, the partners needing attention.",
            true,
        ),
        "/api/v1/partners" => (
            "Every partner in the caller's scope with the week's counts.",
            true,
        ),
        "/api/v1/partners/{code}" => (
            "One partner: the week, by station, by week and by day (404 outside the caller's scope).",
            true,
        ),
        "/api/v1/stations" => (
            "Every station in the caller's scope with the week's counts (of what the caller may see there).",
            true,
        ),
        "/api/v1/stations/{station}" => (
            "One station: the week, its daily trend, its partners (404 outside the caller's scope).",
            true,
        ),
        "/api/v1/partners/{code}/days/{date}" => {
            ("A partner's routes on a day, with their counts.", false)
        }
        "/api/v1/stations/{station}/days/{date}/routes/{route}" => {
            ("A route's packages, times local to the station.", false)
        }
        "/api/v1/scores" => (
            "The week's health scores: rank, tier, score and components per partner. Partner users get every rank and score with the other partners' names and numbers withheld.",
            true,
        ),
        "/api/v1/partners/{code}/scorecard" => (
            "A partner's score, components and the explanation of its change against the week before (components, stations, days).",
            true,
        ),
        "/api/v1/flags" => (
            "Open flags (everything that needs a person) with reason, numbers and first and last seen; ?all=1 includes cleared ones, ?kind= filters.",
            false,
        ),
        "/api/v1/goals" => (
            "Route goals per partner x station: goal in force, attainment (goal_p50_met_pct, goal_p90_met_pct), next period's suggestion.",
            true,
        ),
        "/api/v1/profit" => (
            "Payout, cost, profit and margin_pct for the week, grouped by ?by= (any of partner, station, block, mot, day, week; default block,mot).",
            true,
        ),
        "/api/v1/cod" => (
            "The COD ledger of the week: due, remitted, shortfall and overdue per partner x station x day.",
            true,
        ),
        _ => return None,
    })
}

pub fn document() -> Value {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let mut paths = serde_json::Map::new();
    for (path, _) in crate::routes() {
        if !path.starts_with("/api/v1") {
            continue;
        }
        let (summary, week) = describe(path).unwrap_or(("(undocumented)", false));
        let mut params: Vec<Value> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let fmt = if name == "date" {
                    json!({"type": "string", "format": "date"})
                } else {
                    json!({"type": "string"})
                };
                json!({"name": name, "in": "path", "required": true, "schema": fmt})
            })
            .collect();
        if matches!(path, "/api/v1/partners" | "/api/v1/stations") {
            params.push(json!({"name": "page", "in": "query", "required": false, "description": "Counting from 1.", "schema": {"type": "integer", "minimum": 1, "default": 1}}));
            params.push(json!({"name": "per_page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": crate::api::MAX_PER_PAGE, "default": crate::api::DEFAULT_PER_PAGE}}));
        }
        if week {
            params.push(json!({"name": "week", "in": "query", "required": false, "description": "An ISO week such as 2026-W47; default: the last complete week with data.", "schema": {"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$"}}));
        }
        paths.insert(
            path.to_string(),
            json!({"get": {
                "summary": summary,
                "parameters": params,
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": {"description": "A parameter is malformed", "content": {"application/json": {"schema": error}}},
                    "401": {"description": "No session cookie or bearer token", "content": {"application/json": {"schema": error}}},
                    "404": {"description": "Nothing of that name in the caller's scope", "content": {"application/json": {"schema": error}}}
                }
            }}),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "dspdesk API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Daily delivery metrics per partner, station and day, named as in metrics.md. Counts are integers; ratios are numbers or null when their denominator is 0; money is a decimal string with two places."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "dspdesk tokens create USER --name NAME"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE}
            },
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}}}
        },
        "paths": paths
    })
}

pub async fn serve() -> Response {
    Json(document()).into_response()
}
