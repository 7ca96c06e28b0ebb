//! Thread share links on PostgreSQL: one row per shared thread, replaced in one upsert
//! (`ON CONFLICT (thread_id) DO UPDATE`), so two servers setting a link at once leave exactly one
//! row — the last writer's — and never fail on the primary key.

use sqlx::PgPool;
use vidmsg_api::Id;

use crate::db::{DbResult, LinkRow};

#[derive(sqlx::FromRow)]
struct Row {
    thread_id: i64,
    link_key: String,
    password_hash: Option<String>,
    expires_at_ms: Option<i64>,
    created_by: i64,
    created_at_ms: i64,
}

impl From<Row> for LinkRow {
    fn from(r: Row) -> Self {
        LinkRow {
            thread_id: r.thread_id,
            key: r.link_key,
            password_hash: r.password_hash,
            expires_at_ms: r.expires_at_ms,
            created_by: r.created_by,
            created_at_ms: r.created_at_ms,
        }
    }
}

pub(super) async fn thread_link(pool: &PgPool, thread: Id) -> DbResult<Option<LinkRow>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT thread_id, link_key, password_hash, expires_at_ms, created_by, created_at_ms
         FROM thread_links WHERE thread_id = $1",
    )
    .bind(thread)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Into::into))
}

/// Puts the link in place of the thread's old one.
pub(super) async fn set_thread_link(pool: &PgPool, link: &LinkRow) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO thread_links (thread_id, link_key, password_hash, expires_at_ms, created_by, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (thread_id) DO UPDATE SET link_key = EXCLUDED.link_key,
            password_hash = EXCLUDED.password_hash, expires_at_ms = EXCLUDED.expires_at_ms,
            created_by = EXCLUDED.created_by, created_at_ms = EXCLUDED.created_at_ms",
    )
    .bind(link.thread_id)
    .bind(&link.key)
    .bind(&link.password_hash)
    .bind(link.expires_at_ms)
    .bind(link.created_by)
    .bind(link.created_at_ms)
    .execute(pool)
    .await?;
    Ok(())
}

/// Revokes the thread's link; false if it had none.
pub(super) async fn delete_thread_link(pool: &PgPool, thread: Id) -> DbResult<bool> {
    let r = sqlx::query("DELETE FROM thread_links WHERE thread_id = $1")
        .bind(thread)
        .execute(pool)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// The thread's first message (what a thread's shared URL opens).
pub(super) async fn first_message(pool: &PgPool, thread: Id) -> DbResult<Option<Id>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM messages WHERE thread_id = $1 AND parent_id IS NULL ORDER BY id LIMIT 1",
    )
    .bind(thread)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| r.0))
}
