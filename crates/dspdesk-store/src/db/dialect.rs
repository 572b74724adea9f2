//! SQL that differs between the backends only in how it names bound parameters.

use super::bulk::BulkRow;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, Postgres};
use sqlx::sqlite::{Sqlite, SqlitePool};

/// How a backend writes bound parameters in generated multi-row statements, and the
/// connection a bulk write of derived rows runs on.
pub(crate) trait Dialect {
    /// SQLite looks `$N` names up one by one (quadratic in their number), so long
    /// statements use plain positional `?` there; PostgreSQL needs `$N`.
    const POSITIONAL: bool;
    type Database: sqlx::Database;

    /// A connection for replacing many rows derived from the lake in one transaction.
    async fn bulk_connection(&self) -> sqlx::Result<PoolConnection<Self::Database>>;

    /// Inserts many rows on a connection (in its open transaction).
    async fn insert_bulk<T: BulkRow>(
        conn: &mut <Self::Database as sqlx::Database>::Connection,
        rows: &[T],
    ) -> sqlx::Result<()>;
}

/// Inserts many rows on a connection of `_pool`'s backend (in its open transaction).
pub(crate) async fn insert_rows<D: Dialect, T: BulkRow>(
    _pool: &D,
    conn: &mut <D::Database as sqlx::Database>::Connection,
    rows: &[T],
) -> sqlx::Result<()> {
    D::insert_bulk(conn, rows).await
}

impl Dialect for SqlitePool {
    const POSITIONAL: bool = true;
    type Database = Sqlite;

    /// On SQLite, a connection used once and then closed, set for a bulk write: a page
    /// cache large enough that a year's rows are not spilled to the file and read
    /// back mid-transaction, statement journals in memory, and no foreign-key lookups
    /// per row (the rows are derived: the same transaction writes the stations and
    /// partners they name, and neither is ever deleted). Closed after use, so no other
    /// write ever runs without the checks.
    async fn bulk_connection(&self) -> sqlx::Result<PoolConnection<Sqlite>> {
        let mut conn = self.acquire().await?;
        conn.close_on_drop();
        sqlx::raw_sql(
            "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144;",
        )
        .execute(&mut *conn)
        .await?;
        Ok(conn)
    }

    async fn insert_bulk<T: BulkRow>(
        conn: &mut sqlx::sqlite::SqliteConnection,
        rows: &[T],
    ) -> sqlx::Result<()> {
        super::bulk::insert_sqlite(conn, rows).await
    }
}

impl Dialect for PgPool {
    const POSITIONAL: bool = false;
    type Database = Postgres;

    async fn bulk_connection(&self) -> sqlx::Result<PoolConnection<Postgres>> {
        self.acquire().await
    }

    async fn insert_bulk<T: BulkRow>(
        conn: &mut sqlx::postgres::PgConnection,
        rows: &[T],
    ) -> sqlx::Result<()> {
        super::bulk::insert_pg(conn, rows).await
    }
}

/// `($1,$2),($3,$4),…` (PostgreSQL) or `(?,?),(?,?),…` (SQLite): placeholders for
/// `rows` rows of `cols` values, for the backend of `_pool`.
pub(crate) fn placeholders<D: Dialect>(_pool: &D, rows: usize, cols: usize) -> String {
    placeholders_of::<D>(rows, cols)
}

/// [`placeholders`] for a backend named by its type.
pub(crate) fn placeholders_of<D: Dialect>(rows: usize, cols: usize) -> String {
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

/// Deletes the rows of `days` station-days from `table`, whose key begins with
/// `(date, station)`. SQLite plans a row-value `IN (VALUES …)` as a scan of the whole
/// table, so there each day is a term of an `OR`, which it plans as one search of the
/// key per day; PostgreSQL plans the `IN` as a join itself.
pub(crate) fn delete_days_sql<D: Dialect>(pool: &D, table: &str, days: usize) -> String {
    if D::POSITIONAL {
        let terms = vec!["(station = ? AND date = ?)"; days];
        format!("DELETE FROM {table} WHERE {}", terms.join(" OR "))
    } else {
        format!(
            "DELETE FROM {table} WHERE (station, date) IN (VALUES {})",
            placeholders(pool, days, 2)
        )
    }
}

/// Station-days per delete: SQLite nests an `OR` of n terms n deep, and refuses
/// expressions deeper than 1,000.
pub(crate) const DAYS_PER_DELETE: usize = 200;

/// Deletes the rows of station-days from a table derived from the lake (facts, blocks,
/// deposits) on an executor (a transaction), in chunks.
macro_rules! delete_days_from {
    ($pool:expr, $exec:expr, $table:expr, $days:expr) => {
        for chunk in $days.chunks($crate::db::DAYS_PER_DELETE) {
            let sql = $crate::db::delete_days_sql($pool, $table, chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (station, date) in chunk {
                q = q.bind(station).bind(*date);
            }
            q.execute($exec).await?;
        }
    };
}
pub(crate) use delete_days_from;

/// A closed-vocabulary column (a flag's kind, a goal's source, a configuration's kind)
/// read back as its type; a value this version does not know is a decode error that
/// names the column and the value.
pub(crate) fn vocabulary<T>(
    raw: String,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(&raw).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("{raw:?} is not a {column} this version of dspdesk knows").into(),
    })
}
