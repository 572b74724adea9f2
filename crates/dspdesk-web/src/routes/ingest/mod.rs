//! Loading files from the browser: the same all-or-nothing load as `dspdesk ingest`.

mod pages;

pub(crate) use pages::sweep;

use super::Route;
use axum::routing::get;

/// The largest file the upload page takes; larger files load with `dspdesk ingest`.
pub const UPLOAD_LIMIT: usize = 512 * 1024 * 1024;

pub fn routes() -> Vec<Route> {
    vec![Route::page(
        "/upload",
        get(pages::upload_form)
            .post(pages::upload)
            .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
    )]
}
