//! Every table as a download: CSV for scripts, `.xlsx` (numbers as numbers) for the
//! spreadsheets program teams live in. Columns are named as in `metrics.md`.

use crate::shared::error::PageError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use dspdesk_app::shared::table::write_csv;
use dspdesk_core::table::Table;

fn xlsx_bytes(t: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    dspdesk_app::shared::table::workbook(&[("Sheet1", t)])
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
