//! A data folder and its database: what every use case works on.

use crate::shared::cache::ViewCache;
use crate::shared::error::AppError;
use chrono_tz::Tz;
use dspdesk_lake::{IngestError, Lake};
use dspdesk_store::Store;
use std::path::{Path, PathBuf};

/// The data dir (lake, default SQLite file) and the open database.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub data_dir: PathBuf,
    pub store: Store,
    pub lake: Lake,
    /// The zone of stations first seen in a file without a profile zone.
    pub default_zone: Tz,
    /// Computed views, shared by every request of this process.
    pub views: std::sync::Arc<ViewCache>,
}

impl Workspace {
    /// Opens (creating) the data dir and the database; `database_url` defaults to a
    /// SQLite file in the data dir.
    pub async fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Workspace, AppError> {
        std::fs::create_dir_all(data_dir).map_err(|e| IngestError::io(data_dir, e))?;
        let url = match database_url {
            Some(u) => u.to_owned(),
            None => format!("sqlite://{}", data_dir.join("dspdesk.db").display()),
        };
        let store = Store::connect(&url).await?;
        let lake = Lake::open(&data_dir.join("lake"))?;
        Ok(Workspace {
            data_dir: data_dir.into(),
            store,
            lake,
            default_zone: chrono_tz::Asia::Kolkata,
            views: Default::default(),
        })
    }
}

impl Workspace {
    /// Whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<(), AppError> {
        self.store.facts_range().await?;
        Ok(())
    }

    /// The first and last dates with daily facts; `None` before any load.
    pub async fn loaded_range(
        &self,
    ) -> Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>, AppError> {
        Ok(self.store.facts_range().await?)
    }
}

impl Workspace {
    /// Closes the database's connections (a benchmark's end, a test's).
    pub async fn close(&self) {
        self.store.close().await;
    }
}
