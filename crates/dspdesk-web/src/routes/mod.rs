//! Every route of the application, one folder per capability (the same names as in
//! the app and the store). Each capability's `routes()` lists its entries with the
//! OpenAPI description of its API routes; the router, the OpenAPI document and the
//! role-walk test are built from the union, so a new route cannot miss them.

pub mod assets;
pub mod audit;
pub mod cod;
pub mod config;
pub mod documents;
pub mod ev;
pub mod flags;
pub mod followups;
pub mod goals;
pub mod health;
pub mod home;
pub mod ingest;
pub mod invoices;
pub mod launches;
pub mod network;
pub mod notifications;
pub mod onboarding;
pub mod ops;
pub mod partners;
pub mod people;
pub mod plans;
pub mod profit;
pub mod reports;
pub mod reviews;
pub mod supervisors;
pub mod vas;

use crate::AppState;
use axum::routing::MethodRouter;

/// Default and largest page sizes of the API's lists.
pub const DEFAULT_PER_PAGE: usize = 100;
pub const MAX_PER_PAGE: usize = 1000;

/// A query parameter an API route takes, described once for the OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    Week,
    Page,
    PerPage,
    /// Profit's grouping.
    By,
    /// Flags: cleared ones too.
    All,
    /// Flags: one kind.
    Kind,
    /// The ranking's filters: station, coach, tier, mot.
    Slice,
    /// A date range: from and to, both included (at most a year).
    Range,
    /// One day: date.
    Date,
    /// A report's narrowing: station, coach, partner.
    Report,
}

/// What the OpenAPI document says of an API route.
#[derive(Debug, Clone, Copy)]
pub struct ApiDoc {
    pub summary: &'static str,
    pub query: &'static [Query],
}

pub struct Route {
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
    /// `Some` for the JSON API under `/api/v1`.
    pub doc: Option<ApiDoc>,
}

impl Route {
    pub fn page(path: &'static str, handler: MethodRouter<AppState>) -> Route {
        Route {
            path,
            handler,
            doc: None,
        }
    }

    pub fn api(
        path: &'static str,
        handler: MethodRouter<AppState>,
        summary: &'static str,
        query: &'static [Query],
    ) -> Route {
        Route {
            path,
            handler,
            doc: Some(ApiDoc { summary, query }),
        }
    }
}

/// The union of every capability's routes.
pub fn all() -> Vec<Route> {
    [
        home::routes(),
        network::routes(),
        people::routes(),
        ingest::routes(),
        health::routes(),
        goals::routes(),
        profit::routes(),
        cod::routes(),
        flags::routes(),
        followups::routes(),
        notifications::routes(),
        audit::routes(),
        reviews::routes(),
        plans::routes(),
        documents::routes(),
        onboarding::routes(),
        ev::routes(),
        vas::routes(),
        supervisors::routes(),
        invoices::routes(),
        launches::routes(),
        reports::routes(),
        partners::routes(),
        config::routes(),
        assets::routes(),
        ops::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
