//! Threads and who sees them. Who sees a thread is decided by the `thread_viewers` view
//! (migration 0007): the members of its space, or its people (`thread_members`); every query
//! here that limits what a user sees goes through it.

use sqlx::SqlitePool;
use vidmsg_api::{Id, Thread};

use crate::db::{DbResult, ThreadCursor};

/// Columns of a thread with its creator, the names of those who see it (comma-joined; names
/// have no commas), message count and space.
const THREAD_SELECT: &str = "SELECT t.id, t.title, cu.name AS created_by, t.created_at_ms, t.updated_at_ms,
        (SELECT group_concat(name, ',') FROM (SELECT u.name FROM thread_viewers m JOIN users u ON u.id = m.user_id
            WHERE m.thread_id = t.id ORDER BY m.added_at_ms, u.name)) AS members,
        (SELECT count(*) FROM messages WHERE thread_id = t.id) AS message_count,
        t.visibility, t.space_id, sp.name AS space
     FROM threads t JOIN users cu ON cu.id = t.created_by LEFT JOIN spaces sp ON sp.id = t.space_id";

use crate::db::rows::{ThreadRecord as ThreadRow, thread_from};

/// Creates a thread posted to `space` (seen by its members), or, without one, to the creator
/// and `people`.
pub(super) async fn create_thread(
    pool: &SqlitePool,
    title: &str,
    creator: Id,
    space: Option<Id>,
    people: &[Id],
    now_ms: i64,
) -> DbResult<Id> {
    let visibility = if space.is_some() { "space" } else { "people" };
    let mut tx = super::write_tx(pool).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO threads (title, created_by, created_at_ms, updated_at_ms, visibility, space_id)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(title)
    .bind(creator)
    .bind(now_ms)
    .bind(now_ms)
    .bind(visibility)
    .bind(space)
    .fetch_one(&mut *tx)
    .await?;
    if space.is_none() {
        for user in std::iter::once(&creator).chain(people) {
            sqlx::query("INSERT OR IGNORE INTO thread_members (thread_id, user_id, added_at_ms) VALUES (?, ?, ?)")
                .bind(id)
                .bind(user)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn thread(pool: &SqlitePool, id: Id) -> DbResult<Option<Thread>> {
    let row: Option<ThreadRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{THREAD_SELECT} WHERE t.id = ?"
    )))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(thread_from))
}

pub(super) async fn is_member(pool: &SqlitePool, thread: Id, user: Id) -> DbResult<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM thread_viewers WHERE thread_id = ? AND user_id = ?")
            .bind(thread)
            .bind(user)
            .fetch_optional(pool)
            .await?;
    Ok(row.is_some())
}

pub(super) async fn list_threads(
    pool: &SqlitePool,
    user: Id,
    after: Option<ThreadCursor>,
    limit: u32,
) -> DbResult<Vec<Thread>> {
    let (after_ts, after_id) = after.map_or((i64::MAX, i64::MAX), |c| (c.updated_at_ms, c.id));
    let sql = format!(
        "{THREAD_SELECT} JOIN thread_viewers me ON me.thread_id = t.id AND me.user_id = ?
         WHERE (t.updated_at_ms < ? OR (t.updated_at_ms = ? AND t.id < ?))
         ORDER BY t.updated_at_ms DESC, t.id DESC LIMIT ?"
    );
    let rows: Vec<ThreadRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user)
        .bind(after_ts)
        .bind(after_ts)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(thread_from).collect())
}

pub(super) async fn add_member(
    pool: &SqlitePool,
    thread: Id,
    user: Id,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO thread_members (thread_id, user_id, added_at_ms) VALUES (?, ?, ?)",
    )
    .bind(thread)
    .bind(user)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn delete_thread(pool: &SqlitePool, id: Id) -> DbResult<()> {
    sqlx::query("DELETE FROM threads WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn remove_member(pool: &SqlitePool, thread: Id, user: Id) -> DbResult<bool> {
    let r = sqlx::query("DELETE FROM thread_members WHERE thread_id = ? AND user_id = ?")
        .bind(thread)
        .bind(user)
        .execute(pool)
        .await?;
    Ok(r.rows_affected() == 1)
}
