//! Activity for the apps: unread counts per thread, marking a thread read, and the change feed
//! (what changed in a user's threads since a time), which the server pushes as events. "A user's
//! threads" are those the `thread_viewers` view gives it, as everywhere.
//!
//! PostgreSQL specifics: `count(*)` is BIGINT, marking read keeps the latest time with
//! `GREATEST` in its upsert, and the comment/reaction columns come from `feedback.rs`'s macros
//! so every query is one static string.

use std::collections::HashMap;

use sqlx::PgPool;
use vidmsg_api::Id;

use super::feedback::{FeedbackRow, comment, comment_columns, reaction, reaction_columns};

use crate::db::{Changes, DbResult};

pub(super) async fn unread_counts(pool: &PgPool, user: Id) -> DbResult<HashMap<Id, i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT tm.thread_id,
            (SELECT count(*) FROM messages m WHERE m.thread_id = tm.thread_id AND m.author_id != $1
                AND m.created_at_ms > coalesce(
                    (SELECT r.last_read_ms FROM thread_reads r WHERE r.thread_id = tm.thread_id AND r.user_id = $1), 0))
         FROM thread_viewers tm WHERE tm.user_id = $1",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

pub(super) async fn mark_read(pool: &PgPool, thread: Id, user: Id, now_ms: i64) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO thread_reads (thread_id, user_id, last_read_ms) VALUES ($1, $2, $3)
         ON CONFLICT (thread_id, user_id) DO UPDATE
             SET last_read_ms = GREATEST(thread_reads.last_read_ms, EXCLUDED.last_read_ms)",
    )
    .bind(thread)
    .bind(user)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn changes_since(pool: &PgPool, user: Id, since_ms: i64) -> DbResult<Changes> {
    let threads: Vec<(i64,)> = sqlx::query_as(
        "SELECT t.id FROM threads t JOIN thread_viewers tm ON tm.thread_id = t.id AND tm.user_id = $1
         WHERE t.updated_at_ms > $2 ORDER BY t.updated_at_ms",
    )
    .bind(user)
    .bind(since_ms)
    .fetch_all(pool)
    .await?;
    let messages: Vec<(i64,)> = sqlx::query_as(
        "SELECT m.id FROM messages m JOIN thread_viewers tm ON tm.thread_id = m.thread_id AND tm.user_id = $1
         WHERE m.updated_at_ms > $2 ORDER BY m.updated_at_ms LIMIT 500",
    )
    .bind(user)
    .bind(since_ms)
    .fetch_all(pool)
    .await?;
    let comments: Vec<FeedbackRow> = sqlx::query_as(concat!(
        "SELECT ",
        comment_columns!(),
        " FROM comments c
            JOIN users u ON u.id = c.author_id JOIN messages m ON m.id = c.message_id
            JOIN thread_viewers tm ON tm.thread_id = m.thread_id AND tm.user_id = $1
         WHERE c.created_at_ms > $2 ORDER BY c.created_at_ms LIMIT 500"
    ))
    .bind(user)
    .bind(since_ms)
    .fetch_all(pool)
    .await?;
    let reactions: Vec<FeedbackRow> = sqlx::query_as(concat!(
        "SELECT ",
        reaction_columns!(),
        " FROM reactions r
            JOIN users u ON u.id = r.author_id JOIN messages m ON m.id = r.message_id
            JOIN thread_viewers tm ON tm.thread_id = m.thread_id AND tm.user_id = $1
         WHERE r.created_at_ms > $2 ORDER BY r.created_at_ms LIMIT 500"
    ))
    .bind(user)
    .bind(since_ms)
    .fetch_all(pool)
    .await?;
    Ok(Changes {
        threads: threads.into_iter().map(|(id,)| id).collect(),
        messages: messages.into_iter().map(|(id,)| id).collect(),
        comments: comments.into_iter().map(comment).collect(),
        reactions: reactions.into_iter().map(reaction).collect(),
    })
}
