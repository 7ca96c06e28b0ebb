//! Comments, reactions and views on a message.
//!
//! PostgreSQL specifics: a comment or reaction is inserted and read back with its author's name
//! in one statement (`WITH c AS (INSERT .. RETURNING *) SELECT ..`), a view keeps the furthest
//! position with `GREATEST` in its upsert, and the shared column lists are macros so every query
//! (here and in `activity.rs`) is one static string.

use sqlx::PgPool;
use vidmsg_api::{Comment, Id, Reaction, View};

use crate::db::DbResult;

/// A comment or a reaction as selected: `text` is the comment's body or the reaction's emoji.
#[derive(sqlx::FromRow)]
pub(super) struct FeedbackRow {
    id: i64,
    message_id: i64,
    author: String,
    at_ms: i64,
    text: String,
    created_at_ms: i64,
}

/// Columns of a comment, for `FROM comments c JOIN users u ON u.id = c.author_id` (a macro so
/// that `concat!` can put it into static SQL).
macro_rules! comment_columns {
    () => {
        "c.id, c.message_id, u.name AS author, c.at_ms, c.body AS text, c.created_at_ms"
    };
}
pub(super) use comment_columns;

/// Columns of a reaction, for `FROM reactions r JOIN users u ON u.id = r.author_id`.
macro_rules! reaction_columns {
    () => {
        "r.id, r.message_id, u.name AS author, r.at_ms, r.emoji AS text, r.created_at_ms"
    };
}
pub(super) use reaction_columns;

/// Columns of a view, for `FROM views v JOIN users u ON u.id = v.user_id`.
macro_rules! view_columns {
    () => {
        "v.message_id, u.name AS user, v.watched_ms, v.updated_at_ms"
    };
}

pub(super) fn comment(r: FeedbackRow) -> Comment {
    Comment {
        id: r.id,
        message_id: r.message_id,
        author: r.author,
        at_ms: r.at_ms,
        body: r.text,
        created_at_ms: r.created_at_ms,
    }
}

pub(super) fn reaction(r: FeedbackRow) -> Reaction {
    Reaction {
        id: r.id,
        message_id: r.message_id,
        author: r.author,
        at_ms: r.at_ms,
        emoji: r.text,
        created_at_ms: r.created_at_ms,
    }
}

#[derive(sqlx::FromRow)]
struct ViewRow {
    message_id: i64,
    user: String,
    watched_ms: i64,
    updated_at_ms: i64,
}

fn view(r: ViewRow) -> View {
    View {
        message_id: r.message_id,
        user: r.user,
        watched_ms: r.watched_ms,
        updated_at_ms: r.updated_at_ms,
    }
}

pub(super) async fn add_comment(
    pool: &PgPool,
    message: Id,
    author: Id,
    at_ms: i64,
    body: &str,
    now_ms: i64,
) -> DbResult<Comment> {
    let row: FeedbackRow = sqlx::query_as(concat!(
        "WITH c AS (INSERT INTO comments (message_id, author_id, at_ms, body, created_at_ms)
            VALUES ($1, $2, $3, $4, $5) RETURNING *)
         SELECT ",
        comment_columns!(),
        " FROM c JOIN users u ON u.id = c.author_id"
    ))
    .bind(message)
    .bind(author)
    .bind(at_ms)
    .bind(body)
    .bind(now_ms)
    .fetch_one(pool)
    .await?;
    Ok(comment(row))
}

pub(super) async fn list_comments(pool: &PgPool, message: Id) -> DbResult<Vec<Comment>> {
    let rows: Vec<FeedbackRow> = sqlx::query_as(concat!(
        "SELECT ",
        comment_columns!(),
        " FROM comments c JOIN users u ON u.id = c.author_id
         WHERE c.message_id = $1 ORDER BY c.at_ms, c.id"
    ))
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(comment).collect())
}

pub(super) async fn add_reaction(
    pool: &PgPool,
    message: Id,
    author: Id,
    at_ms: i64,
    emoji: &str,
    now_ms: i64,
) -> DbResult<Reaction> {
    let row: FeedbackRow = sqlx::query_as(concat!(
        "WITH r AS (INSERT INTO reactions (message_id, author_id, at_ms, emoji, created_at_ms)
            VALUES ($1, $2, $3, $4, $5) RETURNING *)
         SELECT ",
        reaction_columns!(),
        " FROM r JOIN users u ON u.id = r.author_id"
    ))
    .bind(message)
    .bind(author)
    .bind(at_ms)
    .bind(emoji)
    .bind(now_ms)
    .fetch_one(pool)
    .await?;
    Ok(reaction(row))
}

pub(super) async fn list_reactions(pool: &PgPool, message: Id) -> DbResult<Vec<Reaction>> {
    let rows: Vec<FeedbackRow> = sqlx::query_as(concat!(
        "SELECT ",
        reaction_columns!(),
        " FROM reactions r JOIN users u ON u.id = r.author_id
         WHERE r.message_id = $1 ORDER BY r.at_ms, r.id"
    ))
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(reaction).collect())
}

/// Records that `user` watched `message` up to `watched_ms`: the furthest position is kept
/// (watching the start again does not lose it), the time is always the latest.
pub(super) async fn record_view(
    pool: &PgPool,
    message: Id,
    user: Id,
    watched_ms: i64,
    now_ms: i64,
) -> DbResult<View> {
    let row: ViewRow = sqlx::query_as(concat!(
        "WITH v AS (INSERT INTO views (message_id, user_id, watched_ms, updated_at_ms)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (message_id, user_id) DO UPDATE
                SET watched_ms = GREATEST(views.watched_ms, EXCLUDED.watched_ms),
                    updated_at_ms = EXCLUDED.updated_at_ms
            RETURNING *)
         SELECT ",
        view_columns!(),
        " FROM v JOIN users u ON u.id = v.user_id"
    ))
    .bind(message)
    .bind(user)
    .bind(watched_ms)
    .bind(now_ms)
    .fetch_one(pool)
    .await?;
    Ok(view(row))
}

pub(super) async fn list_views(pool: &PgPool, message: Id) -> DbResult<Vec<View>> {
    let rows: Vec<ViewRow> = sqlx::query_as(concat!(
        "SELECT ",
        view_columns!(),
        " FROM views v JOIN users u ON u.id = v.user_id
         WHERE v.message_id = $1 ORDER BY v.updated_at_ms DESC"
    ))
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(view).collect())
}
