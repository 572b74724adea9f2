//! Flags: everything in the data that needs a person.

mod api;
mod item;
mod pages;

use super::{Query, Route};
use axum::routing::get;
use dspdesk_app::flags::FlagFilter;
use dspdesk_core::flags::FlagKind;

pub fn routes() -> Vec<Route> {
    vec![
        Route::page("/flags", get(pages::flags)),
        Route::page("/flags/{flag}", get(item::show).post(item::agree)),
        Route::api(
            "/api/v1/flags",
            get(api::flags),
            "Open flags (everything that needs a person) with reason, numbers and first and last seen; ?all=1 includes cleared ones, ?kind= filters.",
            &[Query::All, Query::Kind],
        ),
        Route::api(
            "/api/v1/flags/{flag}/action-item",
            get(item::api_show).post(item::api_agree),
            "The action item agreed on a flag (null if none); POST agrees one {owner, due, title?}: about the flag's partner and station, one per flag.",
            &[],
        ),
    ]
}

#[derive(serde::Deserialize, Default)]
pub struct FlagQuery {
    download: Option<String>,
    /// Include cleared ones.
    all: Option<String>,
    /// One kind.
    kind: Option<String>,
}

impl FlagQuery {
    fn filter(&self) -> Result<FlagFilter, String> {
        let kind = match self.kind.as_deref().unwrap_or("") {
            "" => None,
            raw => Some(FlagKind::parse(raw).ok_or_else(|| {
                let kinds: Vec<&str> = FlagKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "kind={raw:?} is not a kind of flag; use one of {}",
                    kinds.join(", ")
                )
            })?),
        };
        Ok(FlagFilter {
            all: self.all.is_some(),
            kind,
        })
    }
}
