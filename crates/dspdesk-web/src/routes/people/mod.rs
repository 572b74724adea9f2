//! People: logging in and out, and the admins' users screen.

mod pages;

use super::Route;
use axum::routing::{get, post};

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/login", get(pages::login_form).post(pages::login)),
        Route::page("/logout", post(pages::logout)),
        Route::page("/admin/users", get(pages::users).post(pages::add_user)),
        Route::page("/admin/users/{username}/disable", post(pages::disable_user)),
    ]
}
