//! Profitability: payout, cost and margin by block, MOT, station and partner.

mod api;
mod pages;

use super::{Query, Route};
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/profit", get(pages::profit)),
        Route::api(
            "/api/v1/profit",
            get(api::profit),
            "Payout, cost, profit and margin_pct for the week, grouped by ?by= (any of partner, station, block, mot, day, week; default block,mot).",
            &[Query::Week, Query::By],
        ),
    ]
}
