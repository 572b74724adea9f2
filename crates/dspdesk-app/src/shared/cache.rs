//! Views already computed, for the data version they were computed at: the same
//! overview is asked for by every admin, and facts change only when an ingest commits.

use crate::shared::error::AppError;
use chrono::NaiveDate;
use dspdesk_core::profit::ProfitBy;
use dspdesk_core::{IsoWeek, PartnerCode, Scope, StationCode};
use dspdesk_store::Store;
use std::collections::HashMap;
use std::sync::Arc;

/// What a cached view is: its kind and the arguments that decide it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ViewKey {
    /// The scorecard's model of every fact, deposit, goal and configuration.
    Model,
    Overview(Scope, Option<IsoWeek>),
    Partner(Scope, PartnerCode, Option<IsoWeek>),
    Stations(Scope, Option<IsoWeek>),
    Station(Scope, StationCode, Option<IsoWeek>),
    Profit(NaiveDate, NaiveDate, Vec<ProfitBy>, Scope),
    /// Every partner's weekly EV share of routes, from, to.
    EvWeeks(Scope, NaiveDate, NaiveDate),
    /// The supervisor ready reckoner as of a day, without contacts.
    Supervisors(Scope, NaiveDate),
    #[cfg(test)]
    Test(&'static str),
}

#[derive(Debug, Default)]
pub struct ViewCache {
    inner: std::sync::Mutex<(i64, HashMap<ViewKey, CachedView>)>,
    /// One lock per key being computed, so that concurrent requests for a view that is
    /// not cached wait for one computation instead of each running their own (the
    /// scorecard's model holds every fact).
    computing: std::sync::Mutex<HashMap<ViewKey, Arc<tokio::sync::Mutex<()>>>>,
}

type CachedView = Arc<dyn std::any::Any + Send + Sync>;

/// Entries kept per data version before the cache starts over.
const VIEW_CACHE_ENTRIES: usize = 4096;

impl ViewCache {
    /// The view for `key` at the store's data version, computed when missing.
    pub(crate) async fn get_or<T, F, Fut>(
        &self,
        store: &Store,
        key: ViewKey,
        compute: F,
    ) -> Result<Arc<T>, AppError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AppError>>,
    {
        let version = store.data_version().await?;
        if let Some(v) = self.cached::<T>(version, &key) {
            return Ok(v);
        }
        let gate = self
            .computing
            .lock()
            .map(|mut m| m.entry(key.clone()).or_default().clone())
            .unwrap_or_default();
        let _turn = gate.lock().await;
        // Whoever held the lock before may have computed it.
        if let Some(v) = self.cached::<T>(version, &key) {
            return Ok(v);
        }
        let computed = compute().await.map(Arc::new);
        if let Ok(value) = &computed
            && let Ok(mut c) = self.inner.lock()
        {
            if c.0 != version || c.1.len() >= VIEW_CACHE_ENTRIES {
                *c = (version, HashMap::new());
            }
            c.1.insert(key.clone(), value.clone());
        }
        // Cached first, then the gate goes: a request arriving in between finds the
        // value.
        if let Ok(mut m) = self.computing.lock() {
            m.remove(&key);
        }
        computed
    }

    fn cached<T: Send + Sync + 'static>(&self, version: i64, key: &ViewKey) -> Option<Arc<T>> {
        let c = self.inner.lock().ok()?;
        if c.0 != version {
            return None;
        }
        c.1.get(key)?.clone().downcast::<T>().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_misses_compute_a_view_once() {
        let dir = tempfile::tempdir().unwrap();
        let ws = crate::shared::workspace::Workspace::open(dir.path(), None)
            .await
            .unwrap();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (ws, runs) = (ws.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                ws.views
                    .get_or(&ws.store, ViewKey::Test("slow"), || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok(42u32)
                    })
                    .await
                    .map(|v| *v)
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 42);
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "one computation for 8 callers"
        );
    }
}
