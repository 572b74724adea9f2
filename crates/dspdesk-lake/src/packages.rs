//! The lake read package by package, for the cases opened from the data: lost rows,
//! deliveries late past the SLP limit, rows per partner and week, and each package
//! whose latest row leaves it attempted or rejected (`metrics.md`, "Cases opened from
//! the data").

use crate::error::IngestError;
use crate::finalize::read_columns;
use arrow::array::{Array, AsArray};
use arrow::datatypes::{Date32Type, Decimal128Type, Int32Type, TimestampMicrosecondType};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use dspdesk_core::IsoWeek;
use dspdesk_core::Status;
use dspdesk_core::cases::{AgeingDay, DeliveredRow, LostRow, PendingPackage, StationRows};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const COLUMNS: [&str; 7] = [
    "package_id",
    "date",
    "partner",
    "promised_by",
    "status",
    "delivered_at",
    "declared_value",
];

/// The latest row seen of a package that was attempted or rejected.
struct Seen {
    partner: String,
    first: NaiveDate,
    status: Status,
    value: i64,
}

/// Reads one station's deliveries files (any order; read by date) into the rows the
/// case rules take. `late_after` is the SLP limit: only deliveries later than their
/// promise by more than it are kept. `as_of` is the last date with data at the
/// station (deliveries or routes), given by the caller.
///
/// A package is followed from its first attempted or rejected row until a row of
/// another status: only the packages pending are held in memory. Their first date is
/// then the date of their first row of any status (a second pass reads only the
/// package ids of the days before).
pub fn station_rows(
    station: &str,
    files: &[(NaiveDate, PathBuf)],
    as_of: Option<NaiveDate>,
    late_after: Duration,
    ageing_days: i64,
) -> Result<StationRows, IngestError> {
    let mut files = files.to_vec();
    files.sort();
    let mut out = StationRows {
        station: station.to_owned(),
        as_of,
        ..Default::default()
    };
    let mut seen: HashMap<String, Seen> = HashMap::new();
    for (date, path) in &files {
        read_file(path, late_after, &mut out, &mut seen)?;
        out.ageing_by_date
            .push((*date, ageing_on(&seen, *date, ageing_days)));
    }
    first_rows(&files, &mut seen)?;
    let mut pending: Vec<PendingPackage> = seen
        .into_iter()
        .map(|(id, s)| PendingPackage {
            partner: s.partner,
            package_id: id,
            first_date: s.first,
            status: s.status.as_str().to_owned(),
            declared_value_minor: s.value,
        })
        .collect();
    pending.sort_by(|a, b| {
        (&a.partner, a.first_date, &a.package_id).cmp(&(&b.partner, b.first_date, &b.package_id))
    });
    out.pending = pending;
    Ok(out)
}

/// Per partner, the packages ageing at the end of `date` and their declared value.
fn ageing_on(seen: &HashMap<String, Seen>, date: NaiveDate, ageing_days: i64) -> AgeingDay {
    let mut out = AgeingDay::new();
    for s in seen
        .values()
        .filter(|s| (date - s.first).num_days() >= ageing_days)
    {
        let e = out.entry(s.partner.clone()).or_default();
        e.0 += 1;
        e.1 = e.1.saturating_add(s.value);
    }
    out
}

/// Moves each pending package's first date back to its first row of any status.
fn first_rows(
    files: &[(NaiveDate, PathBuf)],
    seen: &mut HashMap<String, Seen>,
) -> Result<(), IngestError> {
    let Some(latest) = seen.values().map(|s| s.first).max() else {
        return Ok(());
    };
    for (date, path) in files.iter().take_while(|(d, _)| *d < latest) {
        let batch = read_columns(path, Some(&["package_id"]))?;
        let Some(ids) = batch.column_by_name("package_id") else {
            continue;
        };
        for id in ids.as_string::<i32>().iter().flatten() {
            if let Some(s) = seen.get_mut(id)
                && s.first > *date
            {
                s.first = *date;
            }
        }
    }
    Ok(())
}

fn lake_err(path: &Path, m: impl std::fmt::Display) -> IngestError {
    IngestError::Lake {
        path: path.into(),
        message: m.to_string(),
    }
}

fn read_file(
    path: &Path,
    late_after: Duration,
    out: &mut StationRows,
    seen: &mut HashMap<String, Seen>,
) -> Result<(), IngestError> {
    let batch = read_columns(path, Some(&COLUMNS))?;
    if batch.num_rows() == 0 {
        return Ok(());
    }
    let col = |name: &str| {
        batch
            .column_by_name(name)
            .ok_or_else(|| lake_err(path, format!("no column {name}")))
    };
    let ids = col("package_id")?.as_string::<i32>();
    let dates = col("date")?.as_primitive::<Date32Type>();
    let partner = col("partner")?.as_dictionary::<Int32Type>();
    let partners = partner.values().as_string::<i32>();
    let status = col("status")?.as_dictionary::<Int32Type>();
    let statuses: Vec<Status> = status
        .values()
        .as_string::<i32>()
        .iter()
        .map(|s| {
            s.and_then(Status::parse)
                .ok_or_else(|| lake_err(path, format!("unknown status {s:?}")))
        })
        .collect::<Result<_, _>>()?;
    let promised = col("promised_by")?.as_primitive::<TimestampMicrosecondType>();
    let delivered_at = col("delivered_at")?.as_primitive::<TimestampMicrosecondType>();
    let declared = col("declared_value")?.as_primitive::<Decimal128Type>();
    let micros = |v: i64| DateTime::<Utc>::from_timestamp_micros(v).unwrap_or_default();
    for i in 0..batch.num_rows() {
        let date = Date32Type::to_naive_date_opt(dates.value(i))
            .ok_or_else(|| lake_err(path, "a date out of range"))?;
        let who = partners.value(partner.keys().value(i) as usize);
        let st = statuses[status.keys().value(i) as usize];
        let id = ids.value(i);
        let value = i64::try_from(declared.value(i)).unwrap_or(i64::MAX);
        *out.dispatched
            .entry((who.to_owned(), IsoWeek::of(date)))
            .or_insert(0) += 1;
        match st {
            Status::Lost | Status::Damaged => out.lost.push(LostRow {
                partner: who.to_owned(),
                package_id: id.to_owned(),
                date,
                declared_value_minor: value,
            }),
            Status::Delivered if delivered_at.is_valid(i) => {
                let (p, d) = (micros(promised.value(i)), micros(delivered_at.value(i)));
                if d > p + late_after {
                    out.late.push(DeliveredRow {
                        partner: who.to_owned(),
                        package_id: id.to_owned(),
                        date,
                        promised_by: p,
                        delivered_at: d,
                    });
                }
            }
            _ => {}
        }
        follow(seen, id, st, who, date, value);
    }
    Ok(())
}

/// Follows a package through its rows: from its first attempted or rejected row to a
/// row of another status (then it is forgotten).
fn follow(
    seen: &mut HashMap<String, Seen>,
    id: &str,
    st: Status,
    who: &str,
    date: NaiveDate,
    value: i64,
) {
    let pending = matches!(st, Status::Attempted | Status::Rejected);
    match seen.get_mut(id) {
        // Delivered, returned or lost: no longer followed (and no longer held).
        Some(_) if !pending => {
            seen.remove(id);
        }
        Some(s) => {
            s.status = st;
            s.partner.clear();
            s.partner.push_str(who);
            s.value = value;
        }
        None if pending => {
            seen.insert(
                id.to_owned(),
                Seen {
                    partner: who.to_owned(),
                    first: date,
                    status: st,
                    value,
                },
            );
        }
        None => {}
    }
}
