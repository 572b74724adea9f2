//! Network health: the ranking with tiers and the defaulting and consistently-bottom
//! lists, and a partner's scorecard with the why of its change.

mod api;
mod pages;

use super::{Query, Route};
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/scores", get(pages::scores)),
        Route::page("/partners/{code}/scorecard", get(pages::scorecard)),
        Route::api(
            "/api/v1/scores",
            get(api::scores),
            "The week's health scores: rank, tier, score and components per partner, its name and coaches, and its change from the week before (score_change, dot_change, tier_before). Narrowed by station, coach, tier or mot (ranks stay the network's). Partner users get every rank and score with the other partners' names and numbers withheld, and no filters.",
            &[Query::Week, Query::Slice],
        ),
        Route::api(
            "/api/v1/partners/{code}/scorecard",
            get(api::scorecard),
            "A partner's score, components and the explanation of its change against the week before (components, stations, days).",
            &[Query::Week],
        ),
    ]
}
