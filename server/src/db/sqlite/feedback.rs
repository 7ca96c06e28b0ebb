//! Comments, reactions and views on a message.

use sqlx::SqlitePool;
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

/// Columns of a comment, for `FROM comments c JOIN users u ON u.id = c.author_id`.
pub(super) const COMMENT_COLUMNS: &str =
    "c.id, c.message_id, u.name AS author, c.at_ms, c.body AS text, c.created_at_ms";
/// Columns of a reaction, for `FROM reactions r JOIN users u ON u.id = r.author_id`.
pub(super) const REACTION_COLUMNS: &str =
    "r.id, r.message_id, u.name AS author, r.at_ms, r.emoji AS text, r.created_at_ms";

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
    pool: &SqlitePool,
    message: Id,
    author: Id,
    at_ms: i64,
    body: &str,
    now_ms: i64,
) -> DbResult<Comment> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO comments (message_id, author_id, at_ms, body, created_at_ms) VALUES (?, ?, ?, ?, ?) RETURNING id")
            .bind(message)
            .bind(author)
            .bind(at_ms)
            .bind(body)
            .bind(now_ms)
            .fetch_one(pool)
            .await?;
    let row: FeedbackRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = ?"
    )))
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(comment(row))
}

pub(super) async fn list_comments(pool: &SqlitePool, message: Id) -> DbResult<Vec<Comment>> {
    let rows: Vec<FeedbackRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id
         WHERE c.message_id = ? ORDER BY c.at_ms, c.id"
    )))
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(comment).collect())
}

pub(super) async fn add_reaction(
    pool: &SqlitePool,
    message: Id,
    author: Id,
    at_ms: i64,
    emoji: &str,
    now_ms: i64,
) -> DbResult<Reaction> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO reactions (message_id, author_id, at_ms, emoji, created_at_ms) VALUES (?, ?, ?, ?, ?) RETURNING id")
            .bind(message)
            .bind(author)
            .bind(at_ms)
            .bind(emoji)
            .bind(now_ms)
            .fetch_one(pool)
            .await?;
    let row: FeedbackRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REACTION_COLUMNS} FROM reactions r JOIN users u ON u.id = r.author_id WHERE r.id = ?"
    )))
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(reaction(row))
}

pub(super) async fn list_reactions(pool: &SqlitePool, message: Id) -> DbResult<Vec<Reaction>> {
    let rows: Vec<FeedbackRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {REACTION_COLUMNS} FROM reactions r JOIN users u ON u.id = r.author_id
         WHERE r.message_id = ? ORDER BY r.at_ms, r.id"
    )))
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(reaction).collect())
}

pub(super) async fn record_view(
    pool: &SqlitePool,
    message: Id,
    user: Id,
    watched_ms: i64,
    now_ms: i64,
) -> DbResult<View> {
    sqlx::query(
        "INSERT INTO views (message_id, user_id, watched_ms, updated_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (message_id, user_id) DO UPDATE SET watched_ms = max(watched_ms, excluded.watched_ms),
            updated_at_ms = excluded.updated_at_ms",
    )
    .bind(message)
    .bind(user)
    .bind(watched_ms)
    .bind(now_ms)
    .execute(pool)
    .await?;
    let row: ViewRow = sqlx::query_as(
        "SELECT v.message_id, u.name AS user, v.watched_ms, v.updated_at_ms FROM views v JOIN users u ON u.id = v.user_id
         WHERE v.message_id = ? AND v.user_id = ?",
    )
    .bind(message)
    .bind(user)
    .fetch_one(pool)
    .await?;
    Ok(view(row))
}

pub(super) async fn list_views(pool: &SqlitePool, message: Id) -> DbResult<Vec<View>> {
    let rows: Vec<ViewRow> = sqlx::query_as(
        "SELECT v.message_id, u.name AS user, v.watched_ms, v.updated_at_ms FROM views v JOIN users u ON u.id = v.user_id
         WHERE v.message_id = ? ORDER BY v.updated_at_ms DESC",
    )
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(view).collect())
}
