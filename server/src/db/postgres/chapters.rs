//! Titles and chapters made from a message's transcript (`messages.suggested_title`, the
//! `chapters` table), and the title its author sets.

use sqlx::PgPool;
use vidmsg_api::{Chapter, Id};

use crate::db::{DbResult, MessageSummary};

/// Replaces the message's suggested title and chapters, all at once; moves its change time so
/// the event feed sends the message again.
pub(super) async fn set_summary(
    pool: &PgPool,
    message: Id,
    summary: &MessageSummary,
    now_ms: i64,
) -> DbResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE messages SET suggested_title = $1, updated_at_ms = GREATEST(updated_at_ms, $2) WHERE id = $3",
    )
    .bind(summary.suggested_title.as_deref())
    .bind(now_ms)
    .bind(message)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM chapters WHERE message_id = $1")
        .bind(message)
        .execute(&mut *tx)
        .await?;
    for (idx, c) in summary.chapters.iter().enumerate() {
        sqlx::query(
            "INSERT INTO chapters (message_id, idx, start_ms, title) VALUES ($1, $2, $3, $4)",
        )
        .bind(message)
        .bind(i64::try_from(idx).unwrap_or(i64::MAX))
        .bind(c.start_ms)
        .bind(&c.title)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The message's suggested title and chapters (none for an unknown message).
pub(super) async fn summary(pool: &PgPool, message: Id) -> DbResult<MessageSummary> {
    let suggested_title: Option<String> =
        sqlx::query_scalar("SELECT suggested_title FROM messages WHERE id = $1")
            .bind(message)
            .fetch_optional(pool)
            .await?
            .flatten();
    let chapters = sqlx::query_as::<_, (i64, String)>(
        "SELECT start_ms, title FROM chapters WHERE message_id = $1 ORDER BY idx",
    )
    .bind(message)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|(start_ms, title)| Chapter { start_ms, title })
    .collect();
    Ok(MessageSummary {
        suggested_title,
        chapters,
    })
}

/// Sets the title its author gave.
pub(super) async fn set_title(
    pool: &PgPool,
    message: Id,
    title: &str,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE messages SET title = $1, updated_at_ms = GREATEST(updated_at_ms, $2) WHERE id = $3",
    )
    .bind(title)
    .bind(now_ms)
    .bind(message)
    .execute(pool)
    .await?;
    Ok(())
}
