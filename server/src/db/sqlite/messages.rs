//! Messages and the state of their uploads.

use sqlx::SqlitePool;
use vidmsg_api::Id;

use crate::db::{DbResult, FinishedUpload, MessageRow, NewMessage};

const MESSAGE_SELECT: &str =
    "SELECT m.id, m.thread_id, m.author_id, u.name AS author, m.kind, m.title, m.body,
        m.parent_id, m.status, m.status_reason, m.progress_percent, m.object_key, m.upload_id,
        m.content_type, m.size_bytes, m.duration_ms, m.urgent,
        (SELECT count(*) FROM messages r WHERE r.parent_id = m.id) AS reply_count,
        m.created_at_ms, m.updated_at_ms, m.poster_key, m.language
     FROM messages m JOIN users u ON u.id = m.author_id";

use crate::db::rows::MessageRecord as Row;

pub(super) async fn insert_message(pool: &SqlitePool, m: &NewMessage) -> DbResult<Id> {
    let mut tx = super::write_tx(pool).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (thread_id, author_id, parent_id, kind, title, body, status, content_type, urgent, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    .bind(m.now_ms)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE threads SET updated_at_ms = max(updated_at_ms, ?) WHERE id = ?")
        .bind(m.now_ms)
        .bind(m.thread_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn message(pool: &SqlitePool, id: Id) -> DbResult<Option<MessageRow>> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE m.id = ?"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Into::into))
}

pub(super) async fn list_messages(
    pool: &SqlitePool,
    thread: Id,
    after: Option<Id>,
    limit: u32,
) -> DbResult<Vec<MessageRow>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE m.thread_id = ? AND m.id > ? ORDER BY m.id LIMIT ?"
    )))
    .bind(thread)
    .bind(after.unwrap_or(0))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn set_poster(
    pool: &SqlitePool,
    id: Id,
    poster_key: &str,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE messages SET poster_key = ?, updated_at_ms = max(updated_at_ms, ?) WHERE id = ?",
    )
    .bind(poster_key)
    .bind(now_ms)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn set_upload(
    pool: &SqlitePool,
    id: Id,
    object_key: &str,
    upload_id: &str,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE messages SET object_key = ?, upload_id = ?, updated_at_ms = ? WHERE id = ?",
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
    pool: &SqlitePool,
    id: Id,
    done: &FinishedUpload,
    now_ms: i64,
) -> DbResult<bool> {
    let mut tx = super::write_tx(pool).await?;
    let r = sqlx::query(
        "UPDATE messages SET status = 'processing', upload_id = NULL, size_bytes = ?,
            duration_ms = coalesce(?, duration_ms), content_type = ?, status_reason = NULL,
            progress_percent = 0, updated_at_ms = ?
         WHERE id = ? AND status = 'uploading'",
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

pub(super) async fn stored_bytes(pool: &SqlitePool, user: Id) -> DbResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT coalesce(sum(size_bytes), 0) FROM messages WHERE author_id = ? AND size_bytes IS NOT NULL",
    )
    .bind(user)
    .fetch_one(pool)
    .await?;
    Ok(n)
}

pub(super) async fn open_uploads(pool: &SqlitePool) -> DbResult<Vec<MessageRow>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE m.upload_id IS NOT NULL ORDER BY m.id"
    )))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn delete_message(pool: &SqlitePool, id: Id) -> DbResult<Vec<MessageRow>> {
    let mut tx = super::write_tx(pool).await?;
    // The message and every reply below it, however deep.
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT m.id FROM messages m JOIN tree ON m.parent_id = tree.id)
         {MESSAGE_SELECT} WHERE m.id IN (SELECT id FROM tree)"
    )))
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM messages WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn thread_media(pool: &SqlitePool, thread: Id) -> DbResult<Vec<MessageRow>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MESSAGE_SELECT} WHERE m.thread_id = ? AND m.object_key IS NOT NULL"
    )))
    .bind(thread)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
