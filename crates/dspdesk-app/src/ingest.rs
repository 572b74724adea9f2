//! Ingest one file: read and check every row, write whole station-days to the lake,
//! compute their facts, and make it all current in one database transaction.
//!
//! Crash safety: lake files are written under new names and become current only when
//! the transaction that records them commits. A process killed at any point leaves the
//! previous manifest, and so the previous data, in force; the next ingest removes the
//! orphaned files.

use crate::recompute::{facts_for_days, remitted_for_days};
use crate::workspace::{AppError, Workspace};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use dspdesk_lake::{DayMode, ImportProfile, IngestError, Kind, Progress, StageOptions, Zones};
use dspdesk_store::batches_api::{IngestCommit, NewBatch, Outcome};
use dspdesk_store::{BlockRow, FactRow, LakeFileRow, RemitRow};
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
    pub outcome: String,
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
        .map_err(|e| AppError::Task(e.to_string()))
}

/// What every ingest log row of one ingest shares.
struct BatchLog<'a> {
    kind: Kind,
    path: &'a Path,
    loaded_by: &'a str,
    started: DateTime<Utc>,
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
    let log = BatchLog {
        kind,
        path,
        loaded_by: &opts.loaded_by,
        started: Utc::now(),
    };
    let profile = match &opts.profile {
        Some(p) => ImportProfile::load(p).map_err(IngestError::from)?,
        None => ImportProfile::default(),
    };
    if let Some(p) = &opts.profile {
        profile
            .validate(kind, &p.display().to_string())
            .map_err(IngestError::from)?;
    }
    let lake = ws.lake.clone();
    let lock = blocking({
        let lake = lake.clone();
        move || lake.lock()
    })
    .await??;
    let current = ws.store.all_lake_paths().await?;
    lake.collect_garbage(&lock, &current);

    let zones: HashMap<String, Tz> = ws
        .store
        .station_zones()
        .await?
        .into_iter()
        .filter_map(|(code, tz)| tz.parse().ok().map(|tz| (code, tz)))
        .collect();
    let default_zone = profile.default_zone().unwrap_or(ws.default_zone);
    let tag = tag();
    let staging = lake.staging_dir(&tag);
    let mut stage_opts = StageOptions {
        skip_bad_rows: opts.skip_bad_rows,
        ..StageOptions::default()
    };
    if let Some(n) = opts.spill_rows {
        stage_opts.spill_rows = n;
    }
    let staged = blocking({
        let zones = Zones {
            by_station: zones.clone(),
            default: default_zone,
        };
        let (path, staging, profile) = (path.to_path_buf(), staging.clone(), profile.clone());
        move || {
            dspdesk_lake::stage(
                &path,
                kind,
                &profile,
                &zones,
                &staging,
                &stage_opts,
                progress,
            )
        }
    })
    .await?;
    let staged = match staged {
        Ok(s) => s,
        Err(e) => {
            let (read, rejected) = match &e {
                IngestError::Rows { total, .. } => (0, *total),
                _ => (0, 0),
            };
            let row = log.row(
                "",
                (read, 0, 0, rejected),
                0,
                Outcome::Rejected,
                e.to_string(),
            );
            ws.store.record_batch(&row).await?;
            return Err(e.into());
        }
    };
    let seconds_read = t0.elapsed().as_secs_f64();
    let counts = (
        staged.rows_read,
        staged.rows_loaded,
        staged.rows_skipped,
        staged.rows_rejected,
    );
    let mut report = IngestReport {
        file: path.display().to_string(),
        kind: kind.as_str().into(),
        outcome: String::new(),
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
    };

    if let Some(previous) = ws
        .store
        .unchanged_batch(kind.as_str(), &staged.content_hash)
        .await?
    {
        let _ = std::fs::remove_dir_all(&staging);
        let row = log.row(
            &staged.content_hash,
            counts,
            0,
            Outcome::Unchanged,
            format!(
                "the same content as batch {previous}, whose station-days are all still current"
            ),
        );
        report.batch_id = ws.store.record_batch(&row).await?;
        report.outcome = Outcome::Unchanged.as_str().into();
        report.station_days = 0;
        report.seconds = t0.elapsed().as_secs_f64();
        return Ok(report);
    }

    let stored = ws.store.current_files(kind.as_str()).await?;
    let t1 = Instant::now();
    let staged = Arc::new(staged);
    let written = blocking({
        let (staged, lake, tag, mode) = (staged.clone(), lake.clone(), tag.clone(), opts.mode);
        move || dspdesk_lake::finalize(&staged, &lake, &tag, &stored, mode)
    })
    .await?;
    let _ = std::fs::remove_dir_all(&staging);
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            let row = log.row(
                &staged.content_hash,
                counts,
                0,
                Outcome::Rejected,
                e.to_string(),
            );
            ws.store.record_batch(&row).await?;
            return Err(e.into());
        }
    };
    report.seconds_lake = t1.elapsed().as_secs_f64();
    crash_point("after_lake_write");

    let t2 = Instant::now();
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
    let mut remit_days: Vec<(String, NaiveDate)> = Vec::new();
    let mut remitted: Vec<RemitRow> = Vec::new();
    type Derived = (Vec<FactRow>, Vec<BlockRow>);
    let (fact_days, (facts, blocks)): (Vec<(String, NaiveDate)>, Derived) =
        if kind == Kind::Remittances {
            let list: Vec<(String, NaiveDate, String)> = files
                .iter()
                .map(|f| (f.station.clone(), f.date, f.path.clone()))
                .collect();
            remitted = blocking({
                let lake = lake.clone();
                move || remitted_for_days(&lake, &list)
            })
            .await??;
            remit_days = days.clone();
            (Vec::new(), (Vec::new(), Vec::new()))
        } else {
            let mut deliveries = ws.store.current_files(Kind::Deliveries.as_str()).await?;
            let mut routes = ws.store.current_files(Kind::Routes.as_str()).await?;
            let fresh = if kind == Kind::Deliveries {
                &mut deliveries
            } else {
                &mut routes
            };
            for f in &files {
                fresh.insert((f.station.clone(), f.date), f.path.clone());
            }
            let facts = blocking({
                let (lake, days) = (lake.clone(), days.clone());
                move || facts_for_days(&lake, &days, &deliveries, &routes)
            })
            .await??;
            (days.clone(), facts)
        };
    report.seconds_facts = t2.elapsed().as_secs_f64();
    report.facts = facts.len() as u64;

    let t3 = Instant::now();
    let new_stations: Vec<(String, String)> = {
        let mut v: Vec<String> = days.iter().map(|(s, _)| s.clone()).collect();
        v.sort();
        v.dedup();
        v.into_iter()
            .filter(|s| !zones.contains_key(s))
            .map(|s| (s, default_zone.name().to_owned()))
            .collect()
    };
    let mut partners: Vec<String> = staged.partners.iter().cloned().collect();
    for f in &facts {
        if !staged.partners.contains(&f.partner) {
            partners.push(f.partner.clone());
        }
    }
    crash_point("before_commit");
    let batch = log.row(
        &staged.content_hash,
        counts,
        files.len() as u64,
        Outcome::Loaded,
        String::new(),
    );
    let commit = IngestCommit {
        batch,
        stations: &new_stations,
        partners: &partners,
        files: &files,
        fact_days: &fact_days,
        facts: &facts,
        blocks: &blocks,
        remit_days: &remit_days,
        remitted: &remitted,
    };
    report.batch_id = ws.store.commit_ingest(&commit).await?;
    report.seconds_commit = t3.elapsed().as_secs_f64();
    let current = ws.store.all_lake_paths().await?;
    lake.collect_garbage(&lock, &current);
    drop(lock);
    report.outcome = Outcome::Loaded.as_str().into();
    report.seconds = t0.elapsed().as_secs_f64();
    Ok(report)
}
