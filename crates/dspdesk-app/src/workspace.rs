//! A data folder and its database: what every use case works on.

use chrono_tz::Tz;
use dspdesk_lake::{IngestError, Lake};
use dspdesk_store::{Store, StoreError};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Invalid(String),
    #[error("the configuration is not valid:\n{0}")]
    Config(String),
    #[error("a background task failed: {0}")]
    Task(String),
}

/// The data dir (lake, default SQLite file) and the open database.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub data_dir: PathBuf,
    pub store: Store,
    pub lake: Lake,
    /// The zone of stations first seen in a file without a profile zone.
    pub default_zone: Tz,
    /// Computed views, shared by every request of this process.
    pub views: std::sync::Arc<crate::views::ViewCache>,
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
