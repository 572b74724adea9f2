//! Excel and OpenDocument sheets, read by their real cells.
//!
//! A sheet's declared size says nothing about what it holds: one cell at `A1` and one
//! at `XFD1048576` span 17 billion positions. `.xlsx` and `.xlsb` sheets are therefore
//! read cell by cell, and each row is kept only as wide as its last cell, so memory
//! follows what the sheet holds. What it holds is bounded too ([`LIMITS`]); beyond that the file is refused with a sentence that says to
//! save it as CSV. Each record is as wide as the header row: a value in a column with
//! no header is not read, as no column can be mapped to it. `.xls` sheets are at most 65,536 × 256 by their format and `.ods`
//! sheets are capped by the reader at 100 million cells; both are read whole.

use crate::error::IngestError;
use crate::profile::ImportProfile;
use crate::source::{Progress, RecordSource, file_sha256};
use calamine::{Data, DataRef, Reader, Sheets, open_workbook_auto};
use csv::ByteRecord;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// How much of a sheet is read before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Fields: cells, with the empty ones before each row's last cell.
    pub fields: usize,
    /// Bytes of text in all cells.
    pub text: usize,
}

/// 50 million fields (a million rows of 50 columns) and 1 GiB of text.
pub const LIMITS: Limits = Limits {
    fields: 50_000_000,
    text: 1 << 30,
};
/// The widest row read: the header names the columns, and no export needs more.
pub const MAX_COLUMNS: u32 = 16_384;

/// A sheet's rows as records, each with the row number a person sees.
pub struct SheetSource {
    path: PathBuf,
    rows: Vec<(u64, ByteRecord)>,
    next: usize,
    headers: Vec<String>,
    progress: Arc<Progress>,
}

/// The rows of a sheet as they are read, within the bounds.
struct Rows {
    limits: Limits,
    done: Vec<(u32, ByteRecord)>,
    row: Option<u32>,
    cells: Vec<(u32, String)>,
    fields: usize,
    text: usize,
    min_col: u32,
}

impl Rows {
    fn new(limits: Limits) -> Rows {
        Rows {
            limits,
            done: Vec::new(),
            row: None,
            cells: Vec::new(),
            fields: 0,
            text: 0,
            min_col: u32::MAX,
        }
    }

    fn push(&mut self, (row, col): (u32, u32), value: &Data) -> Result<(), String> {
        if matches!(value, Data::Empty) {
            return Ok(());
        }
        if col >= MAX_COLUMNS {
            return Err(format!(
                "has a value in column {} of row {}; dspdesk reads at most {MAX_COLUMNS} columns",
                col + 1,
                row + 1
            ));
        }
        if self.row != Some(row) {
            self.flush()?;
            self.row = Some(row);
        }
        // Every cell counts as it arrives: a row of many cells (or the same cell again
        // and again) cannot grow past the bound before the row ends.
        self.fields += 1;
        if self.fields > self.limits.fields {
            return Err(format!(
                "holds more than {} cells; save the sheet as CSV and load that",
                self.limits.fields
            ));
        }
        let text = cell_text(value);
        // Each cell costs its text and its place in memory.
        self.text += text.len() + std::mem::size_of::<(u32, String)>();
        if self.text > self.limits.text {
            return Err(format!(
                "holds more than {} MiB of text; save the sheet as CSV and load that",
                self.limits.text >> 20
            ));
        }
        self.min_col = self.min_col.min(col);
        self.cells.push((col, text));
        Ok(())
    }

    /// Ends the row being read: its cells become a record as wide as its last cell.
    fn flush(&mut self) -> Result<(), String> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        self.cells.sort_by_key(|(c, _)| *c);
        let width = self.cells.last().map_or(0, |(c, _)| *c as usize + 1);
        self.fields += width;
        if self.fields > self.limits.fields {
            return Err(format!(
                "holds more than {} cells; save the sheet as CSV and load that",
                self.limits.fields
            ));
        }
        let mut rec = ByteRecord::new();
        let mut at = 0;
        for (col, text) in self.cells.drain(..) {
            while at < col {
                rec.push_field(b"");
                at += 1;
            }
            if at == col + 1 {
                continue; // the same cell twice: the first wins
            }
            rec.push_field(text.as_bytes());
            at = col + 1;
        }
        self.done.push((row, rec));
        Ok(())
    }

    /// Every row in row order, starting at the sheet's first used column.
    fn finish(mut self) -> Result<Vec<(u32, ByteRecord)>, String> {
        self.flush()?;
        self.done.sort_by_key(|(r, _)| *r);
        let skip = if self.min_col == u32::MAX {
            0
        } else {
            self.min_col as usize
        };
        if skip > 0 {
            for (_, rec) in &mut self.done {
                let mut trimmed = ByteRecord::new();
                for f in rec.iter().skip(skip) {
                    trimmed.push_field(f);
                }
                *rec = trimmed;
            }
        }
        Ok(self.done)
    }
}

/// The cells of one sheet, in the order the file holds them.
fn read_rows(
    book: &mut Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
    limits: Limits,
) -> Result<Vec<(u32, ByteRecord)>, String> {
    let mut rows = Rows::new(limits);
    match book {
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
            while let Some(c) = cells.next_cell().map_err(|e| e.to_string())? {
                rows.push(c.get_position(), &data(c.get_value()))?;
            }
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
            while let Some(c) = cells.next_cell().map_err(|e| e.to_string())? {
                rows.push(c.get_position(), &data(c.get_value()))?;
            }
        }
        other => {
            let range = other.worksheet_range(name).map_err(|e| e.to_string())?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, cells) in range.rows().enumerate() {
                for (c, value) in cells.iter().enumerate() {
                    rows.push((r0 + r as u32, c0 + c as u32), value)?;
                }
            }
        }
    }
    rows.finish()
}

fn data(value: &DataRef<'_>) -> Data {
    Data::from(value.clone())
}

impl SheetSource {
    pub(crate) fn open(
        path: &Path,
        profile: &ImportProfile,
        progress: Arc<Progress>,
    ) -> Result<SheetSource, IngestError> {
        let unreadable = |message: String| IngestError::Unreadable {
            path: path.into(),
            message,
        };
        // The spreadsheet parsers are not ours: a panic inside one is this file's
        // error, not the end of the process.
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            SheetSource::read(path, profile)
        }));
        let rows = match read {
            Ok(rows) => rows?,
            Err(_) => {
                return Err(unreadable(
                    "not a readable spreadsheet (its reader failed on it); save it as CSV and load that"
                        .into(),
                ));
            }
        };
        SheetSource::from_rows(path, profile, progress, rows)
    }

    fn read(path: &Path, profile: &ImportProfile) -> Result<Vec<(u32, ByteRecord)>, IngestError> {
        let unreadable = |message: String| IngestError::Unreadable {
            path: path.into(),
            message,
        };
        let mut book = open_workbook_auto(path)
            .map_err(|e| unreadable(format!("not a readable spreadsheet: {e}")))?;
        let names = book.sheet_names();
        let name = match &profile.sheet {
            Some(name) if names.contains(name) => name.clone(),
            Some(name) => {
                return Err(unreadable(format!(
                    "no sheet {name:?}; the sheets are {}",
                    names.join(", ")
                )));
            }
            None => names
                .first()
                .cloned()
                .ok_or_else(|| unreadable("the workbook has no sheets".into()))?,
        };
        read_rows(&mut book, &name, LIMITS)
            .map_err(|e| unreadable(format!("the sheet {name:?} {e}")))
    }

    /// The header is the row `skip_lines` rows below the sheet's first used row.
    fn from_rows(
        path: &Path,
        profile: &ImportProfile,
        progress: Arc<Progress>,
        rows: Vec<(u32, ByteRecord)>,
    ) -> Result<SheetSource, IngestError> {
        let Some(first) = rows.first().map(|(r, _)| *r) else {
            return Err(IngestError::EmptyFile { path: path.into() });
        };
        let header_row = u64::from(first) + profile.skip_lines as u64;
        let mut headers = None;
        let mut data = Vec::new();
        for (r, rec) in rows {
            let r = u64::from(r);
            if r == header_row {
                headers = Some(
                    rec.iter()
                        .enumerate()
                        .map(|(i, f)| crate::source::clean_header(f, i == 0))
                        .collect(),
                );
            } else if r > header_row {
                data.push((r + 1, rec));
            }
        }
        let Some(headers) = headers else {
            return Err(IngestError::EmptyFile { path: path.into() });
        };
        progress.total.store(data.len() as u64, Ordering::Relaxed);
        Ok(SheetSource {
            path: path.into(),
            rows: data,
            next: 0,
            headers,
            progress,
        })
    }
}

/// A cell as the text a person would type for it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e:?}"),
    }
}

impl RecordSource for SheetSource {
    fn typed_numbers(&self) -> bool {
        true
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next row with a value under the header; rows with none are blank lines.
    fn next_record(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, IngestError> {
        let width = self.headers.len();
        while let Some((row, cells)) = self.rows.get(self.next) {
            self.next += 1;
            self.progress
                .done
                .store(self.next as u64, Ordering::Relaxed);
            // As wide as the header: cells under no header are not read.
            rec.clear();
            for f in cells.iter().take(width) {
                rec.push_field(f);
            }
            if rec.iter().all(|f| f.is_empty()) {
                continue;
            }
            for _ in rec.len()..width {
                rec.push_field(b"");
            }
            return Ok(Some(*row));
        }
        Ok(None)
    }

    fn content_hash(&mut self) -> Result<String, IngestError> {
        file_sha256(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            fields: 10,
            text: 1 << 20,
        }
    }

    #[test]
    fn rows_are_as_wide_as_their_last_cell_and_start_at_the_first_used_column() {
        let mut rows = Rows::new(Limits {
            fields: 100,
            text: 1 << 20,
        });
        rows.push((4, 2), &Data::String("a".into())).unwrap();
        rows.push((4, 4), &Data::Int(7)).unwrap();
        rows.push((9, 3), &Data::String("b".into())).unwrap();
        rows.push((6, 2), &Data::Empty).unwrap();
        let done = rows.finish().unwrap();
        let as_text: Vec<(u32, Vec<&[u8]>)> = done
            .iter()
            .map(|(r, rec)| (*r, rec.iter().collect()))
            .collect();
        assert_eq!(
            as_text,
            vec![(4, vec![&b"a"[..], b"", b"7"]), (9, vec![&b""[..], b"b"]),]
        );
    }

    #[test]
    fn a_far_cell_costs_one_row_not_the_span() {
        let mut rows = Rows::new(small());
        rows.push((0, 0), &Data::String("x".into())).unwrap();
        rows.push((1_048_575, 3), &Data::String("y".into()))
            .unwrap();
        assert_eq!(rows.finish().unwrap().len(), 2);
    }

    #[test]
    fn a_sheet_beyond_the_limits_is_refused_with_a_sentence() {
        let mut rows = Rows::new(small());
        let e = rows
            .push((0, MAX_COLUMNS), &Data::String("x".into()))
            .unwrap_err();
        assert!(e.contains("at most 16384 columns"), "{e}");

        let mut rows = Rows::new(small());
        rows.push((0, 5), &Data::Int(1)).unwrap();
        rows.push((1, 5), &Data::Int(1)).unwrap();
        let e = rows.finish().unwrap_err();
        assert!(e.contains("more than 10 cells"), "{e}");

        let mut rows = Rows::new(Limits {
            fields: 100,
            text: 64,
        });
        let e = rows
            .push((0, 0), &Data::String("z".repeat(65)))
            .unwrap_err();
        assert!(e.contains("save the sheet as CSV"), "{e}");

        // The same cell again and again is counted as it arrives, not when the row ends.
        let mut rows = Rows::new(small());
        let e = (0..1000)
            .find_map(|_| rows.push((0, 0), &Data::String(String::new())).err())
            .expect("refused before the row ends");
        assert!(e.contains("more than 10 cells"), "{e}");
    }
}
