//! SQL that differs between the backends only in how it names bound parameters.

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

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

pub(crate) fn delete_days_sql<D: Dialect>(pool: &D, table: &str, days: usize) -> String {
    format!(
        "DELETE FROM {table} WHERE (station, date) IN (VALUES {})",
        placeholders(pool, days, 2)
    )
}

/// Deletes the rows of station-days from a table derived from the lake (facts, blocks,
/// deposits) on an executor (a transaction), in chunks.
macro_rules! delete_days_from {
    ($pool:expr, $exec:expr, $table:expr, $days:expr) => {
        for chunk in $days.chunks($crate::db::ROWS_PER_STATEMENT) {
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
