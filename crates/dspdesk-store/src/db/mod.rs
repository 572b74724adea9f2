//! The connection to either backend, and what every aggregate's queries share: the
//! error type, `on_pool!`, the SQL dialect, the data version and the audit log.

mod audit;
mod bulk;
mod dialect;
mod lock;
mod version;

pub(crate) use audit::{AUDIT, write_audit};
pub use audit::{AuditFilter, AuditRow};
pub(crate) use bulk::{BulkRow, Cell};
pub(crate) use dialect::{
    DAYS_PER_DELETE, ROWS_PER_STATEMENT, delete_days_from, delete_days_sql, placeholders,
    vocabulary,
};
pub(crate) use dialect::{Dialect, insert_rows};
pub use lock::JobsLock;
pub use version::DEFAULT_WINDOW_DAYS;
pub(crate) use version::{BUMP_VERSION, Window};

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database URL {url:?} is not usable: {message}. Use sqlite://PATH or postgres://USER@HOST/DB"
    )]
    BadUrl { url: String, message: String },
    #[error("cannot reach the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("the database schema could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("not found: {0}")]
    NotFound(String),
    /// Rows that would break the database's integrity, caught by a check the database
    /// does not make itself (see `Dialect::bulk_connection`).
    #[error("{0}")]
    Integrity(String),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool to one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database, and a copy of the rows read at the current data version, kept while
/// no transaction changes them.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) db: Db,
    cache: Arc<version::ReadCache>,
}

/// Runs the same body on whichever pool the store holds; `$pool` is the typed pool.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$query` on `$exec` and maps each row (`&$r`) with `$map` as it arrives, into a
/// `Vec`. `fetch_all` holds every row as the driver's values first (on SQLite about a
/// kilobyte a row, a quarter of a gigabyte for a year's facts) and a process keeps
/// the high-water mark; here only the mapped rows are held.
macro_rules! map_rows {
    ($query:expr, $exec:expr, |$r:ident| $map:expr) => {{
        use futures_util::TryStreamExt as _;
        let mut rows = $query.fetch($exec);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let $r = &row;
            out.push($map);
        }
        out
    }};
}
pub(crate) use map_rows;

impl Store {
    /// Connects and brings the schema up to date. `sqlite://PATH` creates the file.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl {
                    url: url.into(),
                    message: e.to_string(),
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await
                .map_err(|source| StoreError::Connect {
                    url: url.into(),
                    source,
                })?;
            Db::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(10)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(|source| StoreError::Connect {
                    url: redact(url),
                    source,
                })?;
            Db::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl {
                url: redact(url),
                message: "unknown scheme".into(),
            });
        };
        let store = Store {
            db: store,
            cache: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match &self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
