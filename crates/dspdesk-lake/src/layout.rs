//! Where lake files live, the lock that makes one writer at a time, and clean-up of
//! files no commit refers to.
//!
//! `lake/{kind}/station={S}/date={D}/{tag}.parquet`, Hive-style, so DuckDB, Polars or
//! Spark read the lake as it is. The database's manifest says which file is current
//! for each station-day; a file it does not name is left over from a replaced version
//! or a killed ingest and is removed by `collect_garbage`.

use crate::error::IngestError;
use crate::schema::Kind;
use chrono::NaiveDate;
use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Lake {
    root: PathBuf,
}

/// Held while a process writes to the lake; released on drop (and by the OS if the
/// process dies).
#[derive(Debug)]
pub struct LakeLock {
    _file: File,
}

impl Lake {
    pub fn open(root: &Path) -> Result<Lake, IngestError> {
        std::fs::create_dir_all(root.join(".staging")).map_err(|e| IngestError::io(root, e))?;
        Ok(Lake { root: root.into() })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of a station-day file, relative to the lake's root.
    pub fn relative(kind: Kind, station: &str, date: NaiveDate, tag: &str) -> String {
        format!(
            "{}/station={station}/date={date}/{tag}.parquet",
            kind.as_str()
        )
    }

    pub fn absolute(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn staging_dir(&self, tag: &str) -> PathBuf {
        self.root.join(".staging").join(tag)
    }

    /// Waits for, then takes, the lake's writer lock.
    pub fn lock(&self) -> Result<LakeLock, IngestError> {
        let path = self.root.join(".lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| IngestError::io(&path, e))?;
        file.lock().map_err(|e| IngestError::io(&path, e))?;
        Ok(LakeLock { _file: file })
    }

    /// Whether an ingest may have left files behind: it marked the lake before
    /// writing and did not get to tidy up after (a crash, a kill, a refusal).
    pub fn is_dirty(&self, _lock: &LakeLock) -> bool {
        self.root.join(DIRTY).exists()
    }

    /// Marks the lake as being written, before an ingest writes station-day files,
    /// so that whoever takes the lock next sweeps the whole lake unless this ingest
    /// tidies up itself (`tidy_days`). Durable before any file is written.
    pub fn mark_dirty(&self, _lock: &LakeLock) -> Result<(), IngestError> {
        let path = self.root.join(DIRTY);
        File::create(&path).map_err(|e| IngestError::io(&path, e))?;
        sync_dir(&self.root).map_err(|e| IngestError::io(&self.root, e))
    }

    /// After a commit: in the folders of the station-days just written (`current`,
    /// relative paths, one current file per folder), removes every other file, then
    /// the mark. What the whole sweep would remove, found without walking the lake:
    /// only these folders changed. Returns how many files were removed.
    pub fn tidy_days(&self, _lock: &LakeLock, current: &HashSet<String>) -> usize {
        let mut removed = 0;
        let dirs: HashSet<&Path> = current
            .iter()
            .filter_map(|p| Path::new(p).parent())
            .collect();
        for dir in dirs {
            let abs = self.root.join(dir);
            let Ok(entries) = std::fs::read_dir(&abs) else {
                continue;
            };
            for entry in entries.flatten() {
                let rel = dir.join(entry.file_name());
                let rel = rel.to_string_lossy().replace('\\', "/");
                if !current.contains(&rel) && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        let _ = std::fs::remove_file(self.root.join(DIRTY));
        removed
    }

    /// Removes staging folders and every lake file not in `current` (relative paths),
    /// and the mark. Call with the lock held. Returns how many files were removed.
    pub fn collect_garbage(&self, lock: &LakeLock, current: &HashSet<String>) -> usize {
        self.clear_staging(lock);
        let mut removed = 0;
        for kind in Kind::ALL {
            let dir = self.root.join(kind.as_str());
            removed += sweep(&self.root, &dir, current);
        }
        let _ = std::fs::remove_file(self.root.join(DIRTY));
        removed
    }

    /// Empties the staging folder: all a clean lake needs when the lock is taken.
    pub fn clear_staging(&self, _lock: &LakeLock) {
        let _ = std::fs::remove_dir_all(self.root.join(".staging"));
        let _ = std::fs::create_dir_all(self.root.join(".staging"));
    }
}

/// The mark an ingest leaves while it writes (see `Lake::mark_dirty`).
const DIRTY: &str = ".writing";

fn sweep(root: &Path, dir: &Path, current: &HashSet<String>) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            removed += sweep(root, &path, current);
            let _ = std::fs::remove_dir(&path); // only succeeds when empty
        } else {
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if !current.contains(&rel) && std::fs::remove_file(&path).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// Flushes a file and its folder entry to disk, so a rename that follows is durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}
