//! The scheduler's election: with several servers on one PostgreSQL database, the one
//! that holds a session-level advisory lock runs the periodic jobs. On SQLite (one
//! machine) every runner may run them; each job is safe to run twice anyway, because
//! each of its changes is conditional on the row still needing it.

use super::{Db, Result, Store};

/// The advisory lock's key: "dspdesk-jobs" in ASCII, as a number.
const JOBS_LOCK: i64 = 0x6473_7064_6573_6b6a;

/// Held while a round of jobs runs; dropping it after `release` ends the election.
pub struct JobsLock {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

impl Store {
    /// Tries to become the runner of the periodic jobs. `None` when another process
    /// holds the lock now.
    pub async fn try_jobs_lock(&self) -> Result<Option<JobsLock>> {
        match &self.db {
            Db::Sqlite(_) => Ok(Some(JobsLock { conn: None })),
            Db::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(JOBS_LOCK)
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(got.then_some(JobsLock { conn: Some(conn) }))
            }
        }
    }
}

impl JobsLock {
    /// Gives the lock up (a connection returned to the pool holding it would keep it).
    pub async fn release(mut self) -> Result<()> {
        if let Some(mut conn) = self.conn.take() {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(JOBS_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

impl Drop for JobsLock {
    fn drop(&mut self) {
        // Not released (an error mid-round): close the connection instead of returning
        // it to the pool, which ends the session and with it the lock.
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}
