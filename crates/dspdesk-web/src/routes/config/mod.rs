//! Versioned configuration for admins: score weights and rules, rate cards and cost
//! models.

mod pages;

use super::Route;
use axum::routing::{get, post};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/admin/config", get(pages::config).post(pages::config_post)),
        Route::page("/admin/config/score", post(pages::score_form_post)),
    ]
}
