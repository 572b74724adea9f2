//! The database of dspdesk on SQLite (embedded, the default) or PostgreSQL (for teams).
//!
//! One set of repository functions serves both backends: each query is written once
//! in SQL both accept, and `on_pool!` runs it on the backend's own typed pool (no
//! `Any` driver). Each backend keeps its own migrations folder, and the conformance
//! tests in `tests/` run against both.

mod batches;
mod facts;
mod lake_files;
mod scorecard;
mod stations;
pub mod testing;
mod users;

pub use batches::{BatchRow, NewBatch, Outcome};
/// The ingest commit and its parts.
pub mod batches_api {
    pub use crate::batches::{IngestCommit, NewBatch, Outcome};
}
pub use facts::FactRow;
pub use lake_files::LakeFileRow;
pub use scorecard::{
    BlockRow, ConfigVersion, FlagRow, FlagSync, GoalRow, NewFlag, NewGoal, RemitRow, ScoreRun,
    ScoreSnapshot,
};
pub use stations::StationRow;
pub use users::{AuditRow, NewUser, TokenRow, UserRow};

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
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

/// The database, and a copy of the daily facts kept while no transaction changes them.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    facts: std::sync::Arc<facts::FactsCache>,
}

/// Runs the same body on whichever pool the store holds; `$pool` is the typed pool.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

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
            facts: Default::default(),
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

/// How a backend writes bound parameters in generated multi-row statements.
pub(crate) trait Dialect {
    /// SQLite looks `$N` names up one by one (quadratic in their number), so long
    /// statements use plain positional `?` there; PostgreSQL needs `$N`.
    const POSITIONAL: bool;
}

impl Dialect for SqlitePool {
    const POSITIONAL: bool = true;
}

impl Dialect for PgPool {
    const POSITIONAL: bool = false;
}

/// `($1,$2),($3,$4),…` (PostgreSQL) or `(?,?),(?,?),…` (SQLite): placeholders for
/// `rows` rows of `cols` values, for the backend of `_pool`.
pub(crate) fn placeholders<D: Dialect>(_pool: &D, rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push(',');
            }
            if D::POSITIONAL {
                sql.push('?');
            } else {
                sql.push_str(&format!("${}", r * cols + c + 1));
            }
        }
        sql.push(')');
    }
    sql
}

/// Rows per multi-row statement: few round trips, well under both backends' limits on
/// bound parameters (SQLite 32,766; PostgreSQL 65,535).
pub(crate) const ROWS_PER_STATEMENT: usize = 500;

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
