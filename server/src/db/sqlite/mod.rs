//! SQLite backend: a WAL-mode database file, safe to open from `serve` and the admin commands at
//! once. Each file here holds the queries of one area; this one opens the pool and wires the trait.

mod accounts;
mod activity;
mod chapters;
#[cfg(test)]
mod concurrency_tests;
mod feedback;
mod links;
mod messages;
mod notifications;
mod search;
mod sessions;
mod spaces;
mod status;
pub(crate) mod stems;
mod threads;
mod transcript_edits;
mod transcripts;
mod words;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use vidmsg_api::{Comment, Id, Reaction, SearchHit, Segment, Thread, User, View};

use super::{
    Database, DbResult, Hours, JobInfo, JobRow, LinkRow, MessageRow, NewMessage, NewNotification,
    SearchSpec, ThreadCursor, TokenRow, TranscriptResult,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteDb {
    pool: SqlitePool,
}

impl SqliteDb {
    /// Opens (creating if missing) the database file at `path` and runs the migrations.
    pub async fn open(path: &str) -> DbResult<Self> {
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Begins a transaction that will write. IMMEDIATE takes the write lock up front (waiting out the
/// busy timeout if another connection holds it): a DEFERRED transaction that reads and then writes
/// fails at once with SQLITE_BUSY when another connection wrote in between, and the busy timeout
/// does not help it.
async fn write_tx(pool: &SqlitePool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Maps a UNIQUE violation to `Conflict(msg)`.
fn conflict_on_unique(e: sqlx::Error, msg: impl FnOnce() -> String) -> super::DbError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => super::DbError::Conflict(msg()),
        _ => super::DbError::Sqlx(e),
    }
}

super::wiring::wire_areas!(SqliteDb);
