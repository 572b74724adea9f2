//! Ingest one file: read and check every row, write whole station-days to the lake,
//! compute their facts, and make it all current in one database transaction.
//!
//! Crash safety: lake files are written under new names and become current only when
//! the transaction that records them commits. A process killed at any point leaves the
//! previous manifest, and so the previous data, in force; the next ingest removes the
//! orphaned files.

mod recompute;

pub use dspdesk_lake::stage::rejects_path;
pub use recompute::{RecomputeReport, facts_for_days, recompute, remitted_for_days};

use crate::shared::error::AppError;
use crate::shared::workspace::Workspace;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use dspdesk_lake::{
    DayMode, ImportProfile, IngestError, Kind, Lake, Progress, StageOptions, Staged, Zones,
};
use dspdesk_store::batches_api::{IngestCommit, NewBatch, Outcome};
use dspdesk_store::{DayRows, DepositRef, LakeFileRow, RemitRow};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub profile: Option<PathBuf>,
    pub skip_bad_rows: bool,
    pub mode: DayMode,
    /// Who loads the file, for the log.
    pub loaded_by: String,
    /// Rows held in memory before spilling; `None` for the default.
    pub spill_rows: Option<usize>,
}

/// What an ingest did, with the time each phase took.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestReport {
    pub file: String,
    pub kind: String,
    pub outcome: Outcome,
    pub batch_id: i64,
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_skipped: u64,
    pub rows_rejected: u64,
    pub station_days: u64,
    pub facts: u64,
    pub rejects_file: Option<String>,
    pub content_hash: String,
    pub seconds_read: f64,
    pub seconds_lake: f64,
    pub seconds_facts: f64,
    pub seconds_commit: f64,
    pub seconds: f64,
}

fn tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos}-{}", std::process::id())
}

/// A test hook: `DSPDESK_CRASH_AT=<point>` aborts the process there, as a kill would.
fn crash_point(point: &str) {
    if std::env::var("DSPDESK_CRASH_AT").as_deref() == Ok(point) {
        eprintln!("DSPDESK_CRASH_AT={point}: aborting on purpose");
        std::process::abort();
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// What every ingest log row of one ingest shares.
struct BatchLog<'a> {
    kind: Kind,
    path: &'a Path,
    loaded_by: &'a str,
    started: DateTime<Utc>,
    /// The file and how it was read, once it is staged (see [`reading_hash`]).
    reading: String,
}

/// Rows read, loaded, skipped, rejected.
type RowCounts = (u64, u64, u64, u64);

impl BatchLog<'_> {
    fn row(
        &self,
        hash: &str,
        counts: RowCounts,
        station_days: u64,
        outcome: Outcome,
        message: String,
    ) -> NewBatch {
        NewBatch {
            kind: self.kind.as_str().into(),
            file_name: self.path.display().to_string(),
            content_hash: hash.into(),
            reading_hash: self.reading.clone(),
            rows_read: counts.0 as i64,
            rows_loaded: counts.1 as i64,
            rows_skipped: counts.2 as i64,
            rows_rejected: counts.3 as i64,
            station_days: station_days as i64,
            loaded_by: self.loaded_by.into(),
            started_at: self.started,
            finished_at: Utc::now(),
            outcome,
            message,
        }
    }
}

/// What the lake and the database need of a file once its station-days are written.
struct Derived {
    files: Vec<LakeFileRow>,
    days: Vec<(String, NaiveDate)>,
    fact_days: Vec<(String, NaiveDate)>,
    rows: DayRows,
    remit_days: Vec<(String, NaiveDate)>,
    remitted: Vec<RemitRow>,
    references: Vec<DepositRef>,
}

fn load_profile(kind: Kind, opts: &IngestOptions) -> Result<ImportProfile, AppError> {
    let Some(p) = &opts.profile else {
        return Ok(ImportProfile::default());
    };
    let profile = ImportProfile::load(p).map_err(IngestError::from)?;
    profile
        .validate(kind, &p.display().to_string())
        .map_err(IngestError::from)?;
    Ok(profile)
}

async fn station_zones(ws: &Workspace) -> Result<HashMap<String, Tz>, AppError> {
    Ok(ws
        .store
        .station_zones()
        .await?
        .into_iter()
        .filter_map(|(code, tz)| tz.parse().ok().map(|tz| (code, tz)))
        .collect())
}

impl IngestReport {
    fn staged(path: &Path, kind: Kind, staged: &Staged, seconds_read: f64) -> IngestReport {
        IngestReport {
            file: path.display().to_string(),
            kind: kind.as_str().into(),
            outcome: Outcome::Rejected,
            batch_id: 0,
            rows_read: staged.rows_read,
            rows_loaded: staged.rows_loaded,
            rows_skipped: staged.rows_skipped,
            rows_rejected: staged.rows_rejected,
            station_days: staged.days.len() as u64,
            facts: 0,
            rejects_file: staged
                .rejects_path
                .as_ref()
                .map(|p| p.display().to_string()),
            content_hash: staged.content_hash.clone(),
            seconds_read,
            seconds_lake: 0.0,
            seconds_facts: 0.0,
            seconds_commit: 0.0,
            seconds: 0.0,
        }
    }
}

fn row_counts(staged: &Staged) -> RowCounts {
    (
        staged.rows_read,
        staged.rows_loaded,
        staged.rows_skipped,
        staged.rows_rejected,
    )
}

/// Records a refused file in the ingest log and hands its error back.
async fn refuse(
    ws: &Workspace,
    log: &BatchLog<'_>,
    staged: Option<&Staged>,
    e: IngestError,
) -> AppError {
    let (hash, counts) = match staged {
        Some(s) => (s.content_hash.as_str(), row_counts(s)),
        None => match &e {
            IngestError::Rows { total, .. } => ("", (0, 0, 0, *total)),
            _ => ("", (0, 0, 0, 0)),
        },
    };
    let row = log.row(hash, counts, 0, Outcome::Rejected, e.to_string());
    match ws.store.record_batch(&row).await {
        Ok(_) => e.into(),
        Err(db) => db.into(),
    }
}

/// Reads and checks every row into whole station-days under `staging`.
async fn stage_file(
    path: &Path,
    kind: Kind,
    profile: &ImportProfile,
    zones: Zones,
    staging: &Path,
    opts: &IngestOptions,
    progress: Arc<Progress>,
) -> Result<Result<Staged, IngestError>, AppError> {
    let mut stage_opts = StageOptions {
        skip_bad_rows: opts.skip_bad_rows,
        ..StageOptions::default()
    };
    if let Some(n) = opts.spill_rows {
        stage_opts.spill_rows = n;
    }
    let (path, staging, profile) = (path.to_path_buf(), staging.to_path_buf(), profile.clone());
    blocking(move || {
        dspdesk_lake::stage(
            &path,
            kind,
            &profile,
            &zones,
            &staging,
            &stage_opts,
            progress,
        )
    })
    .await
}

/// The daily facts and route blocks (deliveries, routes) or the deposits
/// (remittances, with their `references`) of the station-days just written.
async fn derive(
    ws: &Workspace,
    kind: Kind,
    written: &[dspdesk_lake::LakeDay],
    references: Vec<DepositRef>,
) -> Result<Derived, AppError> {
    let files: Vec<LakeFileRow> = written
        .iter()
        .map(|d| LakeFileRow {
            kind: kind.as_str().into(),
            station: d.station.clone(),
            date: d.date,
            path: d.path.clone(),
            rows: d.rows as i64,
        })
        .collect();
    let days: Vec<(String, NaiveDate)> = written
        .iter()
        .map(|d| (d.station.clone(), d.date))
        .collect();
    let lake = ws.lake.clone();
    if kind == Kind::Remittances {
        let list: Vec<(String, NaiveDate, String)> = files
            .iter()
            .map(|f| (f.station.clone(), f.date, f.path.clone()))
            .collect();
        let remitted = blocking(move || remitted_for_days(&lake, &list)).await??;
        return Ok(Derived {
            remit_days: days.clone(),
            remitted,
            files,
            days,
            fact_days: Vec::new(),
            rows: DayRows::default(),
            references,
        });
    }
    let mut deliveries = ws
        .store
        .current_files_on(Kind::Deliveries.as_str(), &days)
        .await?;
    let mut routes = ws
        .store
        .current_files_on(Kind::Routes.as_str(), &days)
        .await?;
    let fresh = if kind == Kind::Deliveries {
        &mut deliveries
    } else {
        &mut routes
    };
    for f in &files {
        fresh.insert((f.station.clone(), f.date), f.path.clone());
    }
    let rows = blocking({
        let days = days.clone();
        move || facts_for_days(&lake, &days, &deliveries, &routes)
    })
    .await??;
    Ok(Derived {
        fact_days: days.clone(),
        files,
        days,
        rows,
        remit_days: Vec::new(),
        remitted: Vec::new(),
        references,
    })
}

/// Stations first seen in this file, with the zone they start with: the profile's
/// for the station (`[zones]`, then `timezone`), else the workspace's.
fn new_stations(
    days: &[(String, NaiveDate)],
    zones: &HashMap<String, Tz>,
    profile: &ImportProfile,
    default_zone: Tz,
) -> Vec<(String, String)> {
    let mut v: Vec<String> = days.iter().map(|(s, _)| s.clone()).collect();
    v.sort();
    v.dedup();
    v.into_iter()
        .filter(|s| !zones.contains_key(s))
        .map(|s| {
            let zone = profile.zone_of(&s).unwrap_or(default_zone);
            (s, zone.name().to_owned())
        })
        .collect()
}

/// The zones a file is read with: stored stations' own, then the profile's `[zones]`
/// for stations it introduces.
fn reading_zones(stored: &HashMap<String, Tz>, profile: &ImportProfile) -> HashMap<String, Tz> {
    let mut zones = stored.clone();
    for station in profile.zones.keys() {
        if let (false, Some(z)) = (stored.contains_key(station), profile.zone_of(station)) {
            zones.insert(station.clone(), z);
        }
    }
    zones
}

/// Takes the lake's lock (one ingest at a time) and removes what an interrupted one
/// left behind, walking the whole lake only when one did (it left its mark).
async fn lock_lake(ws: &Workspace) -> Result<dspdesk_lake::LakeLock, AppError> {
    let lake = ws.lake.clone();
    let lock = blocking(move || lake.lock()).await??;
    if ws.lake.is_dirty(&lock) {
        ws.lake
            .collect_garbage(&lock, &ws.store.all_lake_paths().await?);
    } else {
        ws.lake.clear_staging(&lock);
    }
    Ok(lock)
}

/// Writes the staged station-days into the lake under new names; they become current
/// only when the database commit records them.
async fn write_days(
    ws: &Workspace,
    kind: Kind,
    staged: &Arc<Staged>,
    tag: &str,
    mode: DayMode,
) -> Result<Result<Vec<dspdesk_lake::LakeDay>, IngestError>, AppError> {
    let days: Vec<(String, NaiveDate)> = staged.days.keys().cloned().collect();
    let stored = ws.store.current_files_on(kind.as_str(), &days).await?;
    let (staged, lake, tag) = (staged.clone(), ws.lake.clone(), tag.to_owned());
    blocking(move || dspdesk_lake::finalize(&staged, &lake, &tag, &stored, mode)).await
}

/// A remittance `reference` is unique per partner across every stored deposit, not
/// only within a file: a deposit already stored at another station-day refuses the
/// file. Station-days the file replaces do not count against it. Stored references are
/// looked up in the database, not read from every stored file. Returns the references
/// of the files just written, to be recorded with them.
async fn check_references(
    ws: &Workspace,
    path: &Path,
    written: &[dspdesk_lake::LakeDay],
) -> Result<Result<Vec<DepositRef>, IngestError>, AppError> {
    if let Err(e) = index_old_references(ws).await? {
        return Ok(Err(e));
    }
    let lake = ws.lake.clone();
    let new: Vec<(String, NaiveDate, String)> = written
        .iter()
        .map(|d| (d.station.clone(), d.date, d.path.clone()))
        .collect();
    let file = path.to_path_buf();
    let incoming = blocking(move || {
        // A reference twice among the new files (a merge keeps a stored deposit whose
        // reference the file also carries on another day) is refused too.
        let mut seen: HashMap<(String, String), String> = HashMap::new();
        let mut out = Vec::new();
        for (station, date, rel) in new {
            for r in day_references(&lake, &station, date, &rel)? {
                if let Some(other) = seen.insert((r.partner.clone(), r.reference.clone()), rel.clone()) {
                    return Err(IngestError::Unreadable {
                        path: file.clone(),
                        message: format!(
                            "column reference: {:?} of partner {} would be stored twice (in {other} and {rel}); a reference is unique per partner. Remove the row, or correct the stored deposit's day with --replace",
                            r.reference, r.partner
                        ),
                    });
                }
                out.push(r);
            }
        }
        Ok(out)
    })
    .await?;
    let incoming = match incoming {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let keys: Vec<(String, String)> = incoming
        .iter()
        .map(|r| (r.partner.clone(), r.reference.clone()))
        .collect();
    let replaced: std::collections::HashSet<(&str, NaiveDate)> = written
        .iter()
        .map(|d| (d.station.as_str(), d.date))
        .collect();
    let stored = ws.store.stored_references(&keys).await?;
    if let Some(hit) = stored
        .iter()
        .find(|r| !replaced.contains(&(r.station.as_str(), r.date)))
    {
        return Ok(Err(IngestError::Unreadable {
            path: path.to_path_buf(),
            message: format!(
                "column reference: {:?} of partner {} is already stored (a deposit at {} on {}); a reference is unique per partner. Remove the row, or correct the stored deposit's day with --replace",
                hit.reference, hit.partner, hit.station, hit.date
            ),
        }));
    }
    Ok(Ok(incoming))
}

/// The deposits' references in one station-day's remittance file.
fn day_references(
    lake: &Lake,
    station: &str,
    date: NaiveDate,
    rel: &str,
) -> Result<Vec<DepositRef>, IngestError> {
    Ok(dspdesk_lake::engine::references(&lake.absolute(rel))?
        .into_iter()
        .map(|(partner, reference)| DepositRef {
            partner,
            reference,
            station: station.to_owned(),
            date,
        })
        .collect())
}

/// Records the references of remittance station-days stored before references were
/// recorded (a database an earlier version wrote), reading each of their files once.
async fn index_old_references(ws: &Workspace) -> Result<Result<(), IngestError>, AppError> {
    let old = ws
        .store
        .unindexed_deposit_days(Kind::Remittances.as_str())
        .await?;
    if old.is_empty() {
        return Ok(Ok(()));
    }
    let lake = ws.lake.clone();
    let days: Vec<(String, NaiveDate)> = old.iter().map(|(s, d, _)| (s.clone(), *d)).collect();
    let refs = blocking(move || {
        use rayon::prelude::*;
        old.par_iter()
            .map(|(station, date, rel)| day_references(&lake, station, *date, rel))
            .collect::<Result<Vec<Vec<DepositRef>>, IngestError>>()
    })
    .await?;
    match refs {
        Ok(refs) => {
            let refs: Vec<DepositRef> = refs.into_iter().flatten().collect();
            ws.store.index_references(&days, &refs).await?;
            Ok(Ok(()))
        }
        Err(e) => Ok(Err(e)),
    }
}

/// A profile's `timezone` is the zone of the stations a file introduces; a station
/// already stored keeps its own. Where the two differ the file is refused, naming
/// both zones, rather than read in a zone the profile did not mean.
fn zone_agrees(
    staged: &Staged,
    profile: &ImportProfile,
    zones: &HashMap<String, Tz>,
    path: &Path,
) -> Result<(), IngestError> {
    let mut differ: Vec<(String, Tz, Tz)> = staged
        .days
        .keys()
        .filter_map(|(s, _)| {
            let wanted = profile.zone_of(s)?;
            let stored = zones.get(s).filter(|z| **z != wanted)?;
            Some((s.clone(), *stored, wanted))
        })
        .collect();
    differ.dedup();
    let Some((first, _, first_wanted)) = differ.first().cloned() else {
        return Ok(());
    };
    let listed: Vec<String> = differ
        .iter()
        .map(|(s, stored, wanted)| {
            format!("{s} is stored with {stored}, the profile says {wanted}")
        })
        .collect();
    Err(IngestError::Unreadable {
        path: path.into(),
        message: format!(
            "the import profile gives stations another zone than the one they are stored with: {}. A stored station keeps its zone. If the profile is right, set the zone first (dspdesk stations set-zone {first} {first_wanted}); otherwise remove it from the profile (timezone or [zones]). Nothing was loaded",
            listed.join("; ")
        ),
    })
}

/// What a load means: the file and how it was read. The SHA-256 of the file's hash,
/// the kind, the import profile as read (its maps are ordered, so the same settings
/// give the same text; a comment or spacing changes nothing), the day mode, `--skip-bad-rows` and the zone
/// of each station the file holds: a corrected profile, another mode or a station's
/// new zone loads the same file again instead of calling it unchanged.
fn reading_hash(
    staged: &Staged,
    kind: Kind,
    profile: &ImportProfile,
    opts: &IngestOptions,
    zones: &HashMap<String, Tz>,
    default_zone: Tz,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(staged.content_hash.as_bytes());
    h.update(format!("\0{kind}\0{:?}\0{}\0", opts.mode, opts.skip_bad_rows).as_bytes());
    h.update(Sha256::digest(format!("{profile:?}")));
    let mut stations: Vec<&String> = staged.days.keys().map(|(s, _)| s).collect();
    stations.dedup();
    for s in stations {
        let zone = zones.get(s).copied().unwrap_or(default_zone);
        h.update(format!("{s}={}\0", zone.name()).as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the staged station-days and, for remittances, checks their references
/// against every stored deposit; on a refusal nothing written stays.
/// The station-days written, and for remittances their deposits' references.
type Written = (Vec<dspdesk_lake::LakeDay>, Vec<DepositRef>);

async fn write_checked(
    ws: &Workspace,
    path: &Path,
    staged: &Arc<Staged>,
    tag: &str,
    mode: DayMode,
) -> Result<Result<Written, IngestError>, AppError> {
    let written = match write_days(ws, staged.kind, staged, tag, mode).await? {
        Ok(w) => w,
        Err(e) => return Ok(Err(e)),
    };
    if staged.kind != Kind::Remittances {
        return Ok(Ok((written, Vec::new())));
    }
    match check_references(ws, path, &written).await? {
        Ok(refs) => Ok(Ok((written, refs))),
        Err(e) => {
            for day in &written {
                let _ = std::fs::remove_file(ws.lake.absolute(&day.path));
            }
            Ok(Err(e))
        }
    }
}

/// When the same file read the same way is current already: the id of the
/// `unchanged` row logged for it.
async fn already_loaded(
    ws: &Workspace,
    log: &BatchLog<'_>,
    staged: &Staged,
) -> Result<Option<i64>, AppError> {
    match ws
        .store
        .unchanged_batch(log.kind.as_str(), &log.reading)
        .await?
    {
        Some(previous) => Ok(Some(unchanged(ws, log, staged, previous).await?)),
        None => Ok(None),
    }
}

/// Logs a file whose content, read the same way, is already current.
async fn unchanged(
    ws: &Workspace,
    log: &BatchLog<'_>,
    staged: &Staged,
    previous: i64,
) -> Result<i64, AppError> {
    let why = format!(
        "the same file read the same way as batch {previous}, whose station-days are all still current"
    );
    let row = log.row(
        &staged.content_hash,
        row_counts(staged),
        0,
        Outcome::Unchanged,
        why,
    );
    Ok(ws.store.record_batch(&row).await?)
}

/// Makes the written station-days, their facts and the batch current in one
/// transaction; returns the batch's id.
async fn commit(
    ws: &Workspace,
    log: &BatchLog<'_>,
    counts: RowCounts,
    staged: &Staged,
    stations: &[(String, String)],
    d: &Derived,
) -> Result<i64, AppError> {
    let mut partners: Vec<String> = staged.partners.iter().cloned().collect();
    for f in &d.rows.facts {
        if !staged.partners.contains(&f.partner) {
            partners.push(f.partner.clone());
        }
    }
    let batch = log.row(
        &staged.content_hash,
        counts,
        d.files.len() as u64,
        Outcome::Loaded,
        String::new(),
    );
    let commit = IngestCommit {
        batch,
        stations,
        partners: &partners,
        files: &d.files,
        fact_days: &d.fact_days,
        rows: &d.rows,
        remit_days: &d.remit_days,
        remitted: &d.remitted,
        references: &d.references,
    };
    Ok(ws.store.commit_ingest(&commit).await?)
}

/// Ingests one file of `kind`. On any error nothing is current that was not before,
/// and a `rejected` row in the ingest log says why.
#[tracing::instrument(skip(ws, opts, progress), fields(kind = %kind, path = %path.display()))]
pub async fn ingest(
    ws: &Workspace,
    kind: Kind,
    path: &Path,
    opts: &IngestOptions,
    progress: Arc<Progress>,
) -> Result<IngestReport, AppError> {
    let t0 = Instant::now();
    let mut log = BatchLog {
        kind,
        path,
        loaded_by: &opts.loaded_by,
        started: Utc::now(),
        reading: String::new(),
    };
    let profile = load_profile(kind, opts)?;
    let lake = ws.lake.clone();
    let lock = lock_lake(ws).await?;
    let zones = station_zones(ws).await?;
    let default_zone = profile.default_zone().unwrap_or(ws.default_zone);
    let tag = tag();
    let staging = lake.staging_dir(&tag);
    let by_station = Zones {
        by_station: reading_zones(&zones, &profile),
        default: default_zone,
    };
    let staged =
        match stage_file(path, kind, &profile, by_station, &staging, opts, progress).await? {
            Ok(s) => s,
            Err(e) => return Err(refuse(ws, &log, None, e).await),
        };
    if let Err(e) = zone_agrees(&staged, &profile, &zones, path) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(refuse(ws, &log, Some(&staged), e).await);
    }
    let mut report = IngestReport::staged(path, kind, &staged, t0.elapsed().as_secs_f64());
    let counts = row_counts(&staged);
    log.reading = reading_hash(&staged, kind, &profile, opts, &zones, default_zone);
    if let Some(batch_id) = already_loaded(ws, &log, &staged).await? {
        let _ = std::fs::remove_dir_all(&staging);
        report.batch_id = batch_id;
        report.outcome = Outcome::Unchanged;
        report.station_days = 0;
        report.seconds = t0.elapsed().as_secs_f64();
        return Ok(report);
    }

    let t1 = Instant::now();
    let staged = Arc::new(staged);
    // From here until the commit is tidied up, a crash leaves files to sweep.
    lake.mark_dirty(&lock)?;
    let written = write_checked(ws, path, &staged, &tag, opts.mode).await?;
    let _ = std::fs::remove_dir_all(&staging);
    let (written, references) = match written {
        Ok(w) => w,
        Err(e) => return Err(refuse(ws, &log, Some(&staged), e).await),
    };
    report.seconds_lake = t1.elapsed().as_secs_f64();
    crash_point("after_lake_write");

    let t2 = Instant::now();
    let d = derive(ws, kind, &written, references).await?;
    report.seconds_facts = t2.elapsed().as_secs_f64();
    report.facts = d.rows.facts.len() as u64;

    let t3 = Instant::now();
    crash_point("before_commit");
    let stations = new_stations(&d.days, &zones, &profile, default_zone);
    report.batch_id = commit(ws, &log, counts, &staged, &stations, &d).await?;
    report.seconds_commit = t3.elapsed().as_secs_f64();
    let current: std::collections::HashSet<String> =
        written.iter().map(|d| d.path.clone()).collect();
    lake.tidy_days(&lock, &current);
    drop(lock);
    report.outcome = Outcome::Loaded;
    report.seconds = t0.elapsed().as_secs_f64();
    Ok(report)
}

/// What loading a file from the browser did: the ingest, and the flags and cases it
/// moved (`None` when the refresh failed after the load committed; that is logged).
#[derive(Debug)]
pub struct Upload {
    pub report: IngestReport,
    pub refreshed: Option<crate::cases::Refreshed>,
}

/// Loads a file a person sent, as `dspdesk ingest` does, then refreshes the flags so
/// they follow the data. Only roles that may load files may.
pub async fn upload(
    ws: &Workspace,
    actor: &crate::shared::actor::Actor,
    kind: Kind,
    path: &Path,
    skip_bad_rows: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Upload, AppError> {
    actor.must(dspdesk_core::Action::LoadFiles)?;
    let opts = IngestOptions {
        skip_bad_rows,
        loaded_by: actor.username.clone(),
        ..Default::default()
    };
    let report = ingest(ws, kind, path, &opts, Default::default()).await?;
    if report.outcome == Outcome::Unchanged {
        return Ok(Upload {
            report,
            refreshed: None,
        });
    }
    let refreshed = match crate::cases::refresh(ws, now).await {
        Ok(f) => Some(f),
        Err(e) => {
            tracing::error!(error = %e, "flag and case refresh failed after an upload");
            None
        }
    };
    Ok(Upload { report, refreshed })
}

/// The newest entries of the ingest log.
pub async fn batches(ws: &Workspace, limit: i64) -> Result<Vec<dspdesk_store::BatchRow>, AppError> {
    Ok(ws.store.batches(limit).await?)
}

/// What is loaded of one kind.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Loaded {
    pub kind: String,
    pub station_days: i64,
    pub stations: i64,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// What is loaded, kind by kind: what `dspdesk data` shows, to pick dates by.
pub async fn loaded(ws: &Workspace) -> Result<Vec<Loaded>, AppError> {
    Ok(ws
        .store
        .lake_summary()
        .await?
        .into_iter()
        .map(|(kind, station_days, stations, first, last)| Loaded {
            kind,
            station_days,
            stations,
            first,
            last,
        })
        .collect())
}

/// What `profile check` finds: how each column is filled and what the first rows read
/// as, then the whole file read as a load would read it, with nothing written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    pub inspection: dspdesk_lake::inspect::Inspection,
    /// What a load would do: rows loaded, skipped, station-days, stations, first and
    /// last date; or every reason it would refuse the file.
    pub dry_run: Result<DryRun, String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DryRun {
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_skipped: u64,
    pub station_days: u64,
    pub stations: Vec<String>,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

/// Checks a file and a profile before any load: the first thing a new network's
/// analyst runs. Nothing is loaded; the staging folder is removed.
pub async fn check(
    ws: &Workspace,
    kind: Kind,
    path: &Path,
    profile: Option<PathBuf>,
    sample: usize,
) -> Result<Check, AppError> {
    let opts = IngestOptions {
        profile,
        ..IngestOptions::default()
    };
    let profile = load_profile(kind, &opts)?;
    let zones = Zones {
        by_station: reading_zones(&station_zones(ws).await?, &profile),
        default: profile.default_zone().unwrap_or(ws.default_zone),
    };
    let inspection = {
        let (path, profile, zones) = (path.to_path_buf(), profile.clone(), zones.clone());
        blocking(move || dspdesk_lake::inspect::inspect(&path, kind, &profile, &zones, sample))
            .await??
    };
    let staging = ws.lake.staging_dir(&format!("check-{}", tag()));
    let staged = stage_file(
        path,
        kind,
        &profile,
        zones,
        &staging,
        &opts,
        Default::default(),
    )
    .await?;
    let _ = std::fs::remove_dir_all(&staging);
    let dry_run = staged
        .map(|s| {
            let mut stations: Vec<String> = s.days.keys().map(|(st, _)| st.clone()).collect();
            stations.dedup();
            DryRun {
                rows_read: s.rows_read,
                rows_loaded: s.rows_loaded,
                rows_skipped: s.rows_skipped,
                station_days: s.days.len() as u64,
                first: s.days.keys().map(|(_, d)| *d).min(),
                last: s.days.keys().map(|(_, d)| *d).max(),
                stations,
            }
        })
        .map_err(|e| e.to_string());
    Ok(Check {
        inspection,
        dry_run,
    })
}

/// A starting import profile for a file (see `dspdesk_lake::inspect::suggest`).
pub async fn suggest_profile(kind: Kind, path: &Path) -> Result<String, AppError> {
    let path = path.to_path_buf();
    Ok(blocking(move || dspdesk_lake::inspect::suggest(&path, kind)).await??)
}
