//! Messages and the state of their uploads.
//!
//! PostgreSQL specifics: `urgent` is a BOOLEAN, `SUM` of BIGINT is NUMERIC (cast back to
//! BIGINT), `max(a, b)` is `GREATEST`, and the shared column list is a macro so every query is
//! one static string. Several API servers may change the same message at once: the move from
//! uploading to processing is one conditional `UPDATE` (PostgreSQL re-checks its `WHERE` on
//! the newest row after waiting for a concurrent writer, so exactly one caller wins and queues
//! the job), and a delete locks the rows it reports (`FOR UPDATE`) so that what it returns is
//! exactly what it removed.

use sqlx::PgPool;
use vidmsg_api::Id;

use crate::db::{DbResult, FinishedUpload, MessageRow, NewMessage};

/// Columns of a message with its author's name and reply count. A macro, not a const, so that
/// `concat!` can build each query as one static string.
macro_rules! message_select {
    () => {
        "SELECT m.id, m.thread_id, m.author_id, u.name AS author, m.kind, m.title, m.body,
            m.parent_id, m.status, m.status_reason, m.progress_percent, m.object_key, m.upload_id,
            m.content_type, m.size_bytes, m.duration_ms, m.urgent,
            (SELECT count(*) FROM messages r WHERE r.parent_id = m.id) AS reply_count,
            m.created_at_ms, m.updated_at_ms, m.poster_key, m.language
         FROM messages m JOIN users u ON u.id = m.author_id"
    };
}

use crate::db::rows::MessageRecord as Row;

pub(super) async fn insert_message(pool: &PgPool, m: &NewMessage) -> DbResult<Id> {
    let mut tx = super::write_tx(pool).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (thread_id, author_id, parent_id, kind, title, body, status, content_type, urgent, created_at_ms, updated_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(m.thread_id)
    .bind(m.author_id)
    .bind(m.parent_id)
    .bind(m.kind.as_str())
    .bind(&m.title)
    .bind(&m.body)
    .bind(m.status.as_str())
    .bind(&m.content_type)
    .bind(m.urgent)
    .bind(m.now_ms)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE threads SET updated_at_ms = GREATEST(updated_at_ms, $1) WHERE id = $2")
        .bind(m.now_ms)
        .bind(m.thread_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn message(pool: &PgPool, id: Id) -> DbResult<Option<MessageRow>> {
    let row: Option<Row> = sqlx::query_as(concat!(message_select!(), " WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Into::into))
}

pub(super) async fn list_messages(
    pool: &PgPool,
    thread: Id,
    after: Option<Id>,
    limit: u32,
) -> DbResult<Vec<MessageRow>> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.thread_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3"
    ))
    .bind(thread)
    .bind(after.unwrap_or(0))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn set_poster(
    pool: &PgPool,
    id: Id,
    poster_key: &str,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE messages SET poster_key = $1, updated_at_ms = GREATEST(updated_at_ms, $2) WHERE id = $3",
    )
    .bind(poster_key)
    .bind(now_ms)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn set_upload(
    pool: &PgPool,
    id: Id,
    object_key: &str,
    upload_id: &str,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE messages SET object_key = $1, upload_id = $2, updated_at_ms = $3 WHERE id = $4",
    )
    .bind(object_key)
    .bind(upload_id)
    .bind(now_ms)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn finish_upload(
    pool: &PgPool,
    id: Id,
    done: &FinishedUpload,
    now_ms: i64,
) -> DbResult<bool> {
    let mut tx = super::write_tx(pool).await?;
    // No separate read to lock: a second caller waits for the first one's row lock, then finds
    // the status no longer 'uploading' and changes nothing, so only one caller queues the job.
    let r = sqlx::query(
        "UPDATE messages SET status = 'processing', upload_id = NULL, size_bytes = $1,
            duration_ms = COALESCE($2::BIGINT, duration_ms), content_type = $3, status_reason = NULL,
            progress_percent = 0, updated_at_ms = $4
         WHERE id = $5 AND status = 'uploading'",
    )
    .bind(done.size_bytes)
    .bind(done.duration_ms)
    .bind(&done.content_type)
    .bind(now_ms)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    super::transcripts::enqueue(&mut tx, id, now_ms).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn stored_bytes(pool: &PgPool, user: Id) -> DbResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(SUM(size_bytes), 0)::BIGINT FROM messages
         WHERE author_id = $1 AND size_bytes IS NOT NULL",
    )
    .bind(user)
    .fetch_one(pool)
    .await?;
    Ok(n)
}

pub(super) async fn open_uploads(pool: &PgPool) -> DbResult<Vec<MessageRow>> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.upload_id IS NOT NULL ORDER BY m.id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Deletes a message and every reply below it, however deep, and returns them all (their media
/// is then removed from storage).
///
/// The tree is read with its rows locked (`FOR UPDATE OF m`), which blocks a concurrent reply to
/// any of them (its foreign-key check needs a share lock on the parent) and makes each returned
/// row its newest version (an upload that finished meanwhile shows its object key). A reply
/// committed after the read's snapshot but before its lock would be missed, so the read repeats
/// until it finds the same tree twice; then the cascade deletes exactly the rows returned.
pub(super) async fn delete_message(pool: &PgPool, id: Id) -> DbResult<Vec<MessageRow>> {
    let mut tx = super::write_tx(pool).await?;
    let mut locked: Vec<i64> = Vec::new();
    let rows = loop {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "WITH RECURSIVE tree(id) AS (
                SELECT $1::BIGINT UNION ALL SELECT m.id FROM messages m JOIN tree ON m.parent_id = tree.id)
             ",
            message_select!(),
            " WHERE m.id IN (SELECT id FROM tree) ORDER BY m.id FOR UPDATE OF m"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        if ids == locked {
            break rows;
        }
        locked = ids;
    };
    sqlx::query("DELETE FROM messages WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn thread_media(pool: &PgPool, thread: Id) -> DbResult<Vec<MessageRow>> {
    let rows: Vec<Row> = sqlx::query_as(concat!(
        message_select!(),
        " WHERE m.thread_id = $1 AND m.object_key IS NOT NULL"
    ))
    .bind(thread)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
