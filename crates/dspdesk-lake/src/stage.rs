//! The streaming half of ingest: read every record, convert it, and gather rows by
//! station-day with bounded memory, spilling to Arrow IPC files in a staging folder.

use crate::convert::{Mapping, Value};
use crate::error::{IngestError, RowError};
use crate::profile::ImportProfile;
use crate::schema::{ColType, Kind};
use crate::source::{self, Progress};
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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
    /// Rows held in memory before they are spilled to the staging folder (by all
    /// converters together).
    pub spill_rows: usize,
    /// Threads converting records: one per core by default.
    pub converters: usize,
    /// Records handed to a converter at a time.
    pub batch_rows: usize,
}

impl Default for StageOptions {
    fn default() -> Self {
        StageOptions {
            skip_bad_rows: false,
            max_errors: 50,
            spill_rows: 2_000_000,
            converters: std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            batch_rows: source::PREFETCH_BATCH,
        }
    }
}

/// The rows of one station-day gathered from a file: spilled parts and what is still
/// in memory.
#[derive(Debug, Default)]
pub struct DayStage {
    /// Spilled parts: an Arrow IPC file and the index of this day's batch in it.
    pub parts: Vec<(PathBuf, usize)>,
    /// What is still in memory, a batch per converter that gathered rows of the day.
    pub memory: Vec<RecordBatch>,
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
    let mut src = source::Prefetch::spawn(src, opts.batch_rows);

    let rejects_path = rejects_path(path);
    let rejects = if opts.skip_bad_rows {
        Some(open_rejects(&rejects_path, src.headers())?)
    } else {
        None
    };
    let pos = Positions::of(kind);
    let mut stager = Stager {
        kind,
        mapping: &mapping,
        opts,
        pos: &pos,
        keys: FirstRows::default(),
        rejects,
        rejects_path,
    };
    let (tally, gathers) = stager.read_all(&mut src, (zones, default_zone), staging_dir)?;
    stager.finish(tally, gathers, path, &mut src, staging_dir)
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

/// What one converter reports of a batch of records: each row's outcome, in order.
enum Outcome {
    /// A profile's skip rule dropped it.
    Skipped,
    /// It did not convert; the reasons.
    Bad(Vec<RowError>),
    /// It converted; the hash of its key (and date).
    Good(u64),
}

/// A converted batch on its way to the merge: its records (for the rejects file and
/// the messages) and each row's outcome.
struct Converted {
    worker: usize,
    seq: u64,
    records: Arc<source::Records>,
    outcomes: Vec<Outcome>,
}

/// Which rows of a batch to gather, as the merge decided in file order.
type Verdict = Vec<bool>;

/// What reading one file needs between its set-up and its end.
struct Stager<'a> {
    kind: Kind,
    mapping: &'a Mapping,
    opts: &'a StageOptions,
    pos: &'a Positions,
    keys: FirstRows,
    rejects: Option<csv::Writer<std::fs::File>>,
    rejects_path: PathBuf,
}

/// Batches handed to the converters and not yet merged, per converter.
const IN_FLIGHT_PER_WORKER: usize = 2;

impl<'a> Stager<'a> {
    /// Reads every record. Converters (one per core) convert batches of records and
    /// gather the good rows of each into their own station-day buffers; this thread
    /// merges their outcomes in file order, so keys are checked, errors counted and
    /// rejects written exactly as one reader would, and tells each converter which
    /// rows to gather. Returns the tally and every converter's gathered rows.
    fn read_all<'d>(
        &mut self,
        src: &mut source::Prefetch,
        zones: (&'a HashMap<String, Tz>, Tz),
        staging_dir: &'d Path,
    ) -> Result<(Tally, Vec<Gather<'d>>), IngestError> {
        let workers = self.opts.converters.max(1);
        let schema = staging_schema(self.kind);
        let spill_rows = (self.opts.spill_rows / workers).max(1);
        let (work_tx, work_rx) = std::sync::mpsc::channel::<(u64, source::Records)>();
        let work_rx = std::sync::Mutex::new(work_rx);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Converted>();
        let recycle = src.recycler();
        let (mapping, kind, pos) = (self.mapping, self.kind, self.pos);
        std::thread::scope(|scope| {
            let mut verdicts = Vec::new();
            let mut handles = Vec::new();
            for w in 0..workers {
                let (verdict_tx, verdict_rx) = std::sync::mpsc::channel::<Verdict>();
                verdicts.push(verdict_tx);
                let converter = Converter {
                    worker: w,
                    kind,
                    mapping,
                    pos,
                    zones: ZoneCache {
                        by_station: zones.0,
                        default: zones.1,
                        last: None,
                    },
                    gather: Gather::new(schema.clone(), staging_dir, spill_rows, w),
                };
                let (work_rx, done_tx, recycle) = (&work_rx, done_tx.clone(), recycle.clone());
                handles.push(
                    scope.spawn(move || converter.run(work_rx, &done_tx, &verdict_rx, &recycle)),
                );
            }
            drop(done_tx);
            let merged = self.merge_all(src, &work_tx, &done_rx, &verdicts, workers);
            drop(work_tx);
            drop(verdicts);
            let mut gathers = Vec::new();
            let mut failed = None;
            for h in handles {
                match h.join() {
                    Ok(Ok(g)) => gathers.push(g),
                    Ok(Err(e)) => {
                        failed.get_or_insert(e);
                    }
                    Err(_) => {
                        failed.get_or_insert(IngestError::Unreadable {
                            path: staging_dir.into(),
                            message: "a converter stopped unexpectedly".into(),
                        });
                    }
                }
            }
            let tally = merged?;
            match failed {
                Some(e) => Err(e),
                None => Ok((tally, gathers)),
            }
        })
    }

    /// Hands batches to the converters, a few per converter at a time, and merges
    /// what they report in file order.
    fn merge_all(
        &mut self,
        src: &mut source::Prefetch,
        work: &std::sync::mpsc::Sender<(u64, source::Records)>,
        done: &std::sync::mpsc::Receiver<Converted>,
        verdicts: &[std::sync::mpsc::Sender<Verdict>],
        workers: usize,
    ) -> Result<Tally, IngestError> {
        let mut tally = Tally::default();
        let mut sent = 0u64;
        let mut next = 0u64;
        let mut ended = false;
        let mut pending: BTreeMap<u64, Converted> = BTreeMap::new();
        loop {
            while !ended && sent - next < (workers * IN_FLIGHT_PER_WORKER) as u64 {
                match src.next_batch()? {
                    Some(batch) => {
                        if work.send((sent, batch)).is_err() {
                            ended = true;
                        } else {
                            sent += 1;
                        }
                    }
                    None => ended = true,
                }
            }
            if next == sent {
                return Ok(tally);
            }
            // Every converter gone with batches unmerged: the join reports why.
            let Ok(c) = done.recv() else {
                return Ok(tally);
            };
            pending.insert(c.seq, c);
            while let Some(c) = pending.remove(&next) {
                let verdict = self.merge(&mut tally, &c)?;
                let worker = c.worker;
                // Let go of the records first: the converter hands them back to the
                // reader for reuse once it holds the only reference.
                drop(c);
                let _ = verdicts[worker].send(verdict);
                next += 1;
            }
        }
    }

    /// Merges one converted batch: counts its rows, checks each good row's key
    /// against every earlier row's, rejects what is bad, and decides what is gathered.
    fn merge(&mut self, tally: &mut Tally, c: &Converted) -> Result<Verdict, IngestError> {
        let mut verdict = vec![false; c.outcomes.len()];
        for (i, ((row, rec), outcome)) in c.records.iter().zip(&c.outcomes).enumerate() {
            tally.read += 1;
            match outcome {
                Outcome::Skipped => tally.skipped += 1,
                Outcome::Bad(errors) => self.reject(tally, *row, rec, errors)?,
                Outcome::Good(hash) => match self.keys.entry(*hash) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        let error =
                            duplicate(self.kind, self.mapping, self.pos, rec, *row, *e.get());
                        self.reject(tally, *row, rec, &[error])?;
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(*row);
                        // Once a row is bad a file without --skip-bad-rows will not
                        // load: the rest is read only to list every error.
                        if tally.rejected == 0 || self.opts.skip_bad_rows {
                            verdict[i] = true;
                            tally.loaded += 1;
                        }
                    }
                },
            }
        }
        Ok(verdict)
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
    /// otherwise hands over what the converters gathered, as one set of station-days.
    fn finish(
        self,
        tally: Tally,
        gathers: Vec<Gather<'_>>,
        path: &Path,
        src: &mut source::Prefetch,
        staging_dir: &Path,
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
        let mut days: BTreeMap<StationDay, DayStage> = BTreeMap::new();
        let mut partners = BTreeSet::new();
        for g in gathers {
            let (gathered, named) = g.finish()?;
            partners.extend(named.into_iter().map(String::from));
            for (key, stage) in gathered {
                let day = days.entry(key).or_default();
                day.parts.extend(stage.parts);
                day.memory.extend(stage.memory);
                day.rows += stage.rows;
            }
        }
        Ok(Staged {
            kind: self.kind,
            path: path.into(),
            staging_dir: staging_dir.into(),
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

/// One converter thread: converts the batches it takes, reports each row's outcome,
/// and gathers the rows the merge tells it to.
struct Converter<'a, 'd> {
    worker: usize,
    kind: Kind,
    mapping: &'a Mapping,
    pos: &'a Positions,
    zones: ZoneCache<'a>,
    gather: Gather<'d>,
}

impl<'d> Converter<'_, 'd> {
    fn run(
        self,
        work: &std::sync::Mutex<std::sync::mpsc::Receiver<(u64, source::Records)>>,
        done: &std::sync::mpsc::Sender<Converted>,
        verdicts: &std::sync::mpsc::Receiver<Verdict>,
        recycle: &std::sync::mpsc::SyncSender<source::Records>,
    ) -> Result<Gather<'d>, IngestError> {
        let Converter {
            worker,
            kind,
            mapping,
            pos,
            mut zones,
            mut gather,
        } = self;
        let count = pos.count;
        loop {
            let next = match work.lock() {
                Ok(rx) => rx.recv(),
                Err(_) => break,
            };
            let Ok((seq, batch)) = next else { break };
            let records = Arc::new(batch);
            let mut values: Vec<Value<'_>> = Vec::with_capacity(records.len() * count);
            let mut row_values = Vec::with_capacity(count);
            let mut outcomes = Vec::with_capacity(records.len());
            for (row, rec) in records.iter() {
                if mapping.skips(rec) {
                    outcomes.push(Outcome::Skipped);
                    values.extend(std::iter::repeat_n(Value::Null, count));
                    continue;
                }
                let mut errors = Vec::new();
                let mut zone = |station: &str| zones.get(station);
                if mapping.convert(rec, *row, &mut zone, &mut row_values, &mut errors) {
                    outcomes.push(Outcome::Good(key_of(kind, pos, &row_values)));
                } else {
                    outcomes.push(Outcome::Bad(errors));
                }
                row_values.resize(count, Value::Null);
                values.extend_from_slice(&row_values);
            }
            let converted = Converted {
                worker,
                seq,
                records: records.clone(),
                outcomes,
            };
            if done.send(converted).is_err() {
                break;
            }
            let Ok(verdict) = verdicts.recv() else { break };
            for (i, keep) in verdict.iter().enumerate() {
                if *keep {
                    gather.push(records[i].0, &values[i * count..(i + 1) * count], pos)?;
                }
            }
            drop(row_values);
            drop(values);
            if let Ok(batch) = Arc::try_unwrap(records) {
                let _ = recycle.try_send(batch);
            }
        }
        Ok(gather)
    }
}

/// The hash of a converted row's key: its key column and date, or for deposits its
/// partner and reference. Hashes, not keys, are kept: memory stays small on files of
/// tens of millions of rows.
fn key_of(kind: Kind, pos: &Positions, values: &[Value<'_>]) -> u64 {
    match (kind, values[pos.date]) {
        (Kind::Remittances, _) => {
            key_hash(&[text(&values[pos.partner]), text(&values[pos.key])], None)
        }
        (_, Value::Date(d)) => key_hash(&[text(&values[pos.key])], Some(d)),
        _ => key_hash(&[text(&values[pos.key])], None),
    }
}

/// The error of a row whose key an earlier row (`first`) already used.
fn duplicate(
    kind: Kind,
    mapping: &Mapping,
    pos: &Positions,
    rec: &ByteRecord,
    row: u64,
    first: u64,
) -> RowError {
    RowError {
        row,
        column: kind.key_column().into(),
        value: mapping.raw_text(rec, pos.key),
        message: match kind {
            Kind::Remittances => format!(
                "is used again by this partner (first at row {first}); a reference is unique per partner"
            ),
            _ => format!(
                "appears again for this date (first at row {first}); a key may appear once in a file"
            ),
        },
    }
}

/// The partners named by gathered rows: hashed, not ordered, as they are looked up
/// once per row.
type Partners = HashSet<Box<str>>;

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
    partners: Partners,
    buffered: usize,
    spills: usize,
    /// The converter this gathers for: its spill files are its own.
    worker: usize,
}

impl<'d> Gather<'d> {
    fn new(schema: SchemaRef, dir: &'d Path, spill_rows: usize, worker: usize) -> Gather<'d> {
        Gather {
            schema,
            dir,
            spill_rows,
            bufs: Vec::new(),
            index: HashMap::new(),
            last: None,
            days: BTreeMap::new(),
            partners: HashSet::new(),
            buffered: 0,
            spills: 0,
            worker,
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
            self.partners.insert(p.into());
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
                (self.worker, self.spills),
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
    fn finish(mut self) -> Result<(BTreeMap<StationDay, DayStage>, Partners), IngestError> {
        for (key, mut buf) in self.bufs {
            if buf.is_empty() {
                continue;
            }
            let batch = buf
                .finish(&self.schema)
                .map_err(|e| lake_err(self.dir, e))?;
            let day = self.days.entry(key).or_default();
            day.rows += batch.num_rows() as u64;
            day.memory.push(batch);
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
    (worker, n): (usize, usize),
    days: &mut BTreeMap<StationDay, DayStage>,
) -> Result<(), IngestError> {
    let part = dir.join(format!("spill-{worker}-{n:05}.arrow"));
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
