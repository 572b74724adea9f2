//! The data version: a number every transaction that changes derived data or scoring
//! bumps, so that each process can tell whether what it read is still current.

use super::{Result, Store, on_pool};
use chrono::NaiveDate;
use sqlx::Row;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Marks the data as changed; in the same transaction as the change.
pub(crate) const BUMP_VERSION: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1";

/// Rows as last read, one slot per row type, with the data version they were read at.
/// Keyed by type so that the connection knows nothing of the aggregates it caches.
pub(crate) struct ReadCache {
    slots: RwLock<HashMap<TypeId, Slot>>,
    /// Held while a slot is loaded, so that requests arriving together after a change
    /// wait for one load instead of each reading the whole table.
    loading: tokio::sync::Mutex<()>,
    /// Days of a dated table kept, back from its latest date: `DEFAULT_WINDOW_DAYS`
    /// unless set.
    window_days: std::sync::atomic::AtomicU32,
}

/// What the copy of a dated table (facts, route blocks, VAS, supervisors) holds by
/// default: the last 26 weeks before its latest date. A read further back widens the
/// copy to reach it until the data next changes.
pub const DEFAULT_WINDOW_DAYS: u32 = 26 * 7;

/// The rows of a dated table with `date >= from`, sorted by date; `span` is the first
/// and last date of the whole table.
#[derive(Debug)]
pub(crate) struct Window<T> {
    pub(crate) from: NaiveDate,
    pub(crate) rows: Vec<T>,
    pub(crate) span: Option<(NaiveDate, NaiveDate)>,
}

impl<T> Window<T> {
    /// The rows with `from <= date <= to`; `from` must not be before the window's.
    pub(crate) fn between(
        &self,
        date: impl Fn(&T) -> NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    ) -> &[T] {
        debug_assert!(
            from >= self.from,
            "{from} is before the window ({})",
            self.from
        );
        dated_between(&self.rows, date, from, to)
    }
}

/// The data version some rows were read at, and the rows.
type Slot = (i64, Arc<dyn Any + Send + Sync>);

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache {
            slots: Default::default(),
            loading: Default::default(),
            window_days: DEFAULT_WINDOW_DAYS.into(),
        }
    }
}

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
        self.counter("data_version").await
    }

    /// The number in a version table (`data_version`, `followups_version`,
    /// `invoices_version`): one row, bumped on every write to what it counts.
    pub(crate) async fn counter(&self, table: &'static str) -> Result<i64> {
        let sql = format!("SELECT version FROM {table} WHERE id = 1");
        let v = on_pool!(self, |pool| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
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

    /// What `load` reads, from the cache while the data version is unchanged and the
    /// kept value `fits` (it answers the same question); one load at a time.
    pub(crate) async fn cached_where<T: Any + Send + Sync>(
        &self,
        fits: impl Fn(&T) -> bool,
        load: impl Future<Output = Result<T>>,
    ) -> Result<Arc<T>> {
        let version = self.data_version().await?;
        self.kept_or_load(version, fits, |_| load).await
    }

    /// What `load` reads, from the cache while `version` (read before `load` runs, by
    /// the caller, from the counter that guards `T`) is the one the rows were read at.
    pub(crate) async fn cached_at<T: Any + Send + Sync>(
        &self,
        version: i64,
        load: impl Future<Output = Result<T>>,
    ) -> Result<Arc<T>> {
        self.kept_or_load(version, |_| true, |_| load).await
    }

    /// The kept `T` when it was read at `version` and `fits`; otherwise what `load`
    /// makes of the kept one read at `version` that does not fit (if any), kept in its
    /// place. One load at a time: requests that arrive meanwhile wait and take it.
    async fn kept_or_load<T, Fut>(
        &self,
        version: i64,
        fits: impl Fn(&T) -> bool,
        load: impl FnOnce(Option<Arc<T>>) -> Fut,
    ) -> Result<Arc<T>>
    where
        T: Any + Send + Sync,
        Fut: Future<Output = Result<T>>,
    {
        if let Some(v) = self.cache.get::<T>(version).filter(|v| fits(v)) {
            return Ok(v);
        }
        let _loading = self.cache.loading.lock().await;
        // Another request may have loaded it while this one waited.
        let kept = self.cache.get::<T>(version);
        if let Some(v) = kept.as_ref().filter(|v| fits(v)) {
            return Ok(v.clone());
        }
        let v = Arc::new(load(kept).await?);
        self.cache.put(version, v.clone());
        Ok(v)
    }
}

impl Store {
    /// How many days back from a dated table's latest date this handle keeps in memory
    /// (at least one). Pages that read further back widen the copy until the data next
    /// changes.
    pub fn set_cache_window_days(&self, days: u32) {
        self.cache
            .window_days
            .store(days.max(1), std::sync::atomic::Ordering::Relaxed);
    }

    /// The rows of the dated `table` from `from` on (and at least the default window),
    /// from the copy kept per data version when it reaches back that far; otherwise
    /// read again by `load(start)`, which returns the rows with `date >= start` sorted
    /// by date. One load at a time, as `cached_at`.
    pub(crate) async fn windowed<T, F, Fut>(
        &self,
        table: &'static str,
        from: NaiveDate,
        load: F,
    ) -> Result<Arc<Window<T>>>
    where
        T: Any + Send + Sync,
        F: FnOnce(NaiveDate) -> Fut,
        Fut: Future<Output = Result<Vec<T>>>,
    {
        let version = self.data_version().await?;
        let covers = |w: &Window<T>| w.from <= from;
        self.kept_or_load(version, covers, |kept| async move {
            let span = self.date_span(table).await?;
            let Some((first, last)) = span else {
                return Ok(Window {
                    from: NaiveDate::MIN,
                    rows: Vec::new(),
                    span,
                });
            };
            let days = self
                .cache
                .window_days
                .load(std::sync::atomic::Ordering::Relaxed);
            let default_from = last
                .checked_sub_signed(chrono::Duration::days(i64::from(days) - 1))
                .unwrap_or(first);
            let mut start = from.min(default_from);
            if let Some(k) = &kept {
                start = start.min(k.from);
            }
            // Nothing is older than the first date: reading from there is reading all.
            let start = start.max(first);
            let rows = load(start).await?;
            Ok(Window {
                from: if start == first {
                    NaiveDate::MIN
                } else {
                    start
                },
                rows,
                span,
            })
        })
        .await
    }

    /// The first and last date of a dated table.
    async fn date_span(&self, table: &'static str) -> Result<Option<(NaiveDate, NaiveDate)>> {
        let sql = format!("SELECT MIN(date) AS first, MAX(date) AS last FROM {table}");
        let span = on_pool!(self, |pool| {
            let r = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(pool)
                .await?;
            let first: Option<NaiveDate> = r.try_get("first")?;
            let last: Option<NaiveDate> = r.try_get("last")?;
            first.zip(last)
        });
        Ok(span)
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
