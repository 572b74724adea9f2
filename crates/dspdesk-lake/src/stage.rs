//! The streaming half of ingest: read every record, convert it, and gather rows by
//! station-day with bounded memory, spilling to Arrow IPC files in a staging folder.

use crate::convert::{Mapping, Value};
use crate::error::{IngestError, RowError};
use crate::profile::ImportProfile;
use crate::schema::{ColType, Kind};
use crate::source::{self, Progress, RecordSource};
use arrow::array::{
    ArrayBuilder, ArrayRef, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    UInt8Builder, UInt64Builder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::ipc::writer::FileWriter;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use chrono_tz::Tz;
use csv::ByteRecord;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A station and a date: the unit the lake stores and replaces.
pub type StationDay = (String, NaiveDate);

#[derive(Debug, Clone)]
pub struct StageOptions {
    pub skip_bad_rows: bool,
    /// Errors listed in the message (all are counted).
    pub max_errors: usize,
    /// Rows held in memory before they are spilled to the staging folder.
    pub spill_rows: usize,
}

impl Default for StageOptions {
    fn default() -> Self {
        StageOptions {
            skip_bad_rows: false,
            max_errors: 50,
            spill_rows: 2_000_000,
        }
    }
}

/// The rows of one station-day gathered from a file: spilled parts and what is still
/// in memory.
#[derive(Debug, Default)]
pub struct DayStage {
    /// Spilled parts: an Arrow IPC file and the index of this day's batch in it.
    pub parts: Vec<(PathBuf, usize)>,
    pub memory: Option<RecordBatch>,
    pub rows: u64,
}

/// A file read, converted and gathered, not yet in the lake.
#[derive(Debug)]
pub struct Staged {
    pub kind: Kind,
    pub path: PathBuf,
    pub staging_dir: PathBuf,
    pub days: BTreeMap<StationDay, DayStage>,
    pub partners: BTreeSet<String>,
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_skipped: u64,
    pub rows_rejected: u64,
    pub rejects_path: Option<PathBuf>,
    pub content_hash: String,
}

/// Station time zones, and the zone of stations not yet known.
#[derive(Debug, Clone)]
pub struct Zones {
    pub by_station: HashMap<String, Tz>,
    pub default: Tz,
}

/// Where a file's rejected rows go with `--skip-bad-rows`: beside the input.
pub fn rejects_path(input: &Path) -> PathBuf {
    let mut name = input.file_name().unwrap_or_default().to_os_string();
    name.push(".rejects.csv");
    input.with_file_name(name)
}

/// The schema of staging batches: the row number, then every canonical column except
/// the station and date that name the batch's station-day.
pub fn staging_schema(kind: Kind) -> SchemaRef {
    let mut fields = vec![Field::new("_row", DataType::UInt64, false)];
    for col in kind.columns() {
        if col.name == "station" || col.name == "date" {
            continue;
        }
        let ty = match col.ty {
            ColType::Text | ColType::Code => DataType::Utf8,
            ColType::Timestamp | ColType::Amount | ColType::PositiveAmount => DataType::Int64,
            ColType::Status | ColType::Mot => DataType::UInt8,
            ColType::Hours => DataType::Int32,
            ColType::Km => DataType::Float64,
            ColType::Date => unreachable!("date is the station-day's, not a column"),
        };
        fields.push(Field::new(col.name, ty, true));
    }
    Arc::new(Schema::new(fields))
}

enum ColBuf {
    Text(StringBuilder),
    I64(Int64Builder),
    U8(UInt8Builder),
    I32(Int32Builder),
    F64(Float64Builder),
}

impl ColBuf {
    fn for_type(ty: &DataType) -> ColBuf {
        match ty {
            DataType::Utf8 => ColBuf::Text(StringBuilder::new()),
            DataType::Int64 => ColBuf::I64(Int64Builder::new()),
            DataType::UInt8 => ColBuf::U8(UInt8Builder::new()),
            DataType::Int32 => ColBuf::I32(Int32Builder::new()),
            _ => ColBuf::F64(Float64Builder::new()),
        }
    }

    fn push(&mut self, v: Value<'_>) {
        match (self, v) {
            (ColBuf::Text(b), Value::Text(t)) => b.append_value(t),
            (ColBuf::Text(b), _) => b.append_null(),
            (ColBuf::I64(b), Value::Instant(x) | Value::Money(x)) => b.append_value(x),
            (ColBuf::I64(b), _) => b.append_null(),
            (ColBuf::U8(b), Value::Status(s)) => b.append_value(status_code(s)),
            (ColBuf::U8(b), Value::Mot(m)) => b.append_value(mot_code(m)),
            (ColBuf::U8(b), _) => b.append_null(),
            (ColBuf::I32(b), Value::Int(x)) => b.append_value(x),
            (ColBuf::I32(b), _) => b.append_null(),
            (ColBuf::F64(b), Value::Float(x)) => b.append_value(x),
            (ColBuf::F64(b), _) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColBuf::Text(b) => Arc::new(b.finish()),
            ColBuf::I64(b) => Arc::new(b.finish()),
            ColBuf::U8(b) => Arc::new(b.finish()),
            ColBuf::I32(b) => Arc::new(b.finish()),
            ColBuf::F64(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            ColBuf::Text(b) => b.len(),
            ColBuf::I64(b) => b.len(),
            ColBuf::U8(b) => b.len(),
            ColBuf::I32(b) => b.len(),
            ColBuf::F64(b) => b.len(),
        }
    }
}

pub fn status_code(s: dspdesk_core::Status) -> u8 {
    dspdesk_core::Status::ALL
        .iter()
        .position(|x| *x == s)
        .unwrap_or(0) as u8
}

pub fn mot_code(m: dspdesk_core::Mot) -> u8 {
    dspdesk_core::Mot::ALL
        .iter()
        .position(|x| *x == m)
        .unwrap_or(0) as u8
}

struct DayBuf {
    row: UInt64Builder,
    cols: Vec<ColBuf>,
}

impl DayBuf {
    fn new(schema: &Schema) -> DayBuf {
        DayBuf {
            row: UInt64Builder::new(),
            cols: schema.fields()[1..]
                .iter()
                .map(|f| ColBuf::for_type(f.data_type()))
                .collect(),
        }
    }

    fn finish(&mut self, schema: &SchemaRef) -> Result<RecordBatch, arrow::error::ArrowError> {
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(self.row.finish())];
        arrays.extend(self.cols.iter_mut().map(ColBuf::finish));
        RecordBatch::try_new(schema.clone(), arrays)
    }

    fn is_empty(&self) -> bool {
        self.cols.first().is_none_or(|c| c.len() == 0)
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

fn key_hash(parts: &[&[u8]], date: Option<NaiveDate>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    date.hash(&mut h);
    h.finish()
}

/// Reads, converts and gathers a whole file. Nothing reaches the lake here; on any
/// error the staging folder is removed.
pub fn stage(
    path: &Path,
    kind: Kind,
    profile: &ImportProfile,
    zones: &Zones,
    staging_dir: &Path,
    opts: &StageOptions,
    progress: Arc<Progress>,
) -> Result<Staged, IngestError> {
    profile.validate(kind, "the import profile")?;
    std::fs::create_dir_all(staging_dir).map_err(|e| IngestError::io(staging_dir, e))?;
    let result = stage_inner(
        path,
        kind,
        profile,
        &zones.by_station,
        zones.default,
        staging_dir,
        opts,
        progress,
    );
    if result.is_err() {
        let _ = std::fs::remove_dir_all(staging_dir);
    }
    result
}

#[allow(clippy::too_many_arguments)]
fn stage_inner(
    path: &Path,
    kind: Kind,
    profile: &ImportProfile,
    zones: &HashMap<String, Tz>,
    default_zone: Tz,
    staging_dir: &Path,
    opts: &StageOptions,
    progress: Arc<Progress>,
) -> Result<Staged, IngestError> {
    let mut src = source::open(path, profile, progress)?;
    let mapping = Mapping::new(kind, src.headers(), profile, path)?;
    check_types(&*src, &mapping, path)?;
    src.select(&mapping.source_columns);
    let mut src = source::Prefetch::spawn(src);

    let schema = staging_schema(kind);
    let columns = kind.columns();
    let station_i = columns
        .iter()
        .position(|c| c.name == "station")
        .expect("every kind has a station");
    let date_i = columns
        .iter()
        .position(|c| c.name == "date")
        .expect("every kind has a date");
    let partner_i = columns
        .iter()
        .position(|c| c.name == "partner")
        .expect("every kind has a partner");
    let key_i = columns
        .iter()
        .position(|c| c.name == kind.key_column())
        .expect("key column");
    let stored: Vec<usize> = (0..columns.len())
        .filter(|&i| i != station_i && i != date_i)
        .collect();

    let rejects_path = rejects_path(path);
    let mut rejects = if opts.skip_bad_rows {
        let mut w = csv::Writer::from_path(&rejects_path).map_err(|e| IngestError::Unreadable {
            path: rejects_path.clone(),
            message: format!("cannot write the rejects file: {e}"),
        })?;
        let mut header: Vec<String> = vec!["row".into(), "errors".into()];
        header.extend(src.headers().iter().cloned());
        w.write_record(&header)
            .map_err(|e| IngestError::Unreadable {
                path: rejects_path.clone(),
                message: e.to_string(),
            })?;
        Some(w)
    } else {
        None
    };

    let mut days: BTreeMap<StationDay, DayStage> = BTreeMap::new();
    let mut bufs: Vec<(StationDay, DayBuf)> = Vec::new();
    let mut buf_index: HashMap<StationDay, usize> = HashMap::new();
    let mut last: Option<(StationDay, usize)> = None;
    let mut partners = BTreeSet::new();
    let mut keys: HashMap<u64, u64, BuildHasherDefault<IdentityHasher>> = HashMap::default();
    let mut zone_cache: Option<(String, Tz)> = None;
    let mut zone = |station: &str| -> Tz {
        if let Some((s, tz)) = &zone_cache
            && s == station
        {
            return *tz;
        }
        let tz = zones.get(station).copied().unwrap_or(default_zone);
        zone_cache = Some((station.to_owned(), tz));
        tz
    };

    let (mut rows_read, mut rows_loaded, mut rows_skipped, mut rows_rejected) =
        (0u64, 0u64, 0u64, 0u64);
    let mut shown: Vec<RowError> = Vec::new();
    let mut row_errors = Vec::new();
    let mut rec = ByteRecord::new();
    let mut buffered = 0usize;
    let mut spills = 0usize;

    while let Some(row) = src.next_record(&mut rec)? {
        rows_read += 1;
        if mapping.skips(&rec) {
            rows_skipped += 1;
            continue;
        }
        row_errors.clear();
        let mut values = Vec::with_capacity(columns.len());
        let mut ok = mapping.convert(&rec, row, &mut zone, &mut values, &mut row_errors);
        if ok {
            let key_parts: Vec<&[u8]> = match kind {
                Kind::Remittances => vec![text(&values[partner_i]), text(&values[key_i])],
                _ => vec![text(&values[key_i])],
            };
            let date = match (kind, values[date_i]) {
                (Kind::Remittances, _) => None,
                (_, Value::Date(d)) => Some(d),
                _ => None,
            };
            let duplicate_of = match keys.entry(key_hash(&key_parts, date)) {
                std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(row);
                    None
                }
            };
            if let Some(first) = duplicate_of {
                row_errors.push(RowError {
                    row,
                    column: kind.key_column().into(),
                    value: String::from_utf8_lossy(key_parts[key_parts.len() - 1]).into_owned(),
                    message: match kind {
                        Kind::Remittances => format!("is used again by this partner (first at row {first}); a reference is unique per partner"),
                        _ => format!("appears again for this date (first at row {first}); a key may appear once in a file"),
                    },
                });
                ok = false;
            }
        }
        if !ok {
            rows_rejected += 1;
            for e in &row_errors {
                if shown.len() < opts.max_errors {
                    shown.push(e.clone());
                }
            }
            if let Some(w) = rejects.as_mut() {
                let reasons: Vec<String> = row_errors.iter().map(|e| e.to_string()).collect();
                let mut out = ByteRecord::new();
                out.push_field(row.to_string().as_bytes());
                out.push_field(reasons.join("; ").as_bytes());
                for f in rec.iter() {
                    out.push_field(f);
                }
                w.write_byte_record(&out)
                    .map_err(|e| IngestError::Unreadable {
                        path: rejects_path.clone(),
                        message: e.to_string(),
                    })?;
            }
            continue;
        }
        if rows_rejected > 0 && !opts.skip_bad_rows {
            // The file will not load: keep reading only to list every error.
            continue;
        }
        let (Value::Text(station), Value::Date(date)) = (values[station_i], values[date_i]) else {
            unreachable!("station and date are required and were converted");
        };
        if let Value::Text(p) = values[partner_i]
            && !partners.contains(p)
        {
            partners.insert(p.to_owned());
        }
        let idx = match &last {
            Some(((s, d), i)) if s == station && *d == date => *i,
            _ => {
                let key = (station.to_owned(), date);
                let i = *buf_index.entry(key.clone()).or_insert_with(|| {
                    bufs.push((key.clone(), DayBuf::new(&schema)));
                    bufs.len() - 1
                });
                last = Some((key, i));
                i
            }
        };
        let buf = &mut bufs[idx].1;
        buf.row.append_value(row);
        for (c, &i) in buf.cols.iter_mut().zip(&stored) {
            c.push(values[i]);
        }
        rows_loaded += 1;
        buffered += 1;
        if buffered >= opts.spill_rows {
            spill(&mut bufs, &schema, staging_dir, spills, &mut days)?;
            spills += 1;
            buffered = 0;
        }
    }
    if let Some(mut w) = rejects {
        w.flush().map_err(|e| IngestError::io(&rejects_path, e))?;
    }
    if rows_rejected > 0 && !opts.skip_bad_rows {
        return Err(IngestError::Rows {
            path: path.into(),
            errors: shown,
            total: rows_rejected,
            rejects_path,
        });
    }
    if rows_read == 0 {
        return Err(IngestError::NoRows { path: path.into() });
    }
    let content_hash = src.content_hash()?;
    for (key, mut buf) in bufs {
        if buf.is_empty() {
            continue;
        }
        let batch = buf.finish(&schema).map_err(|e| lake_err(staging_dir, e))?;
        let day = days.entry(key).or_default();
        day.rows += batch.num_rows() as u64;
        day.memory = Some(batch);
    }
    Ok(Staged {
        kind,
        path: path.into(),
        staging_dir: staging_dir.into(),
        days,
        partners,
        rows_read,
        rows_loaded,
        rows_skipped,
        rows_rejected,
        rejects_path: opts.skip_bad_rows.then_some(rejects_path),
        content_hash,
    })
}

fn text<'a>(v: &Value<'a>) -> &'a [u8] {
    match v {
        Value::Text(t) => t.as_bytes(),
        _ => b"",
    }
}

fn lake_err(path: &Path, e: impl std::fmt::Display) -> IngestError {
    IngestError::Lake {
        path: path.into(),
        message: e.to_string(),
    }
}

/// Writes every buffered station-day as one batch of a single IPC file (one file per
/// spill, not per day: creating thousands of small files costs more than the data).
fn spill(
    bufs: &mut [(StationDay, DayBuf)],
    schema: &SchemaRef,
    dir: &Path,
    n: usize,
    days: &mut BTreeMap<StationDay, DayStage>,
) -> Result<(), IngestError> {
    let part = dir.join(format!("spill-{n:05}.arrow"));
    let file = std::fs::File::create(&part).map_err(|e| IngestError::io(&part, e))?;
    let mut w = FileWriter::try_new(std::io::BufWriter::with_capacity(1 << 20, file), schema)
        .map_err(|e| lake_err(&part, e))?;
    let mut index = 0;
    for (key, buf) in bufs.iter_mut() {
        if buf.is_empty() {
            continue;
        }
        let batch = buf.finish(schema).map_err(|e| lake_err(dir, e))?;
        w.write(&batch).map_err(|e| lake_err(&part, e))?;
        let day = days.entry(key.clone()).or_default();
        day.rows += batch.num_rows() as u64;
        day.parts.push((part.clone(), index));
        index += 1;
    }
    w.finish().map_err(|e| lake_err(&part, e))?;
    Ok(())
}

/// Typed formats (Parquet) must carry each mapped column in a type that can mean it.
fn check_types(
    src: &dyn source::RecordSource,
    mapping: &Mapping,
    path: &Path,
) -> Result<(), IngestError> {
    for (i, col) in mapping.kind.columns().iter().enumerate() {
        let Some(source) = mapping.source_of(i) else {
            continue;
        };
        let Some(ty) = src.column_type(source) else {
            continue;
        };
        let texty = matches!(
            ty,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) || matches!(ty, DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8));
        let numeric =
            ty.is_numeric() || matches!(ty, DataType::Decimal128(..) | DataType::Decimal256(..));
        let (fits, expected) = match col.ty {
            ColType::Text | ColType::Code => (texty || ty.is_integer(), "text"),
            ColType::Status => (
                texty,
                "text (delivered, attempted, rejected, rts, lost, damaged)",
            ),
            ColType::Mot => (texty, "text (2W, 3W, 4W, EV2W, EV3W, EV4W)"),
            ColType::Date => (
                texty
                    || matches!(
                        ty,
                        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)
                    ),
                "a date",
            ),
            ColType::Timestamp => (
                texty
                    || matches!(
                        ty,
                        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64
                    ),
                "a timestamp",
            ),
            ColType::Amount | ColType::PositiveAmount | ColType::Km | ColType::Hours => {
                (texty || numeric, "a number")
            }
        };
        if !fits {
            return Err(IngestError::WrongType {
                path: path.into(),
                column: src.headers()[source].clone(),
                found: ty.to_string(),
                expected: expected.into(),
            });
        }
    }
    Ok(())
}
