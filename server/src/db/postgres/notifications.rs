//! People's hours (time zone, quiet hours) and their notifications. "Delivered" is computed
//! against the caller's `now_ms` (the server's notification clock), never stored. (PostgreSQL:
//! `urgent` is a BOOLEAN; lists of ids and of new rows travel as arrays.)

use sqlx::PgPool;
use vidmsg_api::{Id, Notification};

use crate::db::{DbResult, Hours, NewNotification};

#[derive(sqlx::FromRow)]
struct HoursRow {
    id: i64,
    time_zone: Option<String>,
    quiet_start_min: Option<i64>,
    quiet_end_min: Option<i64>,
}

impl From<HoursRow> for (Id, Hours) {
    fn from(r: HoursRow) -> Self {
        (
            r.id,
            Hours {
                time_zone: r.time_zone,
                quiet_start_min: r.quiet_start_min,
                quiet_end_min: r.quiet_end_min,
            },
        )
    }
}

pub(super) async fn hours(pool: &PgPool, user: Id) -> DbResult<Hours> {
    let row: Option<HoursRow> = sqlx::query_as(
        "SELECT id, time_zone, quiet_start_min, quiet_end_min FROM users WHERE id = $1",
    )
    .bind(user)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| <(Id, Hours)>::from(r).1).unwrap_or_default())
}

pub(super) async fn all_hours(pool: &PgPool) -> DbResult<Vec<(Id, Hours)>> {
    let rows: Vec<HoursRow> =
        sqlx::query_as("SELECT id, time_zone, quiet_start_min, quiet_end_min FROM users")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(super) async fn set_hours(pool: &PgPool, user: Id, h: &Hours) -> DbResult<()> {
    sqlx::query(
        "UPDATE users SET time_zone = $1, quiet_start_min = $2, quiet_end_min = $3 WHERE id = $4",
    )
    .bind(&h.time_zone)
    .bind(h.quiet_start_min)
    .bind(h.quiet_end_min)
    .bind(user)
    .execute(pool)
    .await?;
    Ok(())
}

/// Everyone who sees the message's thread, but its author, with their hours.
pub(super) async fn recipients(pool: &PgPool, message: Id) -> DbResult<Vec<(Id, Hours)>> {
    let rows: Vec<HoursRow> = sqlx::query_as(
        "SELECT DISTINCT u.id, u.time_zone, u.quiet_start_min, u.quiet_end_min
         FROM messages m
         JOIN thread_viewers v ON v.thread_id = m.thread_id
         JOIN users u ON u.id = v.user_id
         WHERE m.id = $1 AND u.id <> m.author_id",
    )
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Adds one notification per recipient; a recipient already notified of the message is skipped.
pub(super) async fn add_notifications(
    pool: &PgPool,
    message: Id,
    items: &[NewNotification],
    now_ms: i64,
) -> DbResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    // One statement for all recipients (a space may have many members).
    let users: Vec<Id> = items.iter().map(|n| n.user_id).collect();
    let urgent: Vec<bool> = items.iter().map(|n| n.urgent).collect();
    let deliver: Vec<i64> = items.iter().map(|n| n.deliver_at_ms).collect();
    sqlx::query(
        "INSERT INTO notifications (user_id, message_id, urgent, created_at_ms, deliver_at_ms)
         SELECT user_id, $1, urgent, $2, deliver_at_ms
         FROM UNNEST($3::bigint[], $4::boolean[], $5::bigint[]) AS n(user_id, urgent, deliver_at_ms)
         ON CONFLICT (user_id, message_id) DO NOTHING",
    )
    .bind(message)
    .bind(now_ms)
    .bind(&users)
    .bind(&urgent)
    .bind(&deliver)
    .execute(pool)
    .await?;
    Ok(())
}

const SELECT: &str = "SELECT n.id, n.message_id, m.thread_id, t.title AS thread_title,
        a.name AS author, m.title, n.urgent, n.created_at_ms, n.deliver_at_ms,
        n.deliver_at_ms <= $1 AS delivered, n.seen_at_ms IS NOT NULL AS seen
     FROM notifications n
     JOIN messages m ON m.id = n.message_id
     JOIN threads t ON t.id = m.thread_id
     JOIN users a ON a.id = m.author_id
     -- Someone who left the space or thread no longer hears of it.
     JOIN thread_viewers v ON v.thread_id = m.thread_id AND v.user_id = n.user_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    message_id: i64,
    thread_id: i64,
    thread_title: String,
    author: String,
    title: String,
    urgent: bool,
    created_at_ms: i64,
    deliver_at_ms: i64,
    delivered: bool,
    seen: bool,
}

impl From<Row> for Notification {
    fn from(r: Row) -> Self {
        Notification {
            id: r.id,
            message_id: r.message_id,
            thread_id: r.thread_id,
            thread_title: r.thread_title,
            author: r.author,
            title: r.title,
            urgent: r.urgent,
            created_at_ms: r.created_at_ms,
            deliver_at_ms: r.deliver_at_ms,
            delivered: r.delivered,
            seen: r.seen,
        }
    }
}

/// The user's newest notifications, delivered or held.
pub(super) async fn list(
    pool: &PgPool,
    user: Id,
    now_ms: i64,
    limit: u32,
) -> DbResult<Vec<Notification>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE n.user_id = $2 ORDER BY n.id DESC LIMIT $3"
    )))
    .bind(now_ms)
    .bind(user)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Delivered and not seen.
pub(super) async fn unseen(pool: &PgPool, user: Id, now_ms: i64) -> DbResult<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM notifications n JOIN messages m ON m.id = n.message_id
         JOIN thread_viewers v ON v.thread_id = m.thread_id AND v.user_id = n.user_id
         WHERE n.user_id = $1 AND n.deliver_at_ms <= $2 AND n.seen_at_ms IS NULL",
    )
    .bind(user)
    .bind(now_ms)
    .fetch_one(pool)
    .await?;
    Ok(n)
}

/// Unseen notifications whose delivery time fell in `(after_ms, up_to_ms]`, oldest first (one
/// the user already saw, e.g. by opening the message during quiet hours, does not interrupt).
pub(super) async fn delivered_between(
    pool: &PgPool,
    user: Id,
    after_ms: i64,
    up_to_ms: i64,
) -> DbResult<Vec<Notification>> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE n.user_id = $2 AND n.deliver_at_ms > $3 AND n.deliver_at_ms <= $1
            AND n.seen_at_ms IS NULL
         ORDER BY n.deliver_at_ms, n.id LIMIT 200"
    )))
    .bind(up_to_ms)
    .bind(user)
    .bind(after_ms)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Marks delivered notifications seen: those in `ids`, or all of them when `ids` is empty.
pub(super) async fn mark_seen(pool: &PgPool, user: Id, ids: &[Id], now_ms: i64) -> DbResult<()> {
    // An empty list means all of them.
    sqlx::query(
        "UPDATE notifications SET seen_at_ms = $1
         WHERE user_id = $2 AND deliver_at_ms <= $1 AND seen_at_ms IS NULL
            AND (cardinality($3::bigint[]) = 0 OR id = ANY($3))",
    )
    .bind(now_ms)
    .bind(user)
    .bind(ids)
    .execute(pool)
    .await?;
    Ok(())
}

/// The user opened a message (`message`) or read a whole thread (`thread`): its notifications
/// are seen, held ones included (they no longer need to interrupt anyone).
pub(super) async fn mark_seen_where(
    pool: &PgPool,
    user: Id,
    message: Option<Id>,
    thread: Option<Id>,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE notifications SET seen_at_ms = $1
         WHERE user_id = $2 AND seen_at_ms IS NULL AND message_id IN
            (SELECT id FROM messages WHERE id = $3 OR thread_id = $4)",
    )
    .bind(now_ms)
    .bind(user)
    .bind(message)
    .bind(thread)
    .execute(pool)
    .await?;
    Ok(())
}
