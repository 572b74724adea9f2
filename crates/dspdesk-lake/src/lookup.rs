//! Columns taken from another file by a key: the profile's `[[lookup]]`.
//!
//! ```toml
//! [[lookup]]
//! file = "route_data.json"          # beside the file being loaded
//! on = "route_id"                   # a column of the file being loaded …
//! key = "route_id"                  # … matched to this column of the lookup file
//! columns = ["station_code", "date_YYYY_MM_DD"]   # added to every row
//! [lookup.json]                     # how to read the lookup file (JSON), if needed
//! records = "*"
//! keys = ["route_id"]
//! ```
//!
//! The added columns are mapped like any other (`[columns] station = "station_code"`).
//! A row whose key the lookup file lacks gets empty cells, so a required column is
//! then the row's error. A key that appears twice in the lookup file is refused, as
//! either row could be meant.

use crate::error::IngestError;
use crate::profile::{ImportProfile, Lookup};
use crate::source::{self, Progress, RecordSource};
use arrow::datatypes::DataType;
use csv::ByteRecord;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One lookup, read: the key column's position in the file being loaded, and the
/// added values by key.
struct Table {
    on: usize,
    width: usize,
    rows: HashMap<Vec<u8>, Vec<Vec<u8>>>,
    hash: String,
}

/// A source with the lookups' columns added to every record.
pub struct LookupSource {
    inner: Box<dyn RecordSource>,
    headers: Vec<String>,
    tables: Vec<Table>,
    inner_width: usize,
}

fn unreadable(path: &Path, message: String) -> IngestError {
    IngestError::Unreadable {
        path: path.into(),
        message,
    }
}

/// Reads a lookup file into its table.
fn read_table(
    input: &Path,
    headers: &[String],
    lookup: &Lookup,
) -> Result<(Table, Vec<String>), IngestError> {
    let on = headers.iter().position(|h| *h == lookup.on).ok_or_else(|| {
        unreadable(
            input,
            format!(
                "the import profile's [[lookup]] matches on the column {:?}, which the file does not have; the file's columns are {}",
                lookup.on,
                headers.join(", ")
            ),
        )
    })?;
    let file = input
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(&lookup.file);
    let profile = ImportProfile {
        json: lookup.json.clone(),
        delimiter: lookup.delimiter.clone(),
        ..ImportProfile::default()
    };
    let mut src = source::open(&file, &profile, Arc::new(Progress::default()))?;
    let lh = src.headers().to_vec();
    let at = |name: &str| {
        lh.iter().position(|h| h == name).ok_or_else(|| {
            unreadable(
                &file,
                format!(
                    "the import profile's [[lookup]] reads the column {name:?}, which this file does not have; its columns are {}",
                    lh.join(", ")
                ),
            )
        })
    };
    let key = at(&lookup.key)?;
    let wanted: Vec<usize> = lookup
        .columns
        .iter()
        .map(|c| at(c))
        .collect::<Result<_, _>>()?;
    let mut rows = HashMap::new();
    let mut rec = ByteRecord::new();
    while let Some(row) = src.next_record(&mut rec)? {
        let k = rec.get(key).unwrap_or(b"").trim_ascii().to_vec();
        let values = wanted
            .iter()
            .map(|i| rec.get(*i).unwrap_or(b"").to_vec())
            .collect();
        if rows.insert(k.clone(), values).is_some() {
            return Err(unreadable(
                &file,
                format!(
                    "row {row}: the lookup key {:?} = {:?} appears twice; a lookup key must be unique",
                    lookup.key,
                    String::from_utf8_lossy(&k)
                ),
            ));
        }
    }
    let hash = src.content_hash()?;
    Ok((
        Table {
            on,
            width: wanted.len(),
            rows,
            hash,
        },
        lookup.columns.clone(),
    ))
}

impl LookupSource {
    /// Wraps `inner` with the profile's lookups; `inner` itself when there are none.
    pub fn wrap(
        path: &Path,
        inner: Box<dyn RecordSource>,
        profile: &ImportProfile,
    ) -> Result<Box<dyn RecordSource>, IngestError> {
        if profile.lookup.is_empty() {
            return Ok(inner);
        }
        let mut headers = inner.headers().to_vec();
        let inner_width = headers.len();
        let mut tables = Vec::new();
        for lookup in &profile.lookup {
            let (table, names) = read_table(path, &headers[..inner_width], lookup)?;
            for n in names {
                if headers.contains(&n) {
                    return Err(unreadable(
                        path,
                        format!(
                            "the import profile's [[lookup]] adds the column {n:?}, which the file already has; a column name may appear once"
                        ),
                    ));
                }
                headers.push(n);
            }
            tables.push(table);
        }
        Ok(Box::new(LookupSource {
            inner,
            headers,
            tables,
            inner_width,
        }))
    }
}

impl RecordSource for LookupSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_record(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, IngestError> {
        let Some(row) = self.inner.next_record(rec)? else {
            return Ok(None);
        };
        // A record of another width is the row's own error; keep it as it is.
        if rec.len() != self.inner_width {
            return Ok(Some(row));
        }
        let mut added: Vec<Vec<u8>> = Vec::new();
        for t in &self.tables {
            match rec.get(t.on).and_then(|k| t.rows.get(k.trim_ascii())) {
                Some(values) => added.extend(values.iter().cloned()),
                None => added.extend(std::iter::repeat_n(Vec::new(), t.width)),
            }
        }
        for v in &added {
            rec.push_field(v);
        }
        Ok(Some(row))
    }

    fn typed_numbers(&self) -> bool {
        self.inner.typed_numbers()
    }

    fn column_type(&self, index: usize) -> Option<&DataType> {
        (index < self.inner_width)
            .then(|| self.inner.column_type(index))
            .flatten()
    }

    fn select(&mut self, columns: &[usize]) {
        let mut own: Vec<usize> = columns
            .iter()
            .copied()
            .filter(|i| *i < self.inner_width)
            .collect();
        own.extend(self.tables.iter().map(|t| t.on));
        own.sort_unstable();
        own.dedup();
        self.inner.select(&own);
    }

    /// The file's hash and the lookup files': a changed lookup file is another reading.
    fn content_hash(&mut self) -> Result<String, IngestError> {
        let mut h = Sha256::new();
        h.update(self.inner.content_hash()?.as_bytes());
        for t in &self.tables {
            h.update(b"\0");
            h.update(t.hash.as_bytes());
        }
        Ok(crate::source::hex(&h.finalize()))
    }
}
