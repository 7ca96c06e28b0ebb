//! What the health check asks the database: that it answers, and how many transcription jobs
//! wait, run, and failed for good.

use sqlx::SqlitePool;
use vidmsg_api::QueueDepth;

use crate::db::DbResult;

pub(super) async fn ping(pool: &SqlitePool) -> DbResult<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

pub(super) async fn queue_depth(pool: &SqlitePool) -> DbResult<QueueDepth> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM jobs WHERE state <> 'done' GROUP BY state")
            .fetch_all(pool)
            .await?;
    let mut depth = QueueDepth::default();
    for (state, n) in rows {
        match state.as_str() {
            "queued" => depth.queued = n,
            "running" => depth.running = n,
            "failed" => depth.failed = n,
            _ => {}
        }
    }
    Ok(depth)
}
