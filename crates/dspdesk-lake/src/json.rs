//! JSON and JSON Lines, flattened into records by the import profile's `[json]`.
//!
//! `records` is a path to the records: names descend into objects, `*` takes each
//! value of an object and keeps its key, `[]` takes each element of an array. Without
//! it, a document that is an array holds the records, and each line of JSON Lines is
//! one. A record's nested objects become dotted columns (`time_window.end_time_utc`),
//! and the keys the `*` steps passed become columns named by `keys` (`key1`, `key2`, …
//! where not named). So the shape of a file of routes keyed by route id, or of packages
//! keyed by route, stop and package id, loads with a profile and no script:
//!
//! ```toml
//! [json]
//! records = "*.*.*"
//! keys = ["route_id", "stop_id", "package_id"]
//! ```
//!
//! A JSON document's row numbers are its records' (the first is row 1); JSON Lines'
//! are its lines'. A file is read whole, within the same bounds as a spreadsheet.

use crate::error::IngestError;
use crate::profile::{ImportProfile, JsonOptions};
use crate::sheet::LIMITS;
use crate::source::{Progress, RecordSource, file_sha256};
use csv::ByteRecord;
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// A JSON or JSON Lines file's records.
pub struct JsonSource {
    path: PathBuf,
    rows: Vec<(u64, ByteRecord)>,
    next: usize,
    headers: Vec<String>,
    progress: Arc<Progress>,
}

/// Records with their columns, in the order columns first appear.
#[derive(Default)]
struct Flat {
    headers: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<(u64, Vec<(usize, String)>)>,
}

impl Flat {
    fn column(&mut self, name: &str) -> usize {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        self.headers.push(name.to_owned());
        self.index.insert(name.to_owned(), self.headers.len() - 1);
        self.headers.len() - 1
    }

    fn add(&mut self, row: u64, keys: &[(String, String)], record: &Value) -> Result<(), String> {
        let mut cells = Vec::new();
        for (name, key) in keys {
            let i = self.column(name);
            cells.push((i, key.clone()));
        }
        let mut leaves = Vec::new();
        flatten("", record, &mut leaves);
        for (name, text) in leaves {
            let i = self.column(&name);
            // A key named like a field, or `{"a.b": …, "a": {"b": …}}`: two values for
            // one column, and either could be meant.
            if cells.iter().any(|(c, _)| *c == i) {
                return Err(format!(
                    "record {row} has two values for the column {name:?} (a key named like a field, or a dotted name that is also a nested one); rename one in the profile's keys or in the file"
                ));
            }
            cells.push((i, text));
        }
        if self.headers.len() > crate::sheet::MAX_COLUMNS as usize {
            return Err(format!(
                "has more than {} different columns; dspdesk reads at most that many",
                crate::sheet::MAX_COLUMNS
            ));
        }
        // Every record becomes as wide as all the columns together: that is the bound.
        if (self.rows.len() + 1) * self.headers.len() > LIMITS.fields {
            return Err(format!(
                "holds more than {} values; split it, or write it as JSON Lines in parts",
                LIMITS.fields
            ));
        }
        self.rows.push((row, cells));
        Ok(())
    }
}

/// A value's scalar leaves under dotted names; an array is kept as its JSON text.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let name = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(map) => {
            if map.is_empty() && !prefix.is_empty() {
                out.push((prefix.to_owned(), String::new()));
            }
            for (k, v) in map {
                flatten(&name(k), v, out);
            }
        }
        other => {
            let text = match other {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                array => array.to_string(),
            };
            out.push((
                if prefix.is_empty() {
                    "value".into()
                } else {
                    prefix.to_owned()
                },
                text,
            ));
        }
    }
}

/// The records a path reaches from `v`, each with the keys its `*` steps passed.
fn walk<'v>(
    v: &'v Value,
    steps: &[&str],
    keys: Vec<String>,
    out: &mut Vec<(Vec<String>, &'v Value)>,
) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        out.push((keys, v));
        return Ok(());
    };
    match (*step, v) {
        ("*", Value::Object(map)) => {
            for (k, child) in map {
                let mut keys = keys.clone();
                keys.push(k.clone());
                walk(child, rest, keys, out)?;
            }
        }
        ("[]", Value::Array(items)) => {
            for child in items {
                walk(child, rest, keys.clone(), out)?;
            }
        }
        (name, Value::Object(map)) if name != "*" && name != "[]" => {
            if let Some(child) = map.get(name) {
                walk(child, rest, keys, out)?;
            }
        }
        (step, other) => {
            let what = match other {
                Value::Object(_) => "an object",
                Value::Array(_) => "an array",
                _ => "a single value",
            };
            return Err(format!(
                "the profile's [json] records path expects {} at {step:?}, and the file has {what} there",
                match step {
                    "*" => "an object (keyed by ids)",
                    "[]" => "an array",
                    _ => "an object",
                }
            ));
        }
    }
    Ok(())
}

impl JsonSource {
    /// `lines` for JSON Lines; `gzip` for a `.gz` file.
    pub(crate) fn open(
        path: &Path,
        profile: &ImportProfile,
        progress: Arc<Progress>,
        lines: bool,
        gzip: bool,
    ) -> Result<JsonSource, IngestError> {
        let unreadable = |message: String| IngestError::Unreadable {
            path: path.into(),
            message,
        };
        let text = read_text(path, gzip).map_err(unreadable)?;
        let options = profile.json.clone().unwrap_or_default();
        let flat = records(&text, lines, &options).map_err(unreadable)?;
        if flat.rows.is_empty() {
            return Err(IngestError::NoRows { path: path.into() });
        }
        let (headers, rows) = flat.into_records();
        progress.total.store(rows.len() as u64, Ordering::Relaxed);
        Ok(JsonSource {
            path: path.into(),
            rows,
            next: 0,
            headers,
            progress,
        })
    }
}

/// Every record the options' path reaches, in a document or on each line.
fn records(text: &str, lines: bool, options: &JsonOptions) -> Result<Flat, String> {
    let steps: Vec<&str> = options
        .records
        .as_deref()
        .unwrap_or("")
        .split('.')
        .filter(|s| !s.is_empty())
        .collect();
    let key_name = |i: usize| {
        options
            .keys
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("key{}", i + 1))
    };
    let mut flat = Flat::default();
    let mut add = |row: Option<u64>, doc: &Value, steps: &[&str]| -> Result<(), String> {
        let mut found = Vec::new();
        walk(doc, steps, Vec::new(), &mut found)?;
        for (keys, record) in found {
            let named: Vec<(String, String)> = keys
                .into_iter()
                .enumerate()
                .map(|(i, k)| (key_name(i), k))
                .collect();
            let row = row.unwrap_or(flat.rows.len() as u64 + 1);
            flat.add(row, &named, record)?;
        }
        Ok(())
    };
    if lines {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let doc: Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", i + 1))?;
            add(Some(i as u64 + 1), &doc, &steps)?;
        }
    } else {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| format!("not a JSON document: {e}"))?;
        let steps: Vec<&str> = if steps.is_empty() && doc.is_array() {
            vec!["[]"]
        } else {
            steps
        };
        add(None, &doc, &steps)?;
    }
    Ok(flat)
}

impl Flat {
    /// The header and each record as wide as it, empty where a record lacks a column.
    fn into_records(self) -> (Vec<String>, Vec<(u64, ByteRecord)>) {
        let width = self.headers.len();
        let rows = self
            .rows
            .into_iter()
            .map(|(row, cells)| {
                let mut values = vec![String::new(); width];
                for (i, text) in cells {
                    values[i] = text;
                }
                let mut rec = ByteRecord::new();
                for v in &values {
                    rec.push_field(v.as_bytes());
                }
                (row, rec)
            })
            .collect();
        (self.headers, rows)
    }
}

/// The file's text, decompressed when `gzip`, within the text bound.
fn read_text(path: &Path, gzip: bool) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open it: {e}"))?;
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut text = String::new();
    let limit = LIMITS.text as u64;
    reader
        .take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("not readable as UTF-8 JSON text: {e}"))?;
    if text.len() as u64 > limit {
        return Err(format!(
            "holds more than {} MiB of text; write it as JSON Lines in parts",
            limit >> 20
        ));
    }
    Ok(text)
}

impl RecordSource for JsonSource {
    fn typed_numbers(&self) -> bool {
        true
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_record(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, IngestError> {
        let Some((row, cells)) = self.rows.get(self.next) else {
            return Ok(None);
        };
        rec.clone_from(cells);
        let row = *row;
        self.next += 1;
        self.progress
            .done
            .store(self.next as u64, Ordering::Relaxed);
        Ok(Some(row))
    }

    fn content_hash(&mut self) -> Result<String, IngestError> {
        file_sha256(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(doc: &str, path: &str) -> Result<Vec<(Vec<String>, String)>, String> {
        let doc: Value = serde_json::from_str(doc).unwrap();
        let steps: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
        let mut out = Vec::new();
        walk(&doc, &steps, Vec::new(), &mut out)?;
        Ok(out.into_iter().map(|(k, v)| (k, v.to_string())).collect())
    }

    #[test]
    fn nested_maps_keyed_by_ids_become_records_with_their_keys() {
        let doc = r#"{"R1": {"S1": {"P1": {"scan_status": "DELIVERED"}, "P2": {"scan_status": "REJECTED"}}},
                     "R2": {"S9": {"P3": {"scan_status": "DELIVERY_ATTEMPTED"}}}}"#;
        let r = records(doc, "*.*.*").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].0, ["R1", "S1", "P1"]);
        assert_eq!(r[2].0, ["R2", "S9", "P3"]);
        let e = records(r#"[1, 2]"#, "*").unwrap_err();
        assert!(
            e.contains("expects an object (keyed by ids) at \"*\""),
            "{e}"
        );
        assert_eq!(
            records(r#"{"data": [{"a": 1}, {"a": 2}]}"#, "data.[]")
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn records_flatten_to_dotted_columns() {
        let v: Value = serde_json::from_str(
            r#"{"time_window": {"start_time_utc": "2018-07-27 14:00:00", "end_time_utc": null}, "n": 2.5, "tags": [1, 2], "ok": true}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        flatten("", &v, &mut out);
        let m: HashMap<String, String> = out.into_iter().collect();
        assert_eq!(m["time_window.start_time_utc"], "2018-07-27 14:00:00");
        assert_eq!(m["time_window.end_time_utc"], "");
        assert_eq!(m["n"], "2.5");
        assert_eq!(m["tags"], "[1,2]");
        assert_eq!(m["ok"], "true");
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    /// Packages keyed by route, stop and package id become one record each, with the
    /// three keys as columns and the time window as dotted columns.
    #[test]
    fn packages_keyed_three_deep_flatten_with_their_keys() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../dspdesk/tests/fixtures/amazon/package_data.json");
        let profile: ImportProfile = toml::from_str(
            "[json]\nrecords = \"*.*.*\"\nkeys = [\"route_id\", \"stop_id\", \"package_id\"]\n",
        )
        .unwrap();
        let mut src =
            JsonSource::open(&path, &profile, Arc::new(Progress::default()), false, false).unwrap();
        let h = src.headers().to_vec();
        for name in [
            "route_id",
            "stop_id",
            "package_id",
            "scan_status",
            "time_window.end_time_utc",
        ] {
            assert!(h.iter().any(|c| c == name), "{name} in {h:?}");
        }
        let col = |n: &str| h.iter().position(|c| c == n).unwrap();
        let mut rec = ByteRecord::new();
        let mut rows = Vec::new();
        while let Some(row) = src.next_record(&mut rec).unwrap() {
            rows.push((
                row,
                String::from_utf8_lossy(&rec[col("stop_id")]).into_owned(),
                String::from_utf8_lossy(&rec[col("scan_status")]).into_owned(),
                String::from_utf8_lossy(&rec[col("time_window.end_time_utc")]).into_owned(),
            ));
        }
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            (
                1,
                "AD".into(),
                "DELIVERED".into(),
                "2018-07-27 23:00:00".into()
            )
        );
        assert_eq!(rows[2].1, "AF");
        assert_eq!(rows[2].3, "", "an empty time window is an empty cell");
    }
}

#[cfg(test)]
mod bound_tests {
    use super::*;

    /// Records of all-different keys would each be as wide as every key together:
    /// refused by that product, before it is built, instead of taking the memory.
    #[test]
    fn many_different_keys_are_refused_by_the_width_they_would_take() {
        let lines: String = (0..8_000).map(|i| format!("{{\"k{i}\": 1}}\n")).collect();
        let e = records(&lines, true, &JsonOptions::default())
            .err()
            .expect("refused");
        assert!(e.contains("holds more than"), "{e}");
    }

    #[test]
    fn two_values_for_one_column_are_refused() {
        let e = records(
            r#"{"a.b": 1, "a": {"b": 2}}"#,
            false,
            &JsonOptions::default(),
        )
        .err()
        .expect("refused");
        assert!(e.contains("two values for the column \"a.b\""), "{e}");
        let opts = JsonOptions {
            records: Some("*".into()),
            keys: vec!["id".into()],
        };
        let e = records(r#"{"R1": {"id": 7}}"#, false, &opts)
            .err()
            .expect("refused");
        assert!(e.contains("\"id\""), "{e}");
    }
}
