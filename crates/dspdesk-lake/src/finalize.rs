//! The second half of ingest: each staged station-day becomes one sorted Parquet file
//! in the lake, written under a new name (write, fsync, rename). Nothing is current
//! until the caller records the new names in the database in one transaction.

use crate::error::{IngestError, PartialDay};
use crate::layout::{Lake, sync_dir};
use crate::schema::Kind;
use crate::stage::{DayStage, Staged, StationDay};
use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, DictionaryArray, Int32Array, StringArray,
    UInt32Array,
};
use arrow::compute::{
    SortColumn, concat_batches, filter_record_batch, lexsort_to_indices, take_record_batch,
};
use arrow::datatypes::{DataType, Decimal128Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to do when a file carries only part of a station-day that is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayMode {
    /// Refuse the file (the default): it would drop stored rows.
    #[default]
    Strict,
    /// Keep stored rows whose key the file lacks; replace those it carries.
    Merge,
    /// Replace the stored station-day with the file's rows, dropping the rest.
    Replace,
}

/// A station-day file written to the lake, not yet current.
#[derive(Debug, Clone)]
pub struct LakeDay {
    pub station: String,
    pub date: NaiveDate,
    /// Relative to the lake's root.
    pub path: String,
    pub rows: u64,
}

fn lake_err(path: &Path, e: impl std::fmt::Display) -> IngestError {
    IngestError::Lake {
        path: path.into(),
        message: e.to_string(),
    }
}

/// Writes every staged station-day to the lake under `tag`. `stored` names the
/// current file of each station-day already in the lake (relative paths).
pub fn finalize(
    staged: &Staged,
    lake: &Lake,
    tag: &str,
    stored: &HashMap<StationDay, String>,
    mode: DayMode,
) -> Result<Vec<LakeDay>, IngestError> {
    let results: Vec<Result<LakeDay, DayFailure>> = staged
        .days
        .par_iter()
        .map(|(key, day)| {
            let old = stored.get(key).map(|rel| lake.absolute(rel));
            finalize_day(staged.kind, key, day, lake, tag, old.as_deref(), mode)
        })
        .collect();
    let mut written = Vec::new();
    let mut partial = Vec::new();
    let mut first_error = None;
    for r in results {
        match r {
            Ok(day) => written.push(day),
            Err(DayFailure::Partial(p)) => partial.push(p),
            Err(DayFailure::Error(e)) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if first_error.is_none() && partial.is_empty() {
        // One durability barrier for the whole file instead of two fsyncs a day: the
        // names are new and nothing refers to them until the database commit does.
        if let Err(e) = sync_written(lake, &written) {
            first_error = Some(e);
        }
    }
    if first_error.is_some() || !partial.is_empty() {
        for day in &written {
            let _ = std::fs::remove_file(lake.absolute(&day.path));
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    if !partial.is_empty() {
        partial.sort_by(|a, b| (&a.station, a.date).cmp(&(&b.station, b.date)));
        return Err(IngestError::PartialDays {
            path: staged.path.clone(),
            days: partial,
        });
    }
    Ok(written)
}

enum DayFailure {
    Partial(PartialDay),
    Error(IngestError),
}

impl From<IngestError> for DayFailure {
    fn from(e: IngestError) -> Self {
        DayFailure::Error(e)
    }
}

fn finalize_day(
    kind: Kind,
    (station, date): &StationDay,
    day: &DayStage,
    lake: &Lake,
    tag: &str,
    old: Option<&Path>,
    mode: DayMode,
) -> Result<LakeDay, DayFailure> {
    let schema = crate::stage::staging_schema(kind);
    let mut batches = Vec::new();
    for (part, index) in &day.parts {
        let file = std::fs::File::open(part).map_err(|e| IngestError::io(part, e))?;
        let mut reader =
            arrow::ipc::reader::FileReader::try_new(std::io::BufReader::new(file), None)
                .map_err(|e| lake_err(part, e))?;
        reader.set_index(*index).map_err(|e| lake_err(part, e))?;
        match reader.next() {
            Some(b) => batches.push(b.map_err(|e| lake_err(part, e))?),
            None => return Err(lake_err(part, format!("no batch {index}")).into()),
        }
    }
    batches.extend(day.memory.iter().cloned());
    let mut staged = concat_batches(&schema, &batches).map_err(|e| lake_err(lake.root(), e))?;
    if batches.len() > 1 {
        // Converters gather in parallel: put the rows back in the file's order.
        staged = in_row_order(&staged).map_err(|e| lake_err(lake.root(), e))?;
    }
    let mut batch = to_lake(kind, station, *date, &staged).map_err(|e| lake_err(lake.root(), e))?;

    if let (Some(old), false) = (old, mode == DayMode::Replace) {
        let stored = read_all(old)?;
        let key_col = kind.key_column();
        let incoming = merge_keys(kind, &batch, key_col);
        let incoming: HashSet<&str> = incoming.iter().flatten().map(String::as_str).collect();
        let stored_keys = merge_keys(kind, &stored, key_col);
        let keep: BooleanArray = stored_keys
            .iter()
            .map(|k| Some(!k.as_deref().is_some_and(|k| incoming.contains(k))))
            .collect();
        let dropped = keep.true_count() as u64;
        if dropped > 0 {
            if mode == DayMode::Strict {
                return Err(DayFailure::Partial(PartialDay {
                    station: station.clone(),
                    date: *date,
                    stored_rows: stored.num_rows() as u64,
                    file_rows: batch.num_rows() as u64,
                    dropped_rows: dropped,
                }));
            }
            let kept = filter_record_batch(&stored, &keep).map_err(|e| lake_err(old, e))?;
            batch = concat_batches(&kind.lake_schema(), [&batch, &kept])
                .map_err(|e| lake_err(old, e))?;
        }
    }
    let batch = sort_for_lake(kind, &batch).map_err(|e| lake_err(lake.root(), e))?;
    let rel = Lake::relative(kind, station, *date, tag);
    let path = lake.absolute(&rel);
    write_unsynced(&path, &batch)?;
    Ok(LakeDay {
        station: station.clone(),
        date: *date,
        path: rel,
        rows: batch.num_rows() as u64,
    })
}

/// The key a merge matches rows by: the kind's key column, and for remittances the
/// partner too (a reference is unique per partner, not across partners).
fn merge_keys(kind: Kind, batch: &RecordBatch, column: &str) -> Vec<Option<String>> {
    let keys = key_strings(batch, column);
    if kind != Kind::Remittances {
        return keys;
    }
    key_strings(batch, "partner")
        .into_iter()
        .zip(keys)
        .map(|(p, k)| Some(format!("{}\0{}", p?, k?)))
        .collect()
}

fn key_strings(batch: &RecordBatch, column: &str) -> Vec<Option<String>> {
    let col = batch
        .column_by_name(column)
        .expect("lake files carry their key column");
    let text = arrow::compute::cast(col, &DataType::Utf8).expect("keys cast to text");
    text.as_string::<i32>()
        .iter()
        .map(|k| k.map(str::to_owned))
        .collect()
}

/// Reads a whole lake file.
pub fn read_all(path: &Path) -> Result<RecordBatch, IngestError> {
    read_columns(path, None)
}

/// A lake file read whole into memory, with one read. Reading a station-day file
/// through `File` costs a seek, a read and a duplicated descriptor per column chunk, which
/// on a lake of small files took more time than decoding them.
pub fn whole_file(path: &Path) -> Result<bytes::Bytes, IngestError> {
    std::fs::read(path)
        .map(bytes::Bytes::from)
        .map_err(|e| IngestError::io(path, e))
}

/// Reads a lake file, only the named columns when given.
pub fn read_columns(path: &Path, columns: Option<&[&str]>) -> Result<RecordBatch, IngestError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(whole_file(path)?)
        .map_err(|e| lake_err(path, e))?;
    let builder = match columns {
        Some(names) => {
            let mask = ProjectionMask::columns(builder.parquet_schema(), names.iter().copied());
            builder.with_projection(mask)
        }
        None => builder,
    };
    let schema = builder.schema().clone();
    let reader = builder
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|e| lake_err(path, e))?;
    let batches: Vec<RecordBatch> = reader
        .collect::<Result<_, _>>()
        .map_err(|e| lake_err(path, e))?;
    let projected = match batches.first() {
        Some(b) => b.schema(),
        None => match columns {
            Some(names) => Arc::new(
                schema
                    .project(
                        &names
                            .iter()
                            .filter_map(|n| schema.index_of(n).ok())
                            .collect::<Vec<_>>(),
                    )
                    .map_err(|e| lake_err(path, e))?,
            ),
            None => schema,
        },
    };
    concat_batches(&projected, &batches).map_err(|e| lake_err(path, e))
}

/// A staging batch (row number, plain types) as a lake batch (station and date
/// columns, dictionaries, timestamps, decimals).
fn to_lake(
    kind: Kind,
    station: &str,
    date: NaiveDate,
    staged: &RecordBatch,
) -> Result<RecordBatch, arrow::error::ArrowError> {
    let n = staged.num_rows();
    let schema = kind.lake_schema();
    let days = (date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32;
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for field in schema.fields() {
        let name = field.name().as_str();
        let array: ArrayRef = match name {
            "station" => Arc::new(DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(vec![0; n]),
                Arc::new(StringArray::from(vec![station])),
            )?),
            "date" => Arc::new(Date32Array::from(vec![days; n])) as ArrayRef,
            _ => {
                let src = staged
                    .column_by_name(name)
                    .expect("staging has every other column");
                convert_column(name, src, field.data_type())?
            }
        };
        arrays.push(array);
    }
    RecordBatch::try_new(schema, arrays)
}

fn convert_column(
    name: &str,
    src: &ArrayRef,
    to: &DataType,
) -> Result<ArrayRef, arrow::error::ArrowError> {
    Ok(match (src.data_type(), to) {
        (DataType::UInt8, DataType::Dictionary(..)) => {
            let values: Vec<&str> = if name == "status" {
                dspdesk_core::Status::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect()
            } else {
                dspdesk_core::Mot::ALL.iter().map(|m| m.as_str()).collect()
            };
            let keys: Int32Array = src
                .as_primitive::<arrow::datatypes::UInt8Type>()
                .unary(i32::from);
            Arc::new(DictionaryArray::<Int32Type>::try_new(
                keys,
                Arc::new(StringArray::from(values)),
            )?)
        }
        (DataType::Int64, DataType::Timestamp(..)) => Arc::new(
            src.as_primitive::<Int64Type>()
                .reinterpret_cast::<TimestampMicrosecondType>()
                .with_timezone("UTC"),
        ),
        (DataType::Int64, DataType::Decimal128(p, s)) => Arc::new(
            src.as_primitive::<Int64Type>()
                .unary::<_, Decimal128Type>(i128::from)
                .with_precision_and_scale(*p, *s)?,
        ),
        _ => arrow::compute::cast(src, to)?,
    })
}

/// A staging batch sorted by its `_row` column, the row number in the source file.
fn in_row_order(batch: &RecordBatch) -> Result<RecordBatch, arrow::error::ArrowError> {
    let rows = batch
        .column_by_name("_row")
        .expect("staging batches number their rows");
    let indices = arrow::compute::sort_to_indices(rows, None, None)?;
    take_record_batch(batch, &indices)
}

/// Lake files are sorted by partner, then route (or reference): the engine counts
/// distinct routes as runs, and readers find a partner's rows together.
fn sort_for_lake(kind: Kind, batch: &RecordBatch) -> Result<RecordBatch, arrow::error::ArrowError> {
    let second = match kind {
        Kind::Remittances => "reference",
        _ => "route_id",
    };
    let mut columns = Vec::new();
    for name in ["partner", second] {
        let col = batch.column_by_name(name).expect("sort columns exist");
        columns.push(SortColumn {
            values: arrow::compute::cast(col, &DataType::Utf8)?,
            options: None,
        });
    }
    let indices: UInt32Array = lexsort_to_indices(&columns, None)?;
    take_record_batch(batch, &indices)
}

/// Writes a Parquet file durably under a temporary name, then renames it in place.
/// Writes a station-day file under its new, unique name without syncing it: the
/// caller syncs every file of an ingest at once ([`sync_written`]) before the commit
/// that makes them current. A file cut short by a kill is never current, and the next
/// ingest removes it.
fn write_unsynced(path: &Path, batch: &RecordBatch) -> Result<(), IngestError> {
    let dir = path.parent().expect("lake files live in a folder");
    std::fs::create_dir_all(dir).map_err(|e| IngestError::io(dir, e))?;
    let file = std::fs::File::create(path).map_err(|e| IngestError::io(path, e))?;
    let mut writer = ArrowWriter::try_new(
        std::io::BufWriter::with_capacity(1 << 16, file),
        batch.schema(),
        Some(lake_properties()),
    )
    .map_err(|e| lake_err(path, e))?;
    writer.write(batch).map_err(|e| lake_err(path, e))?;
    writer.close().map_err(|e| lake_err(path, e))?;
    Ok(())
}

/// Makes every written file, and the folders that name them, durable: files are
/// synced in parallel, each folder once.
fn sync_written(lake: &Lake, written: &[LakeDay]) -> Result<(), IngestError> {
    // Linux: one syncfs(2) flushes the lake's file system, files and folders alike.
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let root = std::fs::File::open(lake.root()).map_err(|e| IngestError::io(lake.root(), e))?;
        // SAFETY: syncfs only reads the descriptor, which `root` keeps open.
        if unsafe { libc::syncfs(root.as_raw_fd()) } == 0 {
            return Ok(());
        }
    }
    let files: Vec<PathBuf> = written.iter().map(|d| lake.absolute(&d.path)).collect();
    files.par_iter().try_for_each(|p| {
        std::fs::File::open(p)
            .and_then(|f| f.sync_all())
            .map_err(|e| IngestError::io(p, e))
    })?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .flat_map(|p| p.ancestors().skip(1).take(3).map(Path::to_path_buf))
        .collect();
    dirs.push(lake.root().to_path_buf());
    dirs.sort();
    dirs.dedup();
    dirs.par_iter()
        .try_for_each(|d| sync_dir(d).map_err(|e| IngestError::io(d, e)))
}

fn lake_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(1 << 20))
        .build()
}

pub fn write_parquet(path: &Path, batch: &RecordBatch) -> Result<(), IngestError> {
    let dir = path.parent().expect("lake files live in a folder");
    std::fs::create_dir_all(dir).map_err(|e| IngestError::io(dir, e))?;
    let tmp: PathBuf = path.with_extension("parquet.tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| IngestError::io(&tmp, e))?;
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(lake_properties()))
        .map_err(|e| lake_err(&tmp, e))?;
    writer.write(batch).map_err(|e| lake_err(&tmp, e))?;
    let file = writer.into_inner().map_err(|e| lake_err(&tmp, e))?;
    file.sync_all().map_err(|e| IngestError::io(&tmp, e))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(|e| IngestError::io(path, e))?;
    sync_dir(dir).map_err(|e| IngestError::io(dir, e))?;
    Ok(())
}
