//! Which database the test servers use. Without `VIDMSG_TEST_POSTGRES` every test server keeps
//! its SQLite file in its data dir; with it (an admin URL of a throwaway PostgreSQL, as
//! `scripts/postgres start` prints and `scripts/test` sets for its second pass) every test server
//! gets a fresh database of its own on that cluster, so the same tests run on both backends.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::Context as _;
use sqlx::Connection as _;

/// The admin URL of the throwaway PostgreSQL, when this run tests that backend.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("VIDMSG_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
}

/// Creates an empty database on the test cluster and returns its URL.
pub async fn fresh_postgres(admin_url: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(admin_url).context("VIDMSG_TEST_POSTGRES is not a URL")?;
    let name = format!("t_{}_{}", std::process::id(), rand_suffix());
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("connecting to the test PostgreSQL at {admin_url}"))?;
    // The name is ours (letters, digits, underscores), never input.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut conn)
        .await
        .context("creating a test database")?;
    conn.close().await.ok();
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{}_{nanos}", N.fetch_add(1, Ordering::Relaxed))
}

fn registry() -> &'static Mutex<HashMap<PathBuf, String>> {
    static R: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

/// Remembers that the server of `data_dir` uses `url`, so admin commands run against that data
/// dir reach the same database.
pub fn register(data_dir: &Path, url: &str) {
    if let Ok(mut r) = registry().lock() {
        r.insert(data_dir.to_path_buf(), url.to_string());
    }
}

/// The database URL a test server of `data_dir` uses, if it is not the data dir's SQLite file.
pub fn url_for(data_dir: &Path) -> Option<String> {
    registry().lock().ok()?.get(data_dir).cloned()
}
