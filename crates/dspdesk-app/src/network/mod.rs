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

/// Every station's name where one is given (a station without one is named by its
/// code): what screens show beside a code.
pub async fn station_names(
    ws: &Workspace,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(ws
        .store
        .list_stations()
        .await?
        .into_iter()
        .filter(|s| s.name != s.code && !s.name.trim().is_empty())
        .map(|s| (s.code, s.name))
        .collect())
}

/// Names a station (1 to 80 characters, no control characters).
pub async fn set_station_name(ws: &Workspace, code: &str, name: &str) -> Result<(), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "a station's name is 1 to 80 characters on one line",
        ));
    }
    if !ws.store.set_station_name(code, name).await? {
        return Err(AppError::NotFound("station"));
    }
    Ok(())
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
