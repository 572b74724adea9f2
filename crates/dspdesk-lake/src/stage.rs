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
    let mut mapping = Mapping::new(kind, src.headers(), profile, path)?;
    if src.typed_numbers() {
        mapping.numbers_are_typed();
    }
    check_types(&*src, &mapping, path)?;
    src.select(&mapping.source_columns);
    let mut src = source::Prefetch::spawn(src);

    let schema = staging_schema(kind);
    let pos = Positions::of(kind);
    let rejects_path = rejects_path(path);
    let rejects = if opts.skip_bad_rows {
        Some(open_rejects(&rejects_path, src.headers())?)
    } else {
        None
    };
    let mut stager = Stager {
        kind,
        mapping: &mapping,
        opts,
        pos,
        zones: ZoneCache {
            by_station: zones,
            default: default_zone,
            last: None,
        },
        keys: FirstRows::default(),
        rejects,
        rejects_path,
        gather: Gather::new(schema, staging_dir, opts.spill_rows),
    };
    let tally = stager.read_all(&mut src)?;
    stager.finish(tally, path, &mut src)
}

/// Where the columns the staging loop looks at sit in a converted row.
struct Positions {
    station: usize,
    date: usize,
    partner: usize,
    key: usize,
    /// Every column but station and date, in the order of the staging schema.
    stored: Vec<usize>,
    count: usize,
}

impl Positions {
    fn of(kind: Kind) -> Positions {
        let columns = kind.columns();
        let find = |name: &str| columns.iter().position(|c| c.name == name);
        let station = find("station").expect("every kind has a station");
        let date = find("date").expect("every kind has a date");
        let partner = find("partner").expect("every kind has a partner");
        let key = find(kind.key_column()).expect("key column");
        let stored = (0..columns.len())
            .filter(|&i| i != station && i != date)
            .collect();
        Positions {
            station,
            date,
            partner,
            key,
            stored,
            count: columns.len(),
        }
    }
}

/// Station time zones with the last answer kept: consecutive rows mostly share a
/// station, and a map lookup per row would cost more than the comparison.
struct ZoneCache<'z> {
    by_station: &'z HashMap<String, Tz>,
    default: Tz,
    last: Option<(String, Tz)>,
}

impl ZoneCache<'_> {
    #[inline]
    fn get(&mut self, station: &str) -> Tz {
        if let Some((s, tz)) = &self.last
            && s == station
        {
            return *tz;
        }
        let tz = self
            .by_station
            .get(station)
            .copied()
            .unwrap_or(self.default);
        self.last = Some((station.to_owned(), tz));
        tz
    }
}

/// The first row of each key, by a hash of the key (and date): keeping hashes, not
/// the keys, keeps memory small on files of tens of millions of rows.
type FirstRows = HashMap<u64, u64, BuildHasherDefault<IdentityHasher>>;

/// Records the row's key as seen, or, when it was seen before, adds the error that
/// names the first row and returns false.
#[inline]
fn first_use(
    keys: &mut FirstRows,
    kind: Kind,
    pos: &Positions,
    values: &[Value<'_>],
    row: u64,
    row_errors: &mut Vec<RowError>,
) -> bool {
    let key_parts: Vec<&[u8]> = match kind {
        Kind::Remittances => vec![text(&values[pos.partner]), text(&values[pos.key])],
        _ => vec![text(&values[pos.key])],
    };
    let date = match (kind, values[pos.date]) {
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
    let Some(first) = duplicate_of else {
        return true;
    };
    row_errors.push(RowError {
        row,
        column: kind.key_column().into(),
        value: String::from_utf8_lossy(key_parts[key_parts.len() - 1]).into_owned(),
        message: match kind {
            Kind::Remittances => format!("is used again by this partner (first at row {first}); a reference is unique per partner"),
            _ => format!("appears again for this date (first at row {first}); a key may appear once in a file"),
        },
    });
    false
}

/// Creates the rejects file, headed by the row number, the reasons and the source's
/// own header.
fn open_rejects(
    rejects_path: &Path,
    headers: &[String],
) -> Result<csv::Writer<std::fs::File>, IngestError> {
    // Flexible: a rejected row may have more or fewer fields than the header.
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(rejects_path)
        .map_err(|e| IngestError::Unreadable {
            path: rejects_path.into(),
            message: format!("cannot write the rejects file: {e}"),
        })?;
    let mut header: Vec<String> = vec!["row".into(), "errors".into()];
    header.extend(headers.iter().cloned());
    w.write_record(&header)
        .map_err(|e| IngestError::Unreadable {
            path: rejects_path.into(),
            message: e.to_string(),
        })?;
    Ok(w)
}

/// Rows counted while reading, and the errors kept for the message.
#[derive(Default)]
struct Tally {
    read: u64,
    loaded: u64,
    skipped: u64,
    rejected: u64,
    shown: Vec<RowError>,
}

/// What reading one file needs between its set-up and its end.
struct Stager<'a> {
    kind: Kind,
    mapping: &'a Mapping,
    opts: &'a StageOptions,
    pos: Positions,
    zones: ZoneCache<'a>,
    keys: FirstRows,
    rejects: Option<csv::Writer<std::fs::File>>,
    rejects_path: PathBuf,
    gather: Gather<'a>,
}

impl Stager<'_> {
    /// Reads every record: converts it, checks its key and gathers it, or rejects it.
    fn read_all(&mut self, src: &mut source::Prefetch) -> Result<Tally, IngestError> {
        let mapping = self.mapping;
        let mut tally = Tally::default();
        let mut row_errors = Vec::new();
        let mut rec = ByteRecord::new();
        while let Some(row) = src.next_record(&mut rec)? {
            tally.read += 1;
            if mapping.skips(&rec) {
                tally.skipped += 1;
                continue;
            }
            row_errors.clear();
            let mut values = Vec::with_capacity(self.pos.count);
            let zones = &mut self.zones;
            let mut zone = |station: &str| zones.get(station);
            let ok = mapping.convert(&rec, row, &mut zone, &mut values, &mut row_errors)
                && first_use(
                    &mut self.keys,
                    self.kind,
                    &self.pos,
                    &values,
                    row,
                    &mut row_errors,
                );
            if !ok {
                self.reject(&mut tally, row, &rec, &row_errors)?;
                continue;
            }
            if tally.rejected > 0 && !self.opts.skip_bad_rows {
                // The file will not load: keep reading only to list every error.
                continue;
            }
            self.gather.push(row, &values, &self.pos)?;
            tally.loaded += 1;
        }
        Ok(tally)
    }

    /// Counts a bad row, keeps its first errors for the message and, with
    /// `--skip-bad-rows`, writes it to the rejects file.
    fn reject(
        &mut self,
        tally: &mut Tally,
        row: u64,
        rec: &ByteRecord,
        row_errors: &[RowError],
    ) -> Result<(), IngestError> {
        tally.rejected += 1;
        for e in row_errors {
            if tally.shown.len() < self.opts.max_errors {
                tally.shown.push(e.clone());
            }
        }
        if let Some(w) = self.rejects.as_mut() {
            let reasons: Vec<String> = row_errors.iter().map(|e| e.to_string()).collect();
            let mut out = ByteRecord::new();
            out.push_field(row.to_string().as_bytes());
            out.push_field(reasons.join("; ").as_bytes());
            for f in rec.iter() {
                out.push_field(f);
            }
            w.write_byte_record(&out)
                .map_err(|e| IngestError::Unreadable {
                    path: self.rejects_path.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// Refuses the file if any row was bad (unless skipping them) or it had no rows;
    /// otherwise hands over what was gathered.
    fn finish(
        self,
        tally: Tally,
        path: &Path,
        src: &mut source::Prefetch,
    ) -> Result<Staged, IngestError> {
        if let Some(mut w) = self.rejects {
            w.flush()
                .map_err(|e| IngestError::io(&self.rejects_path, e))?;
        }
        if tally.rejected > 0 && !self.opts.skip_bad_rows {
            return Err(IngestError::Rows {
                path: path.into(),
                errors: tally.shown,
                total: tally.rejected,
                rejects_path: self.rejects_path,
            });
        }
        if tally.read == 0 {
            return Err(IngestError::NoRows { path: path.into() });
        }
        let content_hash = src.content_hash()?;
        let staging_dir = self.gather.dir.into();
        let (days, partners) = self.gather.finish()?;
        Ok(Staged {
            kind: self.kind,
            path: path.into(),
            staging_dir,
            days,
            partners,
            rows_read: tally.read,
            rows_loaded: tally.loaded,
            rows_skipped: tally.skipped,
            rows_rejected: tally.rejected,
            rejects_path: self.opts.skip_bad_rows.then_some(self.rejects_path),
            content_hash,
        })
    }
}

/// Good rows gathered by station-day in memory, spilled to the staging folder
/// whenever `spill_rows` are held.
struct Gather<'d> {
    schema: SchemaRef,
    dir: &'d Path,
    spill_rows: usize,
    bufs: Vec<(StationDay, DayBuf)>,
    index: HashMap<StationDay, usize>,
    /// The previous row's station-day and buffer: rows mostly come in runs of one
    /// station-day, and comparing saves building and hashing a key per row.
    last: Option<(StationDay, usize)>,
    days: BTreeMap<StationDay, DayStage>,
    partners: BTreeSet<String>,
    buffered: usize,
    spills: usize,
}

impl<'d> Gather<'d> {
    fn new(schema: SchemaRef, dir: &'d Path, spill_rows: usize) -> Gather<'d> {
        Gather {
            schema,
            dir,
            spill_rows,
            bufs: Vec::new(),
            index: HashMap::new(),
            last: None,
            days: BTreeMap::new(),
            partners: BTreeSet::new(),
            buffered: 0,
            spills: 0,
        }
    }

    /// Adds a converted row to its station-day's buffer, spilling when memory is full.
    #[inline]
    fn push(&mut self, row: u64, values: &[Value<'_>], pos: &Positions) -> Result<(), IngestError> {
        let (Value::Text(station), Value::Date(date)) = (values[pos.station], values[pos.date])
        else {
            unreachable!("station and date are required and were converted");
        };
        if let Value::Text(p) = values[pos.partner]
            && !self.partners.contains(p)
        {
            self.partners.insert(p.to_owned());
        }
        let idx = self.buffer_of(station, date);
        let buf = &mut self.bufs[idx].1;
        buf.row.append_value(row);
        for (c, &i) in buf.cols.iter_mut().zip(&pos.stored) {
            c.push(values[i]);
        }
        self.buffered += 1;
        if self.buffered >= self.spill_rows {
            spill(
                &mut self.bufs,
                &self.schema,
                self.dir,
                self.spills,
                &mut self.days,
            )?;
            self.spills += 1;
            self.buffered = 0;
        }
        Ok(())
    }

    #[inline]
    fn buffer_of(&mut self, station: &str, date: NaiveDate) -> usize {
        match &self.last {
            Some(((s, d), i)) if s == station && *d == date => *i,
            _ => {
                let key = (station.to_owned(), date);
                let i = *self.index.entry(key.clone()).or_insert_with(|| {
                    self.bufs.push((key.clone(), DayBuf::new(&self.schema)));
                    self.bufs.len() - 1
                });
                self.last = Some((key, i));
                i
            }
        }
    }

    /// What is still in memory becomes each station-day's in-memory batch.
    fn finish(mut self) -> Result<(BTreeMap<StationDay, DayStage>, BTreeSet<String>), IngestError> {
        for (key, mut buf) in self.bufs {
            if buf.is_empty() {
                continue;
            }
            let batch = buf
                .finish(&self.schema)
                .map_err(|e| lake_err(self.dir, e))?;
            let day = self.days.entry(key).or_default();
            day.rows += batch.num_rows() as u64;
            day.memory = Some(batch);
        }
        Ok((self.days, self.partners))
    }
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
