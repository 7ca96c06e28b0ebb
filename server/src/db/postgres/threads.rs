//! Threads and who sees them. Who sees a thread is decided by the `thread_viewers` view (as in
//! SQLite's migration 0007): the members of its space, or its people (`thread_members`); every
//! query here that limits what a user sees goes through it.
//!
//! PostgreSQL specifics: members are joined with `string_agg(.. ORDER BY ..)` (SQLite's
//! `group_concat` over an ordered subquery), a thread's people are added in one
//! `INSERT .. SELECT FROM unnest($n::BIGINT[]) ON CONFLICT DO NOTHING`, and the shared column
//! list is a macro so every query stays a static string (no `AssertSqlSafe`).

use sqlx::PgPool;
use vidmsg_api::{Id, Thread};

use crate::db::{DbResult, ThreadCursor};

/// Columns of a thread with its creator, the names of those who see it (comma-joined in the
/// order they were added; names have no commas), message count and space. A macro, not a
/// const, so that `concat!` can build each query as one static string.
macro_rules! thread_select {
    () => {
        "SELECT t.id, t.title, cu.name AS created_by, t.created_at_ms, t.updated_at_ms,
            (SELECT string_agg(u.name, ',' ORDER BY m.added_at_ms, u.name)
                FROM thread_viewers m JOIN users u ON u.id = m.user_id
                WHERE m.thread_id = t.id) AS members,
            (SELECT count(*) FROM messages WHERE thread_id = t.id) AS message_count,
            t.visibility, t.space_id, sp.name AS space
         FROM threads t JOIN users cu ON cu.id = t.created_by LEFT JOIN spaces sp ON sp.id = t.space_id"
    };
}

use crate::db::rows::{ThreadRecord as ThreadRow, thread_from};

/// Creates a thread posted to `space` (seen by its members), or, without one, to the creator
/// and `people`.
pub(super) async fn create_thread(
    pool: &PgPool,
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
         VALUES ($1, $2, $3, $3, $4, $5) RETURNING id",
    )
    .bind(title)
    .bind(creator)
    .bind(now_ms)
    .bind(visibility)
    .bind(space)
    .fetch_one(&mut *tx)
    .await?;
    if space.is_none() {
        // The creator first; a person named twice (or the creator among `people`) is added once.
        let users: Vec<i64> = std::iter::once(creator)
            .chain(people.iter().copied())
            .collect();
        sqlx::query(
            "INSERT INTO thread_members (thread_id, user_id, added_at_ms)
             SELECT $1, u, $3 FROM unnest($2::BIGINT[]) AS u
             ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(&users)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn thread(pool: &PgPool, id: Id) -> DbResult<Option<Thread>> {
    let row: Option<ThreadRow> = sqlx::query_as(concat!(thread_select!(), " WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(thread_from))
}

pub(super) async fn is_member(pool: &PgPool, thread: Id, user: Id) -> DbResult<bool> {
    let (seen,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM thread_viewers WHERE thread_id = $1 AND user_id = $2)",
    )
    .bind(thread)
    .bind(user)
    .fetch_one(pool)
    .await?;
    Ok(seen)
}

pub(super) async fn list_threads(
    pool: &PgPool,
    user: Id,
    after: Option<ThreadCursor>,
    limit: u32,
) -> DbResult<Vec<Thread>> {
    let (after_ts, after_id) = after.map_or((i64::MAX, i64::MAX), |c| (c.updated_at_ms, c.id));
    let rows: Vec<ThreadRow> = sqlx::query_as(concat!(
        thread_select!(),
        " JOIN thread_viewers me ON me.thread_id = t.id AND me.user_id = $1
         WHERE (t.updated_at_ms < $2 OR (t.updated_at_ms = $2 AND t.id < $3))
         ORDER BY t.updated_at_ms DESC, t.id DESC LIMIT $4"
    ))
    .bind(user)
    .bind(after_ts)
    .bind(after_id)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(thread_from).collect())
}

pub(super) async fn add_member(pool: &PgPool, thread: Id, user: Id, now_ms: i64) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO thread_members (thread_id, user_id, added_at_ms) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(thread)
    .bind(user)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn delete_thread(pool: &PgPool, id: Id) -> DbResult<()> {
    sqlx::query("DELETE FROM threads WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub(super) async fn remove_member(pool: &PgPool, thread: Id, user: Id) -> DbResult<bool> {
    let r = sqlx::query("DELETE FROM thread_members WHERE thread_id = $1 AND user_id = $2")
        .bind(thread)
        .bind(user)
        .execute(pool)
        .await?;
    Ok(r.rows_affected() == 1)
}
