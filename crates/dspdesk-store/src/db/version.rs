//! The data version: a number every transaction that changes derived data or scoring
//! bumps, so that each process can tell whether what it read is still current.

use super::{Result, Store, on_pool};
use sqlx::Row;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Marks the data as changed; in the same transaction as the change.
pub(crate) const BUMP_VERSION: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1";

/// Rows as last read, one slot per row type, with the data version they were read at.
/// Keyed by type so that the connection knows nothing of the aggregates it caches.
#[derive(Default)]
pub(crate) struct ReadCache {
    slots: RwLock<HashMap<TypeId, Slot>>,
    /// Held while a slot is loaded, so that requests arriving together after a change
    /// wait for one load instead of each reading the whole table.
    loading: tokio::sync::Mutex<()>,
}

/// The data version some rows were read at, and the rows.
type Slot = (i64, Arc<dyn Any + Send + Sync>);

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slots = self.slots.read().map_or(0, |s| s.len());
        f.debug_struct("ReadCache").field("slots", &slots).finish()
    }
}

impl ReadCache {
    fn get<T: Any + Send + Sync>(&self, version: i64) -> Option<Arc<T>> {
        let slots = self.slots.read().ok()?;
        let (v, rows) = slots.get(&TypeId::of::<T>())?;
        if *v != version {
            return None;
        }
        rows.clone().downcast::<T>().ok()
    }

    fn put<T: Any + Send + Sync>(&self, version: i64, rows: Arc<T>) {
        if let Ok(mut slots) = self.slots.write() {
            slots.insert(TypeId::of::<T>(), (version, rows));
        }
    }
}

impl Store {
    /// A number that changes whenever daily facts change, in any process.
    pub async fn data_version(&self) -> Result<i64> {
        let v = on_pool!(self, |pool| {
            sqlx::query("SELECT version FROM data_version WHERE id = 1")
                .fetch_one(pool)
                .await?
                .try_get::<i64, _>("version")?
        });
        Ok(v)
    }

    /// What `load` reads, from the cache while the data version is unchanged. A
    /// transaction that changes the data bumps the version, in whichever process it
    /// runs, so another process's change is seen on the next read. One load at a time:
    /// the rest wait for it and take its rows.
    pub(crate) async fn cached<T: Any + Send + Sync>(
        &self,
        load: impl Future<Output = Result<T>>,
    ) -> Result<Arc<T>> {
        let version = self.data_version().await?;
        self.cached_at(version, load).await
    }

    /// What `load` reads, from the cache while `version` (read before `load` runs, by
    /// the caller, from the counter that guards `T`) is the one the rows were read at.
    pub(crate) async fn cached_at<T: Any + Send + Sync>(
        &self,
        version: i64,
        load: impl Future<Output = Result<T>>,
    ) -> Result<Arc<T>> {
        if let Some(rows) = self.cache.get::<T>(version) {
            return Ok(rows);
        }
        let _loading = self.cache.loading.lock().await;
        // Another request may have loaded it while this one waited.
        if let Some(rows) = self.cache.get::<T>(version) {
            return Ok(rows);
        }
        let rows = Arc::new(load.await?);
        self.cache.put(version, rows.clone());
        Ok(rows)
    }
}

/// The rows of `rows` (sorted by date) with `from <= date <= to`.
pub(crate) fn dated_between<T>(
    rows: &[T],
    date: impl Fn(&T) -> chrono::NaiveDate,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> &[T] {
    let start = rows.partition_point(|r| date(r) < from);
    let end = rows.partition_point(|r| date(r) <= to);
    &rows[start..end.max(start)]
}
