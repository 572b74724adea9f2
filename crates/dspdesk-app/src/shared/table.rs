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

/// A workbook of one sheet per (name, table): a bold, frozen header row, numbers as
/// numbers (money to 2 places), columns fitted. Sheet names are cut to Excel's 31
/// characters.
pub fn workbook(sheets: &[(&str, &Table)]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let charted: Vec<(&str, &Table, &[ChartSpec])> =
        sheets.iter().map(|(n, t)| (*n, *t, &[][..])).collect();
    charted_workbook(&charted)
}

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Line,
    Column,
}

/// A native Excel chart of a sheet's columns: `series` (column indexes) over the
/// `category` column, every row.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    pub title: String,
    pub kind: ChartKind,
    pub category: usize,
    pub series: Vec<usize>,
}

/// [`workbook`], with native charts on the sheets that name some, placed right of
/// the table one under the other.
pub fn charted_workbook(
    sheets: &[(&str, &Table, &[ChartSpec])],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_decimal::prelude::ToPrimitive;
    use rust_xlsxwriter::{Chart, ChartType, Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let ratio = Format::new().set_num_format("0.00");
    for (name, t, charts) in sheets {
        let sheet = book.add_worksheet();
        let name: String = name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let name = if name.is_empty() {
            "Sheet".to_owned()
        } else {
            name
        };
        sheet.set_name(&name)?;
        for (c, h) in t.columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s).map(|_| ())?,
                    Cell::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ())?,
                    Cell::Num(Some(x)) => sheet
                        .write_number_with_format(r, c, *x, &ratio)
                        .map(|_| ())?,
                    Cell::Num(None) | Cell::Money(None) => {}
                    // Amounts are exact to the paisa and far inside f64's 2^53 in paise.
                    Cell::Money(Some(m)) => {
                        let value = m.round_dp(2).to_f64().unwrap_or(f64::NAN);
                        sheet
                            .write_number_with_format(r, c, value, &money)
                            .map(|_| ())?
                    }
                    Cell::Bool(b) => sheet.write_string(r, c, b.to_string()).map(|_| ())?,
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
        let last = t.rows.len() as u32;
        if last == 0 {
            continue;
        }
        for (k, spec) in charts.iter().enumerate() {
            let mut chart = Chart::new(match spec.kind {
                ChartKind::Line => ChartType::Line,
                ChartKind::Column => ChartType::Column,
            });
            chart.title().set_name(&spec.title);
            let cat = spec.category as u16;
            for &col in &spec.series {
                let col = col as u16;
                chart
                    .add_series()
                    .set_name((name.as_str(), 0, col))
                    .set_categories((name.as_str(), 1, cat, last, cat))
                    .set_values((name.as_str(), 1, col, last, col));
            }
            let at_col = t.columns.len() as u16 + 1;
            sheet.insert_chart(1 + 16 * k as u32, at_col, &chart)?;
        }
    }
    book.save_to_buffer()
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
