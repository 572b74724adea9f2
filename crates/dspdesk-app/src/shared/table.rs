//! The table model of `dspdesk_core::table` written as CSV (for scripts and the CLI)
//! and JSON (for the API and `--format json`): one writer each, so a screen, its
//! download, the API and an export of the same slice show the same numbers.

use dspdesk_core::IsoWeek;
use dspdesk_core::table::{Cell, Table};
use std::io::Write;

/// A cell as JSON: money as an exact string, empty ratios and amounts as null.
pub fn cell_json(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(s) => s.clone().into(),
        Cell::Int(i) => (*i).into(),
        Cell::Num(v) => v.map_or(serde_json::Value::Null, |x| x.into()),
        Cell::Money(d) => d.map_or(serde_json::Value::Null, |d| format!("{d:.2}").into()),
        Cell::Bool(b) => (*b).into(),
    }
}

/// An array of objects, one per row, keyed by column name.
pub fn to_json(t: &Table) -> serde_json::Value {
    t.rows
        .iter()
        .map(|r| {
            t.columns
                .iter()
                .zip(r)
                .map(|(c, v)| ((*c).to_owned(), cell_json(v)))
                .collect::<serde_json::Map<_, _>>()
                .into()
        })
        .collect::<Vec<serde_json::Value>>()
        .into()
}

pub fn write_json(t: &Table, mut out: impl Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &to_json(t))?;
    writeln!(out)
}

/// CSV, with text a spreadsheet would run as a formula made inert.
pub fn write_csv(t: &Table, out: impl Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(&t.columns)?;
    for r in &t.rows {
        w.write_record(r.iter().map(Cell::csv_text))?;
    }
    w.flush()
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

/// A UTC time to the second: `2026-11-23T14:04:08Z`.
pub fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
