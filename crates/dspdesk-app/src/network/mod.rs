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

/// The zone a person reads times in: a station manager's station's, a partner user's
/// stations' (the zone most of them keep), else the network's default zone.
pub async fn viewer_zone(
    ws: &Workspace,
    actor: &crate::shared::actor::Actor,
) -> Result<chrono_tz::Tz, AppError> {
    use dspdesk_core::{Role, Scope};
    let stations: Vec<String> = match (&actor.scope, actor.role) {
        (Scope::Stations(s), _) => s.iter().cloned().collect(),
        (Scope::Partners(p), Role::Partner) => {
            let model = crate::shared::model::Model::load(ws).await?;
            p.iter()
                .flat_map(|code| model.stations_of(code))
                .map(str::to_owned)
                .collect()
        }
        _ => return Ok(ws.default_zone),
    };
    if stations.is_empty() {
        return Ok(ws.default_zone);
    }
    let zones = ws.store.station_zones().await?;
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for st in &stations {
        if let Some(z) = zones.get(st) {
            *count.entry(z.as_str()).or_default() += 1;
        }
    }
    Ok(count
        .into_iter()
        .max_by_key(|(z, n)| (*n, std::cmp::Reverse(*z)))
        .and_then(|(z, _)| z.parse().ok())
        .unwrap_or(ws.default_zone))
}

/// What changing a station's zone left to do: the zone it had, and the files its
/// stored station-days were read from (times without an offset in them still mean
/// the old zone's time until they are loaded again).
#[derive(Debug, Clone)]
pub struct ZoneChange {
    pub previous: Option<String>,
    /// (kind, file as logged, station-days)
    pub sources: Vec<(String, String, i64)>,
}

/// Sets a station's time zone (an IANA name, checked by the caller's parser).
pub async fn set_station_zone(
    ws: &Workspace,
    code: &str,
    zone: &str,
) -> Result<ZoneChange, AppError> {
    let previous = ws.store.station_zones().await?.remove(code);
    ws.store.set_station_zone(code, zone).await?;
    let sources = if previous.as_deref().is_some_and(|p| p != zone) {
        ws.store.station_sources(code).await?
    } else {
        Vec::new()
    };
    Ok(ZoneChange { previous, sources })
}
