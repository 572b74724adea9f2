//! Errors of ingest: each names the file, and where it can the row and column, and
//! says what to do.

use crate::profile::ProfileError;
use std::fmt;
use std::path::PathBuf;

/// One bad value in one row. `row` is the row number a spreadsheet shows for the file
/// (the header is row 1 unless lines above it are skipped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}: ", self.row, self.column)?;
        if self.value.is_empty() {
            f.write_str(&self.message)
        } else {
            let shown: String = self.value.chars().take(60).collect();
            write!(f, "{shown:?} {}", self.message)
        }
    }
}

/// A station-day that a file carries only in part (see the README, "a file carries
/// whole station-days").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialDay {
    pub station: String,
    pub date: chrono::NaiveDate,
    pub stored_rows: u64,
    pub file_rows: u64,
    /// Stored rows whose key the file does not carry: loading would drop them.
    pub dropped_rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error("{path}: the file is empty (0 bytes); export it again with a header row and data")]
    EmptyFile { path: PathBuf },
    #[error("{path}: the file has a header but no data rows; nothing to load")]
    NoRows { path: PathBuf },
    #[error("{path}: {message}")]
    Unreadable { path: PathBuf, message: String },
    #[error(
        "{path}: missing required column{s} {missing}; the file has {found}. Rename the column, or map it in an import profile ([columns] {first} = \"<column in your file>\") or give it a value ([constants])",
        s = if missing.len() > 1 { "s" } else { "" },
        missing = missing.join(", "),
        found = if found.is_empty() { "no columns".to_owned() } else { found.join(", ") },
        first = missing[0]
    )]
    MissingColumns {
        path: PathBuf,
        missing: Vec<String>,
        found: Vec<String>,
    },
    #[error(
        "{path}: column `{column}` is {found} in this Parquet file; dspdesk expects {expected}. Convert the column, or export the file again"
    )]
    WrongType {
        path: PathBuf,
        column: String,
        found: String,
        expected: String,
    },
    #[error("{}", rows_message(path, errors, *total, rejects_path))]
    Rows {
        path: PathBuf,
        errors: Vec<RowError>,
        total: u64,
        rejects_path: PathBuf,
    },
    #[error("{}", partial_message(path, days))]
    PartialDays {
        path: PathBuf,
        days: Vec<PartialDay>,
    },
    #[error("the lake at {path}: {message}")]
    Lake { path: PathBuf, message: String },
}

impl IngestError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> IngestError {
        IngestError::Io {
            path: path.into(),
            source,
        }
    }
}

fn rows_message(
    path: &std::path::Path,
    errors: &[RowError],
    total: u64,
    rejects: &std::path::Path,
) -> String {
    let mut m = format!(
        "{}: {total} row{} {} errors; nothing was loaded.\n",
        path.display(),
        if total == 1 { "" } else { "s" },
        if total == 1 { "has" } else { "have" },
    );
    for e in errors {
        m.push_str(&format!("  {e}\n"));
    }
    if (errors.len() as u64) < total {
        m.push_str(&format!("  … and {} more\n", total - errors.len() as u64));
    }
    m.push_str(&format!(
        "Correct the file, or run again with --skip-bad-rows to load the good rows and write the rejected ones, with their reasons, to {}",
        rejects.display()
    ));
    m
}

fn partial_message(path: &std::path::Path, days: &[PartialDay]) -> String {
    let dropped: u64 = days.iter().map(|d| d.dropped_rows).sum();
    let mut m = format!(
        "{}: a file carries whole station-days, and this one carries only part of {} stored station-day{}: loading it would drop {dropped} stored row{}. Nothing was loaded.\n",
        path.display(),
        days.len(),
        if days.len() == 1 { "" } else { "s" },
        if dropped == 1 { "" } else { "s" },
    );
    for d in days.iter().take(20) {
        m.push_str(&format!(
            "  {} {}: {} rows stored, {} in the file, {} stored rows not in the file\n",
            d.station, d.date, d.stored_rows, d.file_rows, d.dropped_rows
        ));
    }
    if days.len() > 20 {
        m.push_str(&format!("  … and {} more station-days\n", days.len() - 20));
    }
    m.push_str(
        "Load the complete day(s); or --merge to keep the stored rows and replace only those the file carries (same key); or --replace to drop the stored rows the file lacks.",
    );
    m
}
