//! The network's numbers: the overview, partners, stations and the drill-down from a
//! partner's day to a route's packages.

mod api;
mod pages;

use super::{Query, Route};
use axum::routing::get;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/overview", get(pages::overview)),
        Route::page("/partners", get(pages::partners)),
        Route::page("/partners/{code}", get(pages::partner)),
        Route::page("/partners/{code}/days/{date}", get(pages::partner_day)),
        Route::page("/stations", get(pages::stations)),
        Route::page("/stations/{station}", get(pages::station)),
        Route::page(
            "/stations/{station}/days/{date}/routes/{route}",
            get(pages::route),
        ),
        Route::api(
            "/api/v1/overview",
            get(api::overview),
            "The network overview of a week within the caller's scope: the week's and the last day's counts, daily trend, the partners needing attention.",
            &[Query::Week],
        ),
        Route::api(
            "/api/v1/partners",
            get(api::partners),
            "Every partner in the caller's scope with the week's counts.",
            &[Query::Page, Query::PerPage, Query::Week],
        ),
        Route::api(
            "/api/v1/partners/{code}",
            get(api::partner),
            "One partner: the week (or the days from..to), by station, by week and by day (404 outside the caller's scope).",
            &[Query::Week, Query::Range],
        ),
        Route::api(
            "/api/v1/partners/{code}/days/{date}",
            get(api::partner_day),
            "A partner's routes on a day, with their counts.",
            &[],
        ),
        Route::api(
            "/api/v1/stations",
            get(api::stations),
            "Every station in the caller's scope with the week's counts (of what the caller may see there).",
            &[Query::Page, Query::PerPage, Query::Week],
        ),
        Route::api(
            "/api/v1/stations/{station}",
            get(api::station),
            "One station: the week, its daily trend, its partners (404 outside the caller's scope).",
            &[Query::Week],
        ),
        Route::api(
            "/api/v1/stations/{station}/days/{date}/routes/{route}",
            get(api::route),
            "A route's packages, times local to the station.",
            &[],
        ),
    ]
}
