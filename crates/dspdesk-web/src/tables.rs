//! Every table as a download: CSV for scripts, `.xlsx` (numbers as numbers) for the
//! spreadsheets program teams live in. Column names follow `metrics.md`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use dspdesk_core::Counts;

pub enum Cell {
    Text(String),
    Int(i64),
    Num(Option<f64>),
    /// Money in minor units, shown with two decimals.
    Money(i64),
}

pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

pub const COUNT_COLUMNS: [&str; 12] = [
    "dispatched",
    "delivered",
    "on_time",
    "dot_pct",
    "dcr_pct",
    "lost",
    "nl_dpmo",
    "nl_value",
    "cod_due",
    "routes",
    "packages_per_route",
    "packages_routed",
];

pub fn count_cells(c: &Counts) -> Vec<Cell> {
    vec![
        Cell::Int(c.dispatched),
        Cell::Int(c.delivered),
        Cell::Int(c.on_time),
        Cell::Num(c.dot_pct()),
        Cell::Num(c.dcr_pct()),
        Cell::Int(c.lost),
        Cell::Num(c.nl_dpmo()),
        Cell::Money(c.nl_value_minor),
        Cell::Money(c.cod_due_minor),
        Cell::Int(c.routes),
        Cell::Num(c.packages_per_route()),
        Cell::Int(c.packages_routed),
    ]
}

/// A table of counts keyed by leading text columns.
pub fn counts_table(
    name: &str,
    keys: &[&str],
    rows: impl IntoIterator<Item = (Vec<String>, Counts)>,
) -> Table {
    let mut header: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    header.extend(COUNT_COLUMNS.iter().map(|c| c.to_string()));
    Table {
        name: name.into(),
        header,
        rows: rows
            .into_iter()
            .map(|(k, c)| {
                k.into_iter()
                    .map(Cell::Text)
                    .chain(count_cells(&c))
                    .collect()
            })
            .collect(),
    }
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Int(i) => i.to_string(),
        Cell::Num(n) => n.map(|x| x.to_string()).unwrap_or_default(),
        Cell::Money(m) => dspdesk_core::format_minor(*m),
    }
}

fn csv_bytes(t: &Table) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&t.header).map_err(|e| e.to_string())?;
    for r in &t.rows {
        w.write_record(r.iter().map(text))
            .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

fn xlsx_bytes(t: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.00");
    for (c, h) in t.header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => sheet.write_string(r, c, s).map(|_| ())?,
                Cell::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ())?,
                Cell::Num(Some(x)) => sheet.write_number_with_format(r, c, *x, &pct).map(|_| ())?,
                Cell::Num(None) => {}
                // Exact to the paisa: minor units are integers, well within f64's 2^53.
                Cell::Money(m) => sheet
                    .write_number_with_format(r, c, *m as f64 / 100.0, &money)
                    .map(|_| ())?,
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// `?download=csv` or `?download=xlsx`: the table as a file.
pub fn download(t: &Table, format: &str) -> Response {
    let file = t.name.replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
        "_",
    );
    let (bytes, kind, ext) = match format {
        "csv" => (
            csv_bytes(t).map_err(|e| e.to_string()),
            "text/csv; charset=utf-8",
            "csv",
        ),
        "xlsx" => (
            xlsx_bytes(t).map_err(|e| e.to_string()),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        other => {
            return (
                StatusCode::BAD_REQUEST,
                format!("download={other:?}: use csv or xlsx"),
            )
                .into_response();
        }
    };
    match bytes {
        Ok(b) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}.{ext}\""),
                ),
            ],
            b,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "download failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A scorecard table (`dspdesk_app::tables`) as a download.
pub fn from_app(name: &str, t: &dspdesk_app::tables::Table) -> Table {
    use dspdesk_app::tables::Cell as A;
    Table {
        name: name.into(),
        header: t.columns.iter().map(|c| c.to_string()).collect(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        A::Text(s) => Cell::Text(s.clone()),
                        A::Int(i) => Cell::Int(*i),
                        A::Num(v) => Cell::Num(*v),
                        // Shown amounts are rounded to 2 places, so this is exact.
                        A::Money(d) => Cell::Money(
                            (d.round_dp(2) * rust_decimal::Decimal::from(100))
                                .try_into()
                                .unwrap_or(i64::MAX),
                        ),
                        A::Bool(b) => Cell::Text(b.to_string()),
                    })
                    .collect()
            })
            .collect(),
    }
}
