//! Readers that turn CSV, Excel and Parquet files into a stream of byte records with
//! the row numbers a person sees, so that one validator serves every format.

use crate::error::IngestError;
use crate::profile::ImportProfile;
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use csv::ByteRecord;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How far a reader has got: bytes for CSV, rows for the others.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicU64,
    pub total: AtomicU64,
}

pub trait RecordSource: Send {
    fn headers(&self) -> &[String];
    /// Reads the next data record into `rec`; its row number, or `None` at the end.
    fn next_record(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, IngestError>;
    /// The Arrow type of a column, for typed formats (Parquet).
    fn column_type(&self, _index: usize) -> Option<&DataType> {
        None
    }
    /// Only these columns are read; the others come back empty (Parquet skips them).
    fn select(&mut self, _columns: &[usize]) {}
    /// SHA-256 of the file's bytes, once every record has been read.
    fn content_hash(&mut self) -> Result<String, IngestError>;
    /// True when numbers come typed (spreadsheets, JSON, Parquet), not as text
    /// written with the file's own decimal mark.
    fn typed_numbers(&self) -> bool {
        false
    }
}

/// Opens a file by its extension.
pub fn open(
    path: &Path,
    profile: &ImportProfile,
    progress: Arc<Progress>,
) -> Result<Box<dyn RecordSource>, IngestError> {
    let inner = open_file(path, profile, progress)?;
    crate::lookup::LookupSource::wrap(path, inner, profile)
}

fn open_file(
    path: &Path,
    profile: &ImportProfile,
    progress: Arc<Progress>,
) -> Result<Box<dyn RecordSource>, IngestError> {
    let meta = std::fs::metadata(path).map_err(|e| IngestError::io(path, e))?;
    if meta.len() == 0 {
        return Err(IngestError::EmptyFile { path: path.into() });
    }
    let ext_of = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default()
    };
    let mut ext = ext_of(path);
    let gzip = ext == "gz";
    if gzip {
        ext = ext_of(&path.with_extension(""));
        if !matches!(ext.as_str(), "csv" | "txt" | "json" | "jsonl" | "ndjson") {
            return Err(IngestError::Unreadable {
                path: path.into(),
                message: "only CSV and JSON files are read gzip-compressed (FILE.csv.gz, FILE.json.gz); decompress it first".into(),
            });
        }
    }
    match ext.as_str() {
        "csv" | "txt" => Ok(Box::new(CsvSource::open(
            path,
            profile,
            progress,
            meta.len(),
            gzip,
        )?)),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Ok(Box::new(crate::sheet::SheetSource::open(
            path, profile, progress,
        )?)),
        "parquet" | "pq" => Ok(Box::new(ParquetSource::open(path, progress)?)),
        "json" | "jsonl" | "ndjson" => Ok(Box::new(crate::json::JsonSource::open(
            path,
            profile,
            progress,
            ext != "json",
            gzip,
        )?)),
        _ => Err(IngestError::Unreadable {
            path: path.into(),
            message: format!(
                "cannot tell the format from the extension {:?}; name the file .csv, .xlsx, .parquet, .json or .jsonl (.csv and .json may end in .gz)",
                ext
            ),
        }),
    }
}

/// SHA-256 of a whole file, hex.
pub fn file_sha256(path: &Path) -> Result<String, IngestError> {
    let mut file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| IngestError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn clean_header(raw: &[u8], first: bool) -> String {
    let raw = if first {
        raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
    } else {
        raw
    };
    String::from_utf8_lossy(raw).trim().to_owned()
}

/// Reads a file, hashing its bytes (the file's, before any decompression) and
/// counting them for the progress bar.
struct HashingReader {
    inner: BufReader<File>,
    hasher: Arc<Mutex<Sha256>>,
    progress: Arc<Progress>,
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut h) = self.hasher.lock() {
            h.update(&buf[..n]);
        }
        self.progress.done.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub struct CsvSource {
    path: PathBuf,
    reader: Option<csv::Reader<Box<dyn Read + Send>>>,
    hasher: Arc<Mutex<Sha256>>,
    headers: Vec<String>,
    row: u64,
}

impl CsvSource {
    /// A CSV file; `gzip` for a `.csv.gz` one, read as it is decompressed.
    fn open(
        path: &Path,
        profile: &ImportProfile,
        progress: Arc<Progress>,
        len: u64,
        gzip: bool,
    ) -> Result<CsvSource, IngestError> {
        let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
        progress.total.store(len, Ordering::Relaxed);
        let hasher = Arc::new(Mutex::new(Sha256::new()));
        let inner = HashingReader {
            inner: BufReader::with_capacity(1 << 20, file),
            hasher: hasher.clone(),
            progress,
        };
        let inner: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(inner))
        } else {
            Box::new(inner)
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(profile.delimiter_byte().unwrap_or(b','))
            .buffer_capacity(1 << 20)
            .from_reader(inner);
        let mut rec = ByteRecord::new();
        let mut row = 0;
        let csv_err = |e: csv::Error| IngestError::Unreadable {
            path: path.into(),
            message: format!("not a readable CSV file: {e}"),
        };
        for _ in 0..profile.skip_lines {
            row += 1;
            if !reader.read_byte_record(&mut rec).map_err(csv_err)? {
                return Err(IngestError::NoRows { path: path.into() });
            }
        }
        if !reader.read_byte_record(&mut rec).map_err(csv_err)? {
            return Err(IngestError::EmptyFile { path: path.into() });
        }
        row += 1;
        let headers = rec
            .iter()
            .enumerate()
            .map(|(i, f)| clean_header(f, i == 0))
            .collect();
        Ok(CsvSource {
            path: path.into(),
            reader: Some(reader),
            hasher,
            headers,
            row,
        })
    }
}

impl RecordSource for CsvSource {
    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn next_record(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, IngestError> {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        let more = reader
            .read_byte_record(rec)
            .map_err(|e| IngestError::Unreadable {
                path: self.path.clone(),
                message: format!("row {}: not readable as CSV: {e}", self.row + 1),
            })?;
        if !more {
            return Ok(None);
        }
        self.row += 1;
        Ok(Some(self.row))
    }

    fn content_hash(&mut self) -> Result<String, IngestError> {
        let reader = self.reader.take().ok_or_else(|| IngestError::Unreadable {
            path: self.path.clone(),
            message: "the content hash was asked for twice".into(),
        })?;
        let mut inner = reader.into_inner();
        // Anything the CSV reader did not consume still belongs to the file's hash.
        std::io::copy(&mut inner, &mut std::io::sink())
            .map_err(|e| IngestError::io(&self.path, e))?;
        drop(inner);
        let hasher =
            std::mem::take(
                &mut *self.hasher.lock().map_err(|_| IngestError::Unreadable {
                    path: self.path.clone(),
                    message: "the file's hash was lost".into(),
                })?,
            );
        Ok(hex(&hasher.finalize()))
    }
}

/// Parquet files, read a batch at a time; every value goes through the same text
/// validation as CSV so that the rules are one.
pub struct ParquetSource {
    path: PathBuf,
    reader: ParquetRecordBatchReader,
    headers: Vec<String>,
    types: Vec<DataType>,
    selected: Vec<bool>,
    batch: Vec<Option<ArrayRef>>,
    batch_len: usize,
    at: usize,
    row: u64,
    progress: Arc<Progress>,
}

impl ParquetSource {
    fn open(path: &Path, progress: Arc<Progress>) -> Result<ParquetSource, IngestError> {
        let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
            IngestError::Unreadable {
                path: path.into(),
                message: format!("not a readable Parquet file: {e}"),
            }
        })?;
        let schema = builder.schema().clone();
        progress.total.store(
            builder.metadata().file_metadata().num_rows() as u64,
            Ordering::Relaxed,
        );
        let reader =
            builder
                .with_batch_size(16 * 1024)
                .build()
                .map_err(|e| IngestError::Unreadable {
                    path: path.into(),
                    message: format!("not a readable Parquet file: {e}"),
                })?;
        let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let types = schema
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        Ok(ParquetSource {
            path: path.into(),
            reader,
            selected: vec![true; headers.len()],
            headers,
            types,
            batch: Vec::new(),
            batch_len: 0,
            at: 0,
            row: 1,
            progress,
        })
    }

    fn load_batch(&mut self, batch: RecordBatch) -> Result<(), IngestError> {
        self.batch.clear();
        for (i, column) in batch.columns().iter().enumerate() {
            if !self.selected[i] {
                self.batch.push(None);
                continue;
            }
            let text = arrow::compute::cast(column, &DataType::Utf8).map_err(|e| {
                IngestError::WrongType {
                    path: self.path.clone(),
                    column: self.headers[i].clone(),
                    found: column.data_type().to_string(),
                    expected: format!("a value that reads as text ({e})"),
                }
            })?;
            self.batch.push(Some(text));
        }
        self.batch_len = batch.num_rows();
        self.at = 0;
        Ok(())
    }
}

impl RecordSource for ParquetSource {
    fn typed_numbers(&self) -> bool {
        true
    }

    fn headers(&self) -> &[String] {
        &self.headers
    }

    fn column_type(&self, index: usize) -> Option<&DataType> {
        self.types.get(index)
    }

    fn select(&mut self, columns: &[usize]) {
        self.selected = (0..self.headers.len())
            .map(|i| columns.contains(&i))
            .collect();
    }

    fn next_record(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>, IngestError> {
        while self.at >= self.batch_len {
            match self.reader.next() {
                None => return Ok(None),
                Some(Err(e)) => {
                    return Err(IngestError::Unreadable {
                        path: self.path.clone(),
                        message: format!("row {}: not readable: {e}", self.row + 1),
                    });
                }
                Some(Ok(batch)) => self.load_batch(batch)?,
            }
        }
        rec.clear();
        for column in &self.batch {
            match column {
                Some(a) if a.is_valid(self.at) => {
                    rec.push_field(a.as_string::<i32>().value(self.at).as_bytes())
                }
                _ => rec.push_field(b""),
            }
        }
        self.at += 1;
        self.row += 1;
        self.progress.done.fetch_add(1, Ordering::Relaxed);
        Ok(Some(self.row))
    }

    fn content_hash(&mut self) -> Result<String, IngestError> {
        file_sha256(&self.path)
    }
}

/// Records read ahead, with their row numbers.
pub type Records = Vec<(u64, ByteRecord)>;

/// Runs a source on its own thread, batches of records ahead of the converters, so
/// that reading, hashing and tokenising use one core and converting the others.
pub struct Prefetch {
    headers: Vec<String>,
    batches: std::sync::mpsc::Receiver<Result<Records, IngestError>>,
    recycle: std::sync::mpsc::SyncSender<Records>,
    hash: std::sync::mpsc::Receiver<Result<String, IngestError>>,
    done: bool,
}

/// Records a batch carries, unless the caller says otherwise.
pub const PREFETCH_BATCH: usize = 4096;

impl Prefetch {
    /// Takes over a source whose columns are already selected, reading `batch_rows`
    /// records a batch.
    pub fn spawn(mut src: Box<dyn RecordSource>, batch_rows: usize) -> Prefetch {
        let batch_rows = batch_rows.max(1);
        let headers = src.headers().to_vec();
        let (tx, batches) = std::sync::mpsc::sync_channel(4);
        let (recycle, returned) = std::sync::mpsc::sync_channel::<Records>(8);
        let (hash_tx, hash) = std::sync::mpsc::sync_channel(1);
        std::thread::spawn(move || {
            loop {
                let mut batch = returned.try_recv().unwrap_or_default();
                let mut filled = 0;
                while filled < batch_rows {
                    if batch.len() <= filled {
                        batch.push((0, ByteRecord::new()));
                    }
                    match src.next_record(&mut batch[filled].1) {
                        Ok(Some(row)) => {
                            batch[filled].0 = row;
                            filled += 1;
                        }
                        Ok(None) => break,
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
                batch.truncate(filled);
                let last = filled < batch_rows;
                if filled > 0 && tx.send(Ok(batch)).is_err() {
                    return; // the reader stopped early
                }
                if last {
                    drop(tx);
                    let _ = hash_tx.send(src.content_hash());
                    return;
                }
            }
        });
        Prefetch {
            headers,
            batches,
            recycle,
            hash,
            done: false,
        }
    }

    /// The source's header.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next batch of records read ahead, whole; `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Records>, IngestError> {
        if self.done {
            return Ok(None);
        }
        match self.batches.recv() {
            Ok(batch) => batch.map(Some),
            Err(_) => {
                self.done = true;
                Ok(None)
            }
        }
    }

    /// Where a spent batch goes back to the reader, so its buffers are reused.
    pub fn recycler(&self) -> std::sync::mpsc::SyncSender<Records> {
        self.recycle.clone()
    }

    /// The whole file's content hash, once every record was read.
    pub fn content_hash(&mut self) -> Result<String, IngestError> {
        self.hash.recv().map_err(|_| IngestError::Unreadable {
            path: std::path::PathBuf::new(),
            message: "the reader stopped before the end of the file".into(),
        })?
    }
}
