//! Fresh databases for tests: a SQLite file in a temporary folder, and a new
//! PostgreSQL database when a server answers (`DSPDESK_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Where none answers the PostgreSQL
//! half is skipped with a loud message, unless `DSPDESK_REQUIRE_POSTGRES=1` (CI),
//! which makes it a failure.

use crate::Store;
use std::path::PathBuf;

/// A database made for one test; `finish` drops it.
pub struct TestStore {
    pub store: Store,
    pub url: String,
    admin_url: Option<String>,
    db_name: Option<String>,
    _dir: Option<tempdir::TempDir>,
}

mod tempdir {
    /// A folder removed on drop (kept dependency-free for the library's users).
    pub struct TempDir(pub std::path::PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestStore {
    pub async fn sqlite() -> TestStore {
        let dir = std::env::temp_dir().join(unique("dspdesk_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("dspdesk.db").display());
        let store = Store::connect(&url).await.expect("sqlite store");
        TestStore {
            store,
            url,
            admin_url: None,
            db_name: None,
            _dir: Some(tempdir::TempDir(dir)),
        }
    }

    /// A fresh PostgreSQL database, or `None` (said loudly) where no server answers.
    pub async fn postgres() -> Option<TestStore> {
        let admin_url = std::env::var("DSPDESK_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = match sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_secs(3))
            .connect(&admin_url)
            .await
        {
            Ok(p) => p,
            Err(e) => {
                if std::env::var("DSPDESK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                    panic!(
                        "DSPDESK_REQUIRE_POSTGRES=1 and PostgreSQL at {admin_url} does not answer: {e}"
                    );
                }
                skip_notice(&format!(
                    "\n*** SKIPPED: PostgreSQL tests: no server at {admin_url} ({e}). Set DSPDESK_TEST_POSTGRES to run them. ***\n"
                ));
                return None;
            }
        };
        let name = unique("dspdesk_t");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("DSPDESK_TEST_POSTGRES must end in /DBNAME"),
        };
        let store = Store::connect(&url).await.expect("postgres store");
        Some(TestStore {
            store,
            url,
            admin_url: Some(admin_url),
            db_name: Some(name),
            _dir: None,
        })
    }

    /// Both backends (PostgreSQL only where a server answers).
    pub async fn all() -> Vec<TestStore> {
        let mut v = vec![TestStore::sqlite().await];
        v.extend(TestStore::postgres().await);
        v
    }

    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The SQLite file's folder, where tests keep their data dir too.
    pub fn dir(&self) -> Option<PathBuf> {
        self._dir.as_ref().map(|d| d.0.clone())
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.store.close().await;
        if let (Some(admin_url), Some(name)) = (&self.admin_url, &self.db_name)
            && let Ok(admin) = sqlx::PgPool::connect(admin_url).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&admin)
            .await;
            admin.close().await;
        }
    }
}

/// Says a skip where a person sees it: straight to stderr, past the test harness's
/// capture of `eprintln!` (which hides the output of passing tests).
pub fn skip_notice(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
