//! `export metrics`: any grain by any of partner and station over a date range, as
//! CSV or JSON, one column per metric named as in `metrics.md`.

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::NaiveDate;
use dspdesk_core::table::csv_text;
use dspdesk_core::{Counts, IsoWeek, format_minor};
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

fn ratio(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The row's metric values as text, in `METRIC_COLUMNS` order; empty for no value.
pub fn metric_values(c: &Counts) -> Vec<String> {
    vec![
        c.dispatched.to_string(),
        c.delivered.to_string(),
        c.on_time.to_string(),
        c.attempted.to_string(),
        c.rejected.to_string(),
        c.rts.to_string(),
        c.lost.to_string(),
        ratio(c.dot_pct()),
        ratio(c.dcr_pct()),
        format_minor(c.nl_value_minor),
        ratio(c.nl_dpmo()),
        format_minor(c.cod_due_minor),
        c.vas_dispatched.to_string(),
        c.vas_delivered.to_string(),
        c.routes.to_string(),
        ratio(c.packages_per_route()),
        c.packages_routed.to_string(),
    ]
}

/// Rolls daily facts up to the spec: sums of counts, ratios recomputed from the sums.
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
    let facts = ws.store.facts_between(spec.from, spec.to).await?;
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

fn fields(spec: &MetricsSpec, row: &MetricRow) -> Vec<String> {
    let mut v = vec![row.period.clone()];
    if spec.by_partner {
        v.push(row.partner.clone().unwrap_or_default());
    }
    if spec.by_station {
        v.push(row.station.clone().unwrap_or_default());
    }
    v.extend(metric_values(&row.counts));
    v
}

pub fn write_csv(spec: &MetricsSpec, rows: &[MetricRow], out: impl Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header(spec))?;
    for r in rows {
        w.write_record(fields(spec, r).iter().map(|f| csv_text(f).into_owned()))?;
    }
    w.flush()
}

/// JSON: an array of objects. Counts and ratios are numbers (null when a ratio has
/// no denominator); money is a string with two decimals, exact.
pub fn write_json(
    spec: &MetricsSpec,
    rows: &[MetricRow],
    mut out: impl Write,
) -> std::io::Result<()> {
    let names = header(spec);
    let money = ["nl_value", "cod_due"];
    let text = ["date", "week", "partner", "station"];
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut obj = serde_json::Map::new();
            for (name, value) in names.iter().zip(fields(spec, r)) {
                let v = if text.contains(name) || money.contains(name) {
                    serde_json::Value::String(value)
                } else if value.is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::from_str(&value).unwrap_or(serde_json::Value::String(value))
                };
                obj.insert((*name).to_owned(), v);
            }
            serde_json::Value::Object(obj)
        })
        .collect();
    serde_json::to_writer_pretty(&mut out, &list)?;
    writeln!(out)
}
