//! Route goals: attainment per partner and station, and the forms that set and adopt
//! goals.

mod api;
mod pages;

use super::{Query, Route};
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/goals", get(pages::goals).post(pages::set_goals)),
        Route::api(
            "/api/v1/goals",
            get(api::goals),
            "Route goals per partner x station: goal in force, attainment (goal_p50_met_pct, goal_p90_met_pct), next period's suggestion.",
            &[Query::Week],
        ),
    ]
}
