//! The scorecard's tables, built once and written as CSV, JSON or a web page, so a
//! screen and an export of the same slice show the same numbers. Column names follow
//! `metrics.md`.

use crate::profit::ProfitLine;
use crate::scorecard::{CodLine, GoalLine, ScoreRow};
use dspdesk_core::IsoWeek;
use dspdesk_store::FlagRow;
use rust_decimal::Decimal;
use std::io::Write;

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A ratio or score; `None` is empty (no denominator, no data).
    Num(Option<f64>),
    /// Money, exact, two decimals.
    Money(Decimal),
    Bool(bool),
}

impl Cell {
    /// The value as exported: numbers in full, empty for none.
    pub fn export_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(v) => v.map(|x| x.to_string()).unwrap_or_default(),
            Cell::Money(d) => format!("{d:.2}"),
            Cell::Bool(b) => b.to_string(),
        }
    }

    /// The value as a screen shows it: ratios to one decimal place.
    pub fn display(&self) -> String {
        match self {
            Cell::Num(Some(x)) => format!("{x:.1}"),
            Cell::Num(None) => "–".into(),
            other => other.export_text(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Text(s) => s.clone().into(),
            Cell::Int(i) => (*i).into(),
            Cell::Num(v) => v.map_or(serde_json::Value::Null, |x| x.into()),
            Cell::Money(d) => format!("{d:.2}").into(),
            Cell::Bool(b) => (*b).into(),
        }
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Columns and rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn write_csv(&self, out: impl Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns)?;
        for r in &self.rows {
            w.write_record(r.iter().map(Cell::export_text))?;
        }
        w.flush()
    }

    /// An array of objects; money as exact strings, empty ratios as null.
    pub fn write_json(&self, mut out: impl Write) -> std::io::Result<()> {
        let list: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let obj: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(r)
                    .map(|(c, v)| ((*c).to_owned(), v.json()))
                    .collect();
                serde_json::Value::Object(obj)
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == name)
    }
}

/// Scores, one row per partner (or partner × station) and week.
pub fn scores(rows: &[&ScoreRow], by_station: bool) -> Table {
    let mut columns = vec!["week", "partner"];
    if by_station {
        columns.push("station");
    }
    columns.extend([
        "config_version",
        "score",
        "tier",
        "rank",
        "ranked",
        "bottom",
        "dot_pct",
        "dcr_pct",
        "nl_dpmo",
        "cod_shortfall_pct",
        "goal_p50_met_pct",
        "goal_p90_met_pct",
        "compliance_pct",
        "dispatched",
        "cod_due",
        "cod_shortfall",
    ]);
    let rows = rows
        .iter()
        .map(|r| {
            let mut v = vec![text(r.week.to_string()), text(&r.partner)];
            if by_station {
                v.push(text(r.station.clone().unwrap_or_default()));
            }
            v.extend([
                Cell::Int(r.config_version),
                Cell::Num(r.score),
                text(r.tier.map(|t| t.as_str()).unwrap_or_default()),
                r.rank.map_or(text(""), |x| Cell::Int(x as i64)),
                Cell::Int(r.ranked as i64),
                Cell::Bool(r.bottom),
                Cell::Num(r.value("dot_pct")),
                Cell::Num(r.value("dcr_pct")),
                Cell::Num(r.value("nl_dpmo")),
                Cell::Num(r.value("cod_shortfall_pct")),
                Cell::Num(r.value("goal_p50_met_pct")),
                Cell::Num(r.goal_p90_met_pct),
                Cell::Num(r.value("compliance_pct")),
                Cell::Int(r.inputs.counts.dispatched),
                money(r.inputs.counts.cod_due_minor),
                money(r.inputs.cod_shortfall_minor),
            ]);
            v
        })
        .collect();
    Table { columns, rows }
}

fn money(minor: i64) -> Cell {
    Cell::Money(dspdesk_core::minor_to_decimal(minor))
}

/// Route goals and attainment, one row per partner × station × week.
pub fn goals(lines: &[&GoalLine]) -> Table {
    let columns = vec![
        "week",
        "partner",
        "station",
        "goal_p50",
        "goal_p90",
        "goal_source",
        "routes",
        "route_days",
        "goal_p50_met_pct",
        "goal_p90_met_pct",
        "shortfall_days",
        "suggested_p50",
        "suggested_p90",
        "suggestion_days",
    ];
    let rows = lines
        .iter()
        .map(|g| {
            vec![
                text(g.week.to_string()),
                text(&g.partner),
                text(&g.station),
                Cell::Num(g.goal.map(|x| x.p50)),
                Cell::Num(g.goal.map(|x| x.p90)),
                text(g.goal.map(|x| x.source).unwrap_or("")),
                Cell::Int(g.routes),
                Cell::Int(g.route_days),
                Cell::Num(g.goal_p50_met_pct),
                Cell::Num(g.goal_p90_met_pct),
                Cell::Int(g.shortfall_days as i64),
                Cell::Num(g.suggested_p50),
                Cell::Num(g.suggested_p90),
                Cell::Int(g.suggestion_days as i64),
            ]
        })
        .collect();
    Table { columns, rows }
}

/// Profit lines with the grouping columns that are set.
pub fn profit(lines: &[ProfitLine]) -> Table {
    let first = lines.first();
    let has_week = first.is_some_and(|l| l.week.is_some());
    let has_date = first.is_some_and(|l| l.date.is_some());
    let has_partner = first.is_some_and(|l| l.partner.is_some());
    let has_station = first.is_some_and(|l| l.station.is_some());
    let has_block = first.is_some_and(|l| l.block_hours.is_some());
    let has_mot = first.is_some_and(|l| l.mot.is_some());
    let mut columns = Vec::new();
    for (on, name) in [
        (has_date, "date"),
        (has_week, "week"),
        (has_partner, "partner"),
        (has_station, "station"),
        (has_block, "block_hours"),
        (has_mot, "mot"),
    ] {
        if on {
            columns.push(name);
        }
    }
    columns.extend([
        "routes",
        "delivered",
        "payout",
        "cost",
        "profit",
        "margin_pct",
        "share_of_routes_pct",
        "unpriced_routes",
        "uncosted_routes",
    ]);
    let rows = lines
        .iter()
        .map(|l| {
            let mut v = Vec::new();
            if has_date {
                v.push(text(l.date.map(|d| d.to_string()).unwrap_or_default()));
            }
            if has_week {
                v.push(text(l.week.map(|w| w.to_string()).unwrap_or_default()));
            }
            if has_partner {
                v.push(text(l.partner.clone().unwrap_or_default()));
            }
            if has_station {
                v.push(text(l.station.clone().unwrap_or_default()));
            }
            if has_block {
                v.push(Cell::Int(i64::from(l.block_hours.unwrap_or_default())));
            }
            if has_mot {
                v.push(text(l.mot.clone().unwrap_or_default()));
            }
            v.extend([
                Cell::Int(l.routes),
                Cell::Int(l.delivered),
                Cell::Money(l.payout),
                Cell::Money(l.cost),
                Cell::Money(l.profit),
                Cell::Num(l.margin_pct),
                Cell::Num(l.share_of_routes_pct),
                Cell::Int(l.unpriced_routes),
                Cell::Int(l.uncosted_routes),
            ]);
            v
        })
        .collect();
    Table { columns, rows }
}

/// The COD ledger, one row per partner × station × day.
pub fn cod(lines: &[&CodLine]) -> Table {
    Table {
        columns: vec![
            "date",
            "partner",
            "station",
            "cod_due",
            "remitted",
            "shortfall",
            "overdue",
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    text(l.date.to_string()),
                    text(&l.partner),
                    text(&l.station),
                    money(l.cod_due_minor),
                    money(l.remitted_minor),
                    money(l.shortfall_minor),
                    Cell::Bool(l.overdue),
                ]
            })
            .collect(),
    }
}

/// Flags, as stored.
pub fn flags(rows: &[&FlagRow]) -> Table {
    Table {
        columns: vec![
            "id",
            "kind",
            "partner",
            "station",
            "subject",
            "reason",
            "numbers",
            "data_date",
            "first_seen",
            "last_seen",
            "cleared_at",
        ],
        rows: rows
            .iter()
            .map(|f| {
                vec![
                    Cell::Int(f.id),
                    text(&f.kind),
                    text(&f.partner),
                    text(&f.station),
                    text(&f.subject),
                    text(&f.reason),
                    text(&f.numbers),
                    text(f.data_date.to_string()),
                    text(stamp(f.first_seen)),
                    text(stamp(f.last_seen)),
                    text(f.cleared_at.map(stamp).unwrap_or_default()),
                ]
            })
            .collect(),
    }
}

/// A UTC time to the second: `2026-11-23T14:04:08Z`.
fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The ISO weeks that overlap `from..=to`.
pub fn weeks_between(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Vec<IsoWeek> {
    let mut out = Vec::new();
    let mut w = IsoWeek::of(from);
    while w.monday() <= to {
        out.push(w);
        w = IsoWeek::of(w.sunday() + chrono::Duration::days(1));
    }
    out
}
