//! The COD ledger: cash due, remitted and short per partner, station and day.

mod api;
mod pages;

use super::{Query, Route};
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/cod", get(pages::cod)),
        Route::api(
            "/api/v1/cod",
            get(api::cod),
            "The COD ledger of the week: due, remitted, shortfall and overdue per partner x station x day.",
            &[Query::Week],
        ),
    ]
}
