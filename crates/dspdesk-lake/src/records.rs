//! A station-day's rows as typed records, for drill-down screens (the engine never
//! needs rows; people sometimes do).

use crate::error::IngestError;
use crate::finalize::read_all;
use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Decimal128Type, Float64Type, Int32Type, TimestampMicrosecondType,
};
use arrow::record_batch::RecordBatch;
use dspdesk_core::Status;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRecord {
    pub package_id: String,
    pub route_id: Option<String>,
    pub partner: String,
    /// Microseconds since the epoch, UTC.
    pub promised_by: i64,
    pub status: Status,
    pub delivered_at: Option<i64>,
    pub cod_amount_minor: i64,
    pub declared_value_minor: i64,
    pub vas: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RouteRecord {
    pub route_id: String,
    pub partner: String,
    pub block_hours: i32,
    pub mot: String,
    pub distance_km: f64,
    pub supervisor: Option<String>,
    pub driver: Option<String>,
    /// The row's own payout and cost, in minor units, when it gave them.
    pub payout_minor: Option<i64>,
    pub cost_minor: Option<i64>,
}

fn text(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, String> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| format!("no column {name}"))?;
    let t = arrow::compute::cast(col, &DataType::Utf8).map_err(|e| e.to_string())?;
    Ok(t.as_string::<i32>()
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect())
}

fn lake_err(path: &Path, m: impl std::fmt::Display) -> IngestError {
    IngestError::Lake {
        path: path.into(),
        message: m.to_string(),
    }
}

/// Every deliveries row of a lake file.
pub fn deliveries(path: &Path) -> Result<Vec<DeliveryRecord>, IngestError> {
    let b = read_all(path)?;
    let e = |m: String| lake_err(path, m);
    let (ids, routes, partners, statuses, vas) = (
        text(&b, "package_id").map_err(e)?,
        text(&b, "route_id").map_err(e)?,
        text(&b, "partner").map_err(e)?,
        text(&b, "status").map_err(e)?,
        text(&b, "vas").map_err(e)?,
    );
    let col = |n: &str| {
        b.column_by_name(n)
            .ok_or_else(|| lake_err(path, format!("no column {n}")))
    };
    let promised = col("promised_by")?
        .as_primitive::<TimestampMicrosecondType>()
        .clone();
    let delivered = col("delivered_at")?
        .as_primitive::<TimestampMicrosecondType>()
        .clone();
    let cod = col("cod_amount")?.as_primitive::<Decimal128Type>().clone();
    let declared = col("declared_value")?
        .as_primitive::<Decimal128Type>()
        .clone();
    (0..b.num_rows())
        .map(|i| {
            let status = statuses[i]
                .as_deref()
                .and_then(Status::parse)
                .ok_or_else(|| lake_err(path, "a row without a status"))?;
            Ok(DeliveryRecord {
                package_id: ids[i].clone().unwrap_or_default(),
                route_id: routes[i].clone().filter(|r| !r.is_empty()),
                partner: partners[i].clone().unwrap_or_default(),
                promised_by: promised.value(i),
                status,
                delivered_at: delivered.is_valid(i).then(|| delivered.value(i)),
                cod_amount_minor: cod.value(i) as i64,
                declared_value_minor: declared.value(i) as i64,
                vas: vas[i].clone().filter(|v| !v.is_empty()),
            })
        })
        .collect()
}

/// Every routes row of a lake file.
pub fn routes(path: &Path) -> Result<Vec<RouteRecord>, IngestError> {
    let b = read_all(path)?;
    let e = |m: String| lake_err(path, m);
    let (ids, partners, mots, sups, drivers) = (
        text(&b, "route_id").map_err(e)?,
        text(&b, "partner").map_err(e)?,
        text(&b, "mot").map_err(e)?,
        text(&b, "supervisor").map_err(e)?,
        text(&b, "driver").map_err(e)?,
    );
    let col = |n: &str| {
        b.column_by_name(n)
            .ok_or_else(|| lake_err(path, format!("no column {n}")))
    };
    let hours = col("block_hours")?.as_primitive::<Int32Type>().clone();
    let km = col("distance_km")?.as_primitive::<Float64Type>().clone();
    let payout = col("payout")?.as_primitive::<Decimal128Type>().clone();
    let cost = col("cost")?.as_primitive::<Decimal128Type>().clone();
    Ok((0..b.num_rows())
        .map(|i| RouteRecord {
            route_id: ids[i].clone().unwrap_or_default(),
            partner: partners[i].clone().unwrap_or_default(),
            block_hours: hours.value(i),
            mot: mots[i].clone().unwrap_or_default(),
            distance_km: km.value(i),
            supervisor: sups[i].clone(),
            driver: drivers[i].clone(),
            payout_minor: payout.is_valid(i).then(|| payout.value(i) as i64),
            cost_minor: cost.is_valid(i).then(|| cost.value(i) as i64),
        })
        .collect())
}
