//! PostgreSQL backend, for a team that outgrew one machine: many API servers and workers share
//! one database. Each file here holds the queries of one area (the same areas as `sqlite/`);
//! this one opens the pool, maps PostgreSQL's errors and wires the trait. Writers that read and
//! then write lock the rows they read (`FOR UPDATE`), and jobs are claimed with
//! `FOR UPDATE SKIP LOCKED`, so workers on other hosts never take the same job.

mod accounts;
mod activity;
mod chapters;
mod feedback;
mod links;
mod messages;
mod notifications;
pub(crate) mod partitions;
mod phrase_pairs;
mod search;
mod sessions;
mod spaces;
mod status;
mod threads;
mod transcript_edits;
mod transcripts;
mod words;

use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use vidmsg_api::{Comment, Id, Reaction, SearchHit, Segment, Thread, User, View};

use super::{
    Database, DbResult, Hours, JobInfo, JobRow, LinkRow, MessageRow, NewMessage, NewNotification,
    SearchSpec, ThreadCursor, TokenRow, TranscriptResult,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone)]
pub struct PgDb {
    pool: PgPool,
}

impl PgDb {
    /// Connects to the database `url` names (`postgres://user:password@host:port/db`) and runs
    /// the migrations. Waiting for a connection is short, so a database that is down makes
    /// requests fail fast (503) instead of piling up; the pool reconnects by itself once it is
    /// back.
    pub async fn open(url: &str) -> DbResult<Self> {
        let opts: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Begins a transaction that will write (READ COMMITTED; a query that reads rows it then changes
/// locks them with `FOR UPDATE`).
async fn write_tx(pool: &PgPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    pool.begin().await
}

/// Maps a UNIQUE violation to `Conflict(msg)`.
fn conflict_on_unique(e: sqlx::Error, msg: impl FnOnce() -> String) -> super::DbError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => super::DbError::Conflict(msg()),
        _ => super::DbError::Sqlx(e),
    }
}

super::wiring::wire_areas!(PgDb);
