//! Writing many rows derived from the lake in one transaction. On PostgreSQL, as
//! multi-row statements. On SQLite, through the connection's own handle: one prepared
//! single-row statement, each value bound in place and the statement stepped and
//! reset per row. The driver's way (a boxed, copied argument per value, and a string
//! per date) cost more than SQLite's own work.

use super::dialect::placeholders_of;
use chrono::NaiveDate;
use sqlx::postgres::{PgConnection, PgPool};
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use std::ffi::{CStr, c_int};

/// One value of a row written in bulk.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Date(NaiveDate),
    I64(i64),
    I32(i32),
}

/// A row type written in bulk: its table, its columns in order, and its values in
/// the same order.
pub(crate) trait BulkRow: Sync {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    fn cells<'a>(&'a self, out: &mut Vec<Cell<'a>>);
}

fn insert_head<T: BulkRow>() -> String {
    format!(
        "INSERT INTO {} ({}) VALUES ",
        T::TABLE,
        T::COLUMNS.join(", ")
    )
}

/// Inserts `rows` on PostgreSQL, `ROWS_PER_STATEMENT` to a statement.
pub(crate) async fn insert_pg<T: BulkRow>(conn: &mut PgConnection, rows: &[T]) -> sqlx::Result<()> {
    let cols = T::COLUMNS.len();
    let mut cells = Vec::with_capacity(cols);
    for chunk in rows.chunks(super::ROWS_PER_STATEMENT) {
        let sql = format!(
            "{}{}",
            insert_head::<T>(),
            placeholders_of::<PgPool>(chunk.len(), cols)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            cells.clear();
            row.cells(&mut cells);
            for cell in &cells {
                q = match *cell {
                    Cell::Text(t) => q.bind(t.to_owned()),
                    Cell::Date(d) => q.bind(d),
                    Cell::I64(v) => q.bind(v),
                    Cell::I32(v) => q.bind(v),
                };
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts `rows` on SQLite through the connection's handle, inside whatever
/// transaction the connection has open.
pub(crate) async fn insert_sqlite<T: BulkRow>(
    conn: &mut SqliteConnection,
    rows: &[T],
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let sql = format!(
        "{}{}",
        insert_head::<T>(),
        placeholders_of::<SqlitePool>(1, T::COLUMNS.len())
    );
    let mut stmt = Statement::prepare(db, &sql)?;
    let mut cells = Vec::with_capacity(T::COLUMNS.len());
    let mut date_text = DateText::default();
    for row in rows {
        cells.clear();
        row.cells(&mut cells);
        if cells.len() != T::COLUMNS.len() {
            return Err(sqlx::Error::Protocol(format!(
                "{} has {} columns and a row gave {} values",
                T::TABLE,
                T::COLUMNS.len(),
                cells.len()
            )));
        }
        for (i, cell) in cells.iter().enumerate() {
            let at = i as c_int + 1;
            match *cell {
                Cell::Text(t) => stmt.bind_text(at, t)?,
                Cell::Date(d) => stmt.bind_text(at, date_text.of(d))?,
                Cell::I64(v) => stmt.bind_i64(at, v)?,
                Cell::I32(v) => stmt.bind_i64(at, i64::from(v))?,
            }
        }
        stmt.step_done(T::TABLE)?;
    }
    Ok(())
}

/// The text of a date as the driver writes it (`YYYY-MM-DD`), made once per date:
/// rows come grouped by date.
#[derive(Default)]
struct DateText {
    last: Option<(NaiveDate, String)>,
}

impl DateText {
    fn of(&mut self, d: NaiveDate) -> &str {
        if self.last.as_ref().is_none_or(|(l, _)| *l != d) {
            self.last = Some((d, d.format("%Y-%m-%d").to_string()));
        }
        &self.last.as_ref().expect("set above").1
    }
}

/// A prepared statement on a handle the caller holds locked; finalized on drop.
struct Statement {
    db: *mut libsqlite3_sys::sqlite3,
    stmt: *mut libsqlite3_sys::sqlite3_stmt,
}

impl Statement {
    fn prepare(db: *mut libsqlite3_sys::sqlite3, sql: &str) -> sqlx::Result<Statement> {
        let mut stmt = std::ptr::null_mut();
        let len = c_int::try_from(sql.len())
            .map_err(|_| sqlx::Error::Protocol("statement too long".into()))?;
        // SAFETY: `db` is the open handle of a connection locked for this call; the SQL
        // pointer and length describe `sql`, which outlives the call.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_prepare_v2(
                db,
                sql.as_ptr().cast(),
                len,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        let s = Statement { db, stmt };
        if rc != libsqlite3_sys::SQLITE_OK {
            return Err(s.error(sql));
        }
        Ok(s)
    }

    fn error(&self, context: &str) -> sqlx::Error {
        // SAFETY: `db` is open; sqlite3_errmsg returns a NUL-terminated string owned by
        // SQLite, copied here before any other call on the handle.
        let message = unsafe { CStr::from_ptr(libsqlite3_sys::sqlite3_errmsg(self.db)) }
            .to_string_lossy()
            .into_owned();
        sqlx::Error::Protocol(format!("SQLite: {message} ({context})"))
    }

    fn check(&self, rc: c_int, context: &str) -> sqlx::Result<()> {
        if rc == libsqlite3_sys::SQLITE_OK {
            Ok(())
        } else {
            Err(self.error(context))
        }
    }

    /// Binds text. SQLite copies it (`SQLITE_TRANSIENT`), so the text need not outlive
    /// the call.
    fn bind_text(&mut self, at: c_int, t: &str) -> sqlx::Result<()> {
        let len = c_int::try_from(t.len())
            .map_err(|_| sqlx::Error::Protocol("a text value is too long".into()))?;
        // SAFETY: `stmt` is a live statement; the pointer and length describe `t`, and
        // SQLITE_TRANSIENT makes SQLite copy the bytes before returning.
        let rc = unsafe {
            libsqlite3_sys::sqlite3_bind_text(
                self.stmt,
                at,
                t.as_ptr().cast(),
                len,
                libsqlite3_sys::SQLITE_TRANSIENT(),
            )
        };
        self.check(rc, "binding a value")
    }

    fn bind_i64(&mut self, at: c_int, v: i64) -> sqlx::Result<()> {
        // SAFETY: `stmt` is a live statement.
        let rc = unsafe { libsqlite3_sys::sqlite3_bind_int64(self.stmt, at, v) };
        self.check(rc, "binding a value")
    }

    /// Runs the statement for the values bound, then readies it for the next row.
    fn step_done(&mut self, table: &str) -> sqlx::Result<()> {
        // SAFETY: `stmt` is a live statement with every parameter bound.
        let rc = unsafe { libsqlite3_sys::sqlite3_step(self.stmt) };
        if rc != libsqlite3_sys::SQLITE_DONE {
            let e = self.error(table);
            // SAFETY: as above; resetting clears the failed step.
            unsafe { libsqlite3_sys::sqlite3_reset(self.stmt) };
            return Err(e);
        }
        // SAFETY: as above.
        let rc = unsafe { libsqlite3_sys::sqlite3_reset(self.stmt) };
        self.check(rc, table)
    }
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: `stmt` came from sqlite3_prepare_v2 (or is null, which finalize
        // accepts) and is finalized once.
        unsafe { libsqlite3_sys::sqlite3_finalize(self.stmt) };
    }
}
