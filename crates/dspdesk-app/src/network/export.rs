//! `export metrics`: any grain by any of partner and station over a date range, as
//! CSV or JSON, one column per metric named as in `metrics.md`.

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::NaiveDate;
use dspdesk_core::table::{Cell, Table};
use dspdesk_core::{Counts, IsoWeek};
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Day,
    Week,
}

#[derive(Debug, Clone)]
pub struct MetricsSpec {
    pub grain: Grain,
    pub by_partner: bool,
    pub by_station: bool,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// One exported row: a period, the slice, and the summed counts.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub period: String,
    pub partner: Option<String>,
    pub station: Option<String>,
    pub counts: Counts,
}

/// The metric columns, in the contract's spelling.
pub const METRIC_COLUMNS: [&str; 17] = [
    "dispatched",
    "delivered",
    "on_time",
    "attempted",
    "rejected",
    "rts",
    "lost",
    "dot_pct",
    "dcr_pct",
    "nl_value",
    "nl_dpmo",
    "cod_due",
    "vas_dispatched",
    "vas_delivered",
    "routes",
    "packages_per_route",
    "packages_routed",
];

/// The row's metric values as cells, in `METRIC_COLUMNS` order: counts as integers,
/// ratios as numbers (none without a denominator), money exact.
pub fn metric_cells(c: &Counts) -> Vec<Cell> {
    vec![
        Cell::Int(c.dispatched),
        Cell::Int(c.delivered),
        Cell::Int(c.on_time),
        Cell::Int(c.attempted),
        Cell::Int(c.rejected),
        Cell::Int(c.rts),
        Cell::Int(c.lost),
        Cell::Num(c.dot_pct()),
        Cell::Num(c.dcr_pct()),
        Cell::minor(c.nl_value_minor),
        Cell::Num(c.nl_dpmo()),
        Cell::minor(c.cod_due_minor),
        Cell::Int(c.vas_dispatched),
        Cell::Int(c.vas_delivered),
        Cell::Int(c.routes),
        Cell::Num(c.packages_per_route()),
        Cell::Int(c.packages_routed),
    ]
}

/// The row's metric values as exported text, in `METRIC_COLUMNS` order.
pub fn metric_values(c: &Counts) -> Vec<String> {
    metric_cells(c).iter().map(Cell::export_text).collect()
}

impl MetricsSpec {
    /// The range rows are counted over: the dates asked for, widened to whole ISO weeks
    /// for `Grain::Week` (a row labelled `2026-W47` counts all of that week, never part
    /// of it).
    pub fn counted_range(&self) -> (NaiveDate, NaiveDate) {
        match self.grain {
            Grain::Day => (self.from, self.to),
            Grain::Week => (
                IsoWeek::of(self.from).monday(),
                IsoWeek::of(self.to).sunday(),
            ),
        }
    }
}

/// Rolls daily facts up to the spec: sums of counts, ratios recomputed from the sums.
/// Weeks are whole (see [`MetricsSpec::counted_range`]).
pub async fn metrics(ws: &Workspace, spec: &MetricsSpec) -> Result<Vec<MetricRow>, AppError> {
    if spec.from > spec.to {
        return Err(AppError::invalid(
            "from",
            format!(
                "{} is after the end, {}; give the earlier date first",
                spec.from, spec.to
            ),
        ));
    }
    let (from, to) = spec.counted_range();
    let facts = ws.store.facts_between(from, to).await?;
    let mut groups: BTreeMap<(String, Option<String>, Option<String>), Counts> = BTreeMap::new();
    for f in facts {
        let period = match spec.grain {
            Grain::Day => f.date.to_string(),
            Grain::Week => IsoWeek::of(f.date).to_string(),
        };
        let key = (
            period,
            spec.by_partner.then_some(f.partner),
            spec.by_station.then_some(f.station),
        );
        *groups.entry(key).or_default() += f.counts;
    }
    Ok(groups
        .into_iter()
        .map(|((period, partner, station), counts)| MetricRow {
            period,
            partner,
            station,
            counts,
        })
        .collect())
}

fn header(spec: &MetricsSpec) -> Vec<&'static str> {
    let mut h = vec![match spec.grain {
        Grain::Day => "date",
        Grain::Week => "week",
    }];
    if spec.by_partner {
        h.push("partner");
    }
    if spec.by_station {
        h.push("station");
    }
    h.extend(METRIC_COLUMNS);
    h
}

/// The rows as the one table model every surface writes: CSV and JSON of an export
/// show the same numbers as the screens and the API, digit for digit.
pub fn metrics_table(spec: &MetricsSpec, rows: &[MetricRow]) -> Table {
    let rows = rows
        .iter()
        .map(|row| {
            let mut v = vec![Cell::text(&row.period)];
            if spec.by_partner {
                v.push(Cell::text(row.partner.clone().unwrap_or_default()));
            }
            if spec.by_station {
                v.push(Cell::text(row.station.clone().unwrap_or_default()));
            }
            v.extend(metric_cells(&row.counts));
            v
        })
        .collect();
    Table {
        columns: header(spec),
        rows,
    }
}

/// CSV, through the shared writer.
pub fn write_csv(spec: &MetricsSpec, rows: &[MetricRow], out: impl Write) -> std::io::Result<()> {
    crate::shared::table::write_csv(&metrics_table(spec, rows), out)
}

/// JSON: an array of objects. Counts and ratios are numbers (null when a ratio has
/// no denominator); money is a string with two decimals, exact. The numbers are
/// written from the values, never parsed back from text.
pub fn write_json(spec: &MetricsSpec, rows: &[MetricRow], out: impl Write) -> std::io::Result<()> {
    crate::shared::table::write_json(&metrics_table(spec, rows), out)
}
