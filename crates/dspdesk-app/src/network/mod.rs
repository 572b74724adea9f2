//! The network's numbers (`domain.md`, "DOT" and "Patterns"): the overview, partners
//! and stations, the drill-down to a route's packages, unusual days and the metrics
//! export.

pub mod drill;
pub mod export;
pub mod unusual;
pub mod views;

pub use unusual::{MIN_DISPATCHED_UNUSUAL, UnusualDay};

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use dspdesk_store::StationRow;

/// Every station with its time zone.
pub async fn stations(ws: &Workspace) -> Result<Vec<StationRow>, AppError> {
    Ok(ws.store.list_stations().await?)
}

/// Sets a station's time zone (an IANA name, checked by the caller's parser).
pub async fn set_station_zone(ws: &Workspace, code: &str, zone: &str) -> Result<(), AppError> {
    Ok(ws.store.set_station_zone(code, zone).await?)
}
