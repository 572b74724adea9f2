//! Every table as a download: CSV for scripts, `.xlsx` (numbers as numbers) for the
//! spreadsheets program teams live in. Columns are named as in `metrics.md`.

use crate::shared::error::PageError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dspdesk_app::shared::table::write_csv;
use dspdesk_core::table::{Cell, Table};
use rust_decimal::prelude::ToPrimitive;

fn xlsx_bytes(t: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.00");
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
                Cell::Num(Some(x)) => sheet.write_number_with_format(r, c, *x, &pct).map(|_| ())?,
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
    book.save_to_buffer()
}

/// `?download=csv` or `?download=xlsx`: the table as a file named `name`.
pub fn download(t: &Table, name: &str, format: &str) -> Result<Response, PageError> {
    let file = name.replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
        "_",
    );
    let (bytes, kind, ext) = match format {
        "csv" => {
            let mut out = Vec::new();
            write_csv(t, &mut out).map_err(PageError::internal)?;
            (out, "text/csv; charset=utf-8", "csv")
        }
        "xlsx" => (
            xlsx_bytes(t).map_err(PageError::internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        other => {
            return Err(PageError::bad_request(format!(
                "download={other:?}: use csv or xlsx"
            )));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
