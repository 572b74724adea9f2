//! Drill-down below daily facts: a partner's routes on a day, and a route's packages,
//! read from the lake's station-day files. Scope is checked on the rows' own partner
//! and station, so a guessed URL shows nothing it may not.

use crate::shared::actor::Actor;
use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use dspdesk_core::metric::COUNT_COLUMNS;
use dspdesk_core::table::{Cell, Table, count_cells};
use dspdesk_core::{Counts, Outcome, PartnerCode, StationCode, Status};
use dspdesk_lake::{Kind, records};
use std::collections::BTreeMap;

#[derive(Debug, Clone, serde::Serialize)]
pub struct RouteLine {
    pub station: String,
    pub route_id: String,
    pub block_hours: Option<i32>,
    pub mot: Option<String>,
    pub distance_km: Option<f64>,
    pub supervisor: Option<String>,
    pub driver: Option<String>,
    pub counts: Counts,
    /// From the routes row, or else the rate book and cost model in force (exact,
    /// rounded to 2 places); `None` without a routes row or a rate for its block.
    pub payout: Option<rust_decimal::Decimal>,
    pub cost: Option<rust_decimal::Decimal>,
    pub profit: Option<rust_decimal::Decimal>,
    pub margin_pct: Option<f64>,
    #[serde(skip)]
    given: (Option<i64>, Option<i64>),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PackageLine {
    pub package_id: String,
    pub status: Status,
    /// Local time at the station, with its offset.
    pub promised_by: String,
    pub delivered_at: Option<String>,
    pub on_time: bool,
    pub cod_amount: String,
    pub declared_value: String,
    pub vas: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RouteView {
    pub station: String,
    pub date: NaiveDate,
    pub route_id: String,
    pub partner: String,
    pub timezone: String,
    pub counts: Counts,
    pub packages: Vec<PackageLine>,
}

fn outcome(d: &records::DeliveryRecord) -> Outcome {
    Outcome {
        status: d.status,
        delivered_in_time: d.delivered_at.is_some_and(|t| t <= d.promised_by),
        declared_value_minor: d.declared_value_minor,
        cod_amount_minor: d.cod_amount_minor,
        has_vas: d.vas.is_some(),
        has_route: d.route_id.is_some(),
    }
}

async fn file(
    ws: &Workspace,
    kind: Kind,
    station: &str,
    date: NaiveDate,
) -> Result<Option<std::path::PathBuf>, AppError> {
    Ok(ws
        .store
        .lake_file(kind.as_str(), station, date)
        .await?
        .map(|p| ws.lake.absolute(&p)))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, dspdesk_lake::IngestError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}

/// A partner's routes on a day, at every station the scope may see; `None` when there
/// are none (or none it may see).
pub async fn partner_day(
    ws: &Workspace,
    actor: &Actor,
    partner: &PartnerCode,
    date: NaiveDate,
) -> Result<Option<Vec<RouteLine>>, AppError> {
    let (scope, partner) = (&actor.scope, partner.as_str());
    if !scope.allows_partner(partner) {
        return Ok(None);
    }
    let stations: Vec<String> = ws
        .store
        .facts_in_scope(date, date, scope)
        .await?
        .into_iter()
        .filter(|f| f.partner == partner)
        .map(|f| f.station)
        .collect();
    let mut lines = Vec::new();
    for station in stations {
        let mut by_route: BTreeMap<String, RouteLine> = BTreeMap::new();
        let blank = |route_id: &str| RouteLine {
            station: station.clone(),
            route_id: route_id.into(),
            block_hours: None,
            mot: None,
            distance_km: None,
            supervisor: None,
            driver: None,
            counts: Counts::default(),
            payout: None,
            cost: None,
            profit: None,
            margin_pct: None,
            given: (None, None),
        };
        if let Some(path) = file(ws, Kind::Deliveries, &station, date).await? {
            for d in blocking(move || records::deliveries(&path)).await? {
                if d.partner != partner {
                    continue;
                }
                let route = d.route_id.clone().unwrap_or_else(|| "(no route)".into());
                by_route
                    .entry(route.clone())
                    .or_insert_with(|| blank(&route))
                    .counts
                    .add_outcome(&outcome(&d));
            }
        }
        if let Some(path) = file(ws, Kind::Routes, &station, date).await? {
            for r in blocking(move || records::routes(&path)).await? {
                if r.partner != partner {
                    continue;
                }
                let line = by_route
                    .entry(r.route_id.clone())
                    .or_insert_with(|| blank(&r.route_id));
                line.block_hours = Some(r.block_hours);
                line.mot = Some(r.mot);
                line.distance_km = Some(r.distance_km);
                line.supervisor = r.supervisor;
                line.driver = r.driver;
                line.given = (r.payout_minor, r.cost_minor);
            }
        }
        lines.extend(by_route.into_values());
    }
    let book = crate::profit::rate_book(ws)
        .await?
        .map(|b| b.1)
        .unwrap_or_default();
    for line in &mut lines {
        price(&book, date, line);
    }
    Ok((!lines.is_empty()).then_some(lines))
}

/// A route's payout, cost, profit and margin (`metrics.md`, "Profitability").
fn price(book: &dspdesk_core::profit::RateBook, date: NaiveDate, line: &mut RouteLine) {
    use dspdesk_core::profit::{BlockCounts, round_money};
    let (Some(hours), Some(mot), Some(km)) =
        (line.block_hours, line.mot.as_deref(), line.distance_km)
    else {
        return;
    };
    let metres = (km * 1000.0).round() as i64;
    let delivered = line.counts.delivered;
    let (payout, cost) = line.given;
    let b = BlockCounts {
        routes: 1,
        delivered,
        distance_m: metres,
        payout_given_routes: i64::from(payout.is_some()),
        payout_given_minor: payout.unwrap_or(0),
        delivered_unpaid_rows: if payout.is_some() { 0 } else { delivered },
        cost_given_routes: i64::from(cost.is_some()),
        cost_given_minor: cost.unwrap_or(0),
        distance_m_uncosted: if cost.is_some() { 0 } else { metres },
    };
    let m = book.price(&line.station, date, hours, mot, &b);
    let priced = m.unpriced_routes == 0;
    let costed = m.uncosted_routes == 0;
    line.payout = priced.then(|| round_money(m.payout));
    line.cost = costed.then(|| round_money(m.cost));
    if priced && costed {
        line.profit = Some(round_money(m.profit()));
        line.margin_pct = m.margin_pct();
    }
}

fn local(micros: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_micros(micros)
        .map(|t| {
            t.with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// A route's packages; `None` when the route does not exist or belongs to a partner
/// the scope may not see.
pub async fn route(
    ws: &Workspace,
    actor: &Actor,
    station: &StationCode,
    date: NaiveDate,
    route_id: &str,
) -> Result<Option<RouteView>, AppError> {
    let (scope, station) = (&actor.scope, station.as_str());
    let Some(path) = file(ws, Kind::Deliveries, station, date).await? else {
        return Ok(None);
    };
    let rows: Vec<records::DeliveryRecord> = blocking(move || records::deliveries(&path))
        .await?
        .into_iter()
        .filter(|d| d.route_id.as_deref() == Some(route_id))
        .collect();
    let Some(partner) = rows.first().map(|d| d.partner.clone()) else {
        return Ok(None);
    };
    if !scope.allows(&partner, station) {
        return Ok(None);
    }
    let zone: Tz = ws
        .store
        .station_zones()
        .await?
        .get(station)
        .and_then(|z| z.parse().ok())
        .unwrap_or(ws.default_zone);
    let mut counts = Counts::default();
    let packages = rows
        .iter()
        .map(|d| {
            let o = outcome(d);
            counts.add_outcome(&o);
            PackageLine {
                package_id: d.package_id.clone(),
                status: d.status,
                promised_by: local(d.promised_by, zone),
                delivered_at: d.delivered_at.map(|t| local(t, zone)),
                on_time: d.status == Status::Delivered && o.delivered_in_time,
                cod_amount: dspdesk_core::format_minor(d.cod_amount_minor),
                declared_value: dspdesk_core::format_minor(d.declared_value_minor),
                vas: d.vas.clone(),
            }
        })
        .collect();
    Ok(Some(RouteView {
        station: station.into(),
        date,
        route_id: route_id.into(),
        partner,
        timezone: zone.name().into(),
        counts,
        packages,
    }))
}

/// A partner's routes on a day as a table: the route, its block and money, its counts.
pub fn day_table(lines: &[RouteLine]) -> Table {
    let mut columns = vec![
        "station",
        "route_id",
        "block_hours",
        "mot",
        "distance_km",
        "supervisor",
        "driver",
        "payout",
        "cost",
        "profit",
        "margin_pct",
    ];
    columns.extend(COUNT_COLUMNS);
    let rows = lines
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::text(&r.station),
                Cell::text(&r.route_id),
                r.block_hours
                    .map_or(Cell::Num(None), |h| Cell::Int(h.into())),
                Cell::text(r.mot.clone().unwrap_or_default()),
                Cell::Num(r.distance_km),
                Cell::text(r.supervisor.clone().unwrap_or_default()),
                Cell::text(r.driver.clone().unwrap_or_default()),
                Cell::Money(r.payout),
                Cell::Money(r.cost),
                Cell::Money(r.profit),
                Cell::Num(r.margin_pct),
            ];
            row.extend(count_cells(&r.counts));
            row
        })
        .collect();
    Table { columns, rows }
}

/// A route's packages as a table, times local to the station.
pub fn packages_table(v: &RouteView) -> Table {
    Table {
        columns: vec![
            "package_id",
            "status",
            "promised_by",
            "delivered_at",
            "on_time",
            "cod_amount",
            "declared_value",
            "vas",
        ],
        rows: v
            .packages
            .iter()
            .map(|p| {
                vec![
                    Cell::text(&p.package_id),
                    Cell::text(p.status.to_string()),
                    Cell::text(&p.promised_by),
                    Cell::text(p.delivered_at.clone().unwrap_or_default()),
                    Cell::text(if p.on_time { "yes" } else { "no" }),
                    Cell::text(&p.cod_amount),
                    Cell::text(&p.declared_value),
                    Cell::text(p.vas.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    }
}
