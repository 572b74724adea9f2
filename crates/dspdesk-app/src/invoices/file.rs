//! Invoices from a file: CSV, Excel or JSON, read like the data files (with an import
//! profile's renames, fixed values, delimiter, sheet and skipped lines), each row turned
//! into an invoice or into errors naming its row and column.

use crate::shared::error::AppError;
use dspdesk_core::invoices::Invoice;
use dspdesk_lake::ImportProfile;
use std::path::Path;
use std::sync::Arc;

/// The canonical columns of the `invoices` file (`metrics.md`, "Invoices and GST").
pub const COLUMNS: [&str; 14] = [
    "partner",
    "invoice_number",
    "invoice_date",
    "period_from",
    "period_to",
    "stations",
    "supplier_gstin",
    "recipient_gstin",
    "place_of_supply",
    "taxable_value",
    "cgst",
    "sgst",
    "igst",
    "total",
];

/// The invoices of a file that read, with their row numbers, and the errors of the rest.
pub type Read = (Vec<(u64, Invoice)>, Vec<String>);

/// The most rows one file may carry.
const MAX_ROWS: u64 = 100_000;

/// Every invoice of a file that reads, with its row number, and every bad cell (up to
/// 50) as an error naming the file, the row and the column. A file that cannot be read
/// at all (no such columns, not a table) is an error.
pub fn read_file(path: &Path, profile: &ImportProfile) -> Result<Read, AppError> {
    let name = path.display().to_string();
    let mut src = dspdesk_lake::source::open(path, profile, Arc::default())?;
    let headers: Vec<String> = src.headers().iter().map(|h| h.trim().to_owned()).collect();
    // Where each canonical column is: the profile's rename, else the same name.
    let mut at = Vec::with_capacity(COLUMNS.len());
    let mut missing = Vec::new();
    for c in COLUMNS {
        let source = profile.columns.get(c).map_or(c, String::as_str);
        match headers.iter().position(|h| h.eq_ignore_ascii_case(source)) {
            Some(i) => at.push(Some(i)),
            None if profile.constants.contains_key(c) => at.push(None),
            None => {
                missing.push(source);
                at.push(None);
            }
        }
    }
    if !missing.is_empty() {
        return Err(AppError::invalid(
            "file",
            format!(
                "{name}: no column {} (the header row has {}); rename them or map them in the import profile's [columns]",
                missing.join(", "),
                headers.join(", ")
            ),
        ));
    }
    let mut rec = csv::ByteRecord::new();
    let mut out = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut count = 0usize;
    while let Some(row) = src.next_record(&mut rec)? {
        if row > MAX_ROWS + 1 {
            return Err(AppError::invalid(
                "file",
                format!("{name}: more than {MAX_ROWS} invoices; split the file"),
            ));
        }
        let cells: Vec<String> = (0..COLUMNS.len())
            .map(|i| match at[i] {
                Some(c) => String::from_utf8_lossy(rec.get(c).unwrap_or_default())
                    .trim()
                    .to_owned(),
                None => profile
                    .constants
                    .get(COLUMNS[i])
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match invoice_of(&cells) {
            Ok(inv) => out.push((row, inv)),
            Err(bad) => {
                for (col, why) in bad {
                    count += 1;
                    if errors.len() < 50 {
                        errors.push(format!("{name} row {row}, column {col}: {why}"));
                    }
                }
            }
        }
    }
    if count > errors.len() {
        errors.push(format!("… and {} more", count - errors.len()));
    }
    Ok((out, errors))
}

/// One row's cells (in `COLUMNS` order) as an invoice, or every cell that does not read
/// as (column, reason).
fn invoice_of(cells: &[String]) -> Result<Invoice, Vec<(&'static str, String)>> {
    let mut bad = Vec::new();
    let mut day = |i: usize| {
        dspdesk_core::time::parse_day(&cells[i])
            .map_err(|e| bad.push((COLUMNS[i], e)))
            .ok()
    };
    let dates = [day(2), day(3), day(4)];
    let mut money = |i: usize| {
        let raw = &cells[i];
        dspdesk_core::money::parse_amount(raw.as_bytes(), false)
            .map_err(|e| bad.push((COLUMNS[i], format!("{raw:?} {e}"))))
            .ok()
    };
    let amounts = [money(9), money(10), money(11), money(12), money(13)];
    for (i, what) in [(0, "the partner code"), (1, "the invoice number")] {
        if cells[i].is_empty() {
            bad.push((COLUMNS[i], format!("{what} is missing")));
        }
    }
    let (Some([invoice_date, period_from, period_to]), Some([taxable, cgst, sgst, igst, total])) = (
        dates
            .iter()
            .copied()
            .collect::<Option<Vec<_>>>()
            .and_then(|v| <[_; 3]>::try_from(v).ok()),
        amounts
            .iter()
            .copied()
            .collect::<Option<Vec<_>>>()
            .and_then(|v| <[_; 5]>::try_from(v).ok()),
    ) else {
        return Err(bad);
    };
    if !bad.is_empty() {
        return Err(bad);
    }
    Ok(Invoice {
        partner: cells[0].clone(),
        number: cells[1].clone(),
        invoice_date,
        period_from,
        period_to,
        stations: cells[5]
            .split(';')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        supplier_gstin: cells[6].to_ascii_uppercase(),
        recipient_gstin: cells[7].to_ascii_uppercase(),
        place_of_supply: cells[8].clone(),
        taxable,
        cgst,
        sgst,
        igst,
        total,
    })
}
