//! The OpenAPI document of `/api/v1`, built from the routes' own descriptions: a route
//! under `/api/v1` without one fails the tests instead of going undocumented.

use crate::routes::{ApiDoc, DEFAULT_PER_PAGE, MAX_PER_PAGE, Query, Route};
use serde_json::{Value, json};

fn query_param(q: Query) -> Value {
    match q {
        Query::Week => {
            json!({"name": "week", "in": "query", "required": false, "description": "An ISO week such as 2026-W47; default: the last complete week with data.", "schema": {"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$"}})
        }
        Query::Page => {
            json!({"name": "page", "in": "query", "required": false, "description": "Counting from 1.", "schema": {"type": "integer", "minimum": 1, "default": 1}})
        }
        Query::PerPage => {
            json!({"name": "per_page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}})
        }
        Query::By => {
            json!({"name": "by", "in": "query", "required": false, "description": "Comma-separated groupings: partner, station, block, mot, day, week; default block,mot.", "schema": {"type": "string"}})
        }
        Query::All => {
            json!({"name": "all", "in": "query", "required": false, "description": "Present: include cleared flags.", "schema": {"type": "string"}})
        }
        Query::Kind => {
            json!({"name": "kind", "in": "query", "required": false, "description": "One flag kind.", "schema": {"type": "string", "enum": dspdesk_core::flags::FlagKind::ALL.map(|k| k.as_str())}})
        }
        Query::Date => {
            json!({"name": "date", "in": "query", "required": false, "description": "A day, YYYY-MM-DD; default: the last day with data.", "schema": {"type": "string", "format": "date"}})
        }
        Query::Slice | Query::Range | Query::Report => Value::Null,
    }
}

/// The ranking's filters, each optional.
fn slice_params() -> Vec<Value> {
    [
        ("station", "Partners that worked at this station that week."),
        ("coach", "Partners in this coach's portfolio (a user name)."),
        ("tier", "Partners of this tier: fantastic_plus, fantastic, great, fair, poor."),
        ("mot", "Partners that ran a route with this mode of transport that week."),
    ]
    .iter()
    .map(|(name, d)| json!({"name": name, "in": "query", "required": false, "description": d, "schema": {"type": "string"}}))
    .collect()
}

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let schema = if name == "date" {
                json!({"type": "string", "format": "date"})
            } else {
                json!({"type": "string"})
            };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect()
}

fn operation(path: &str, doc: &ApiDoc) -> Value {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let mut params = path_params(path);
    for q in doc.query {
        match q {
            Query::Slice => params.extend(slice_params()),
            Query::Report => params.extend(
                [
                    ("station", "One station."),
                    ("coach", "A coach's portfolio (a user name)."),
                    ("partner", "One partner."),
                ]
                .map(|(n, d)| json!({"name": n, "in": "query", "required": false, "description": d, "schema": {"type": "string"}})),
            ),
            Query::Range => params.extend(["from", "to"].map(|n| json!({"name": n, "in": "query", "required": false, "description": "A date range, both days included (give both; at most 366 days); instead of the week.", "schema": {"type": "string", "format": "date"}}))),
            q => params.push(query_param(*q)),
        }
    }
    json!({"get": {
        "summary": doc.summary,
        "parameters": params,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"description": "A parameter is malformed", "content": {"application/json": {"schema": error}}},
            "401": {"description": "No session cookie or bearer token", "content": {"application/json": {"schema": error}}},
            "404": {"description": "Nothing of that name in the caller's scope", "content": {"application/json": {"schema": error}}}
        }
    }})
}

/// The document for these routes.
pub fn document(routes: &[Route]) -> Value {
    let paths: serde_json::Map<String, Value> = routes
        .iter()
        .filter_map(|r| {
            r.doc
                .as_ref()
                .map(|d| (r.path.to_owned(), operation(r.path, d)))
        })
        .collect();
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
