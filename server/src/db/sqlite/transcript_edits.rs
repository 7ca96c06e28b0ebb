//! Hand edits of a transcript: the edited text replaces the message's `segments` rows in place
//! (same ids, so the search index's recency order holds; the `segments_au` trigger re-indexes
//! the text), the machine transcript is copied to `machine_segments` on the first edit, and a
//! restore copies it back. One transaction each.

use sqlx::{Sqlite, SqlitePool, Transaction};
use vidmsg_api::{EditedSegment, Id};

use crate::db::transcript_rows::{Row, edited_rows};
use crate::db::{DbError, DbResult, TranscriptEdit};

/// Fails unless the message is `ready` (its status is read inside the write lock, so a
/// transcription queued meanwhile is seen).
async fn check_ready(tx: &mut Transaction<'_, Sqlite>, message: Id) -> DbResult<()> {
    let status: Option<(String,)> = sqlx::query_as("SELECT status FROM messages WHERE id = ?")
        .bind(message)
        .fetch_optional(&mut **tx)
        .await?;
    match status {
        None => Err(DbError::NotFound("message")),
        Some((s,)) if s == "ready" => Ok(()),
        Some((s,)) => Err(crate::db::transcript_rows::not_ready(message, &s)),
    }
}

/// The segments as they read now (`machine`: false) or the machine copy (`machine`: true).
async fn rows(tx: &mut Transaction<'_, Sqlite>, machine: bool, message: Id) -> DbResult<Vec<Row>> {
    let sql = if machine {
        "SELECT idx, start_ms, end_ms, text, words FROM machine_segments WHERE message_id = ? ORDER BY idx"
    } else {
        "SELECT idx, start_ms, end_ms, text, words FROM segments WHERE message_id = ? ORDER BY idx"
    };
    Ok(sqlx::query_as(sql)
        .bind(message)
        .fetch_all(&mut **tx)
        .await?)
}

/// Makes the message's segments read `new`, touching only the rows that differ.
async fn write(
    tx: &mut Transaction<'_, Sqlite>,
    message: Id,
    old: &[Row],
    new: &[Row],
    now_ms: i64,
) -> DbResult<()> {
    // The edited text is indexed by its stems in the message's language, as the worker's was.
    let language: Option<String> = sqlx::query_scalar("SELECT language FROM messages WHERE id = ?")
        .bind(message)
        .fetch_optional(&mut **tx)
        .await?
        .flatten();
    for (i, n) in new.iter().enumerate() {
        let stems = super::stems::shadow(&n.3, language.as_deref());
        match old.get(i) {
            Some(o) if o == n => {}
            Some(_) => {
                sqlx::query(
                    "UPDATE segments SET start_ms = ?, end_ms = ?, text = ?, words = ?, stems = ?
                     WHERE message_id = ? AND idx = ?",
                )
                .bind(n.1)
                .bind(n.2)
                .bind(&n.3)
                .bind(&n.4)
                .bind(&stems)
                .bind(message)
                .bind(n.0)
                .execute(&mut **tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO segments (message_id, idx, start_ms, end_ms, text, words, language,
                        stems)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT language FROM messages WHERE id = ?1),
                             ?7)",
                )
                .bind(message)
                .bind(n.0)
                .bind(n.1)
                .bind(n.2)
                .bind(&n.3)
                .bind(&n.4)
                .bind(&stems)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    sqlx::query("DELETE FROM segments WHERE message_id = ? AND idx >= ?")
        .bind(message)
        .bind(i64::try_from(new.len()).unwrap_or(i64::MAX))
        .execute(&mut **tx)
        .await?;
    // The change time moves, so the event feed sends the message and open players reload it.
    sqlx::query("UPDATE messages SET updated_at_ms = max(updated_at_ms, ?) WHERE id = ?")
        .bind(now_ms)
        .bind(message)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn edit(
    pool: &SqlitePool,
    message: Id,
    editor: Id,
    segments: &[EditedSegment],
    now_ms: i64,
) -> DbResult<()> {
    let mut tx = super::write_tx(pool).await?;
    check_ready(&mut tx, message).await?;
    let old = rows(&mut tx, false, message).await?;
    let first = sqlx::query_as::<_, (i64,)>("SELECT 1 FROM transcript_edits WHERE message_id = ?")
        .bind(message)
        .fetch_optional(&mut *tx)
        .await?
        .is_none();
    sqlx::query(
        "INSERT INTO transcript_edits (message_id, edited_by, edited_at_ms) VALUES (?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET edited_by = excluded.edited_by,
            edited_at_ms = excluded.edited_at_ms",
    )
    .bind(message)
    .bind(editor)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    if first {
        sqlx::query(
            "INSERT INTO machine_segments (message_id, idx, start_ms, end_ms, text, words)
             SELECT message_id, idx, start_ms, end_ms, text, words FROM segments
             WHERE message_id = ?",
        )
        .bind(message)
        .execute(&mut *tx)
        .await?;
    }
    write(&mut tx, message, &old, &edited_rows(&old, segments), now_ms).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn restore(pool: &SqlitePool, message: Id, now_ms: i64) -> DbResult<bool> {
    let mut tx = super::write_tx(pool).await?;
    check_ready(&mut tx, message).await?;
    let edited = sqlx::query_as::<_, (i64,)>("SELECT 1 FROM transcript_edits WHERE message_id = ?")
        .bind(message)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if !edited {
        return Ok(false);
    }
    let old = rows(&mut tx, false, message).await?;
    let machine = rows(&mut tx, true, message).await?;
    write(&mut tx, message, &old, &machine, now_ms).await?;
    sqlx::query("DELETE FROM machine_segments WHERE message_id = ?")
        .bind(message)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM transcript_edits WHERE message_id = ?")
        .bind(message)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn last_edit(pool: &SqlitePool, message: Id) -> DbResult<Option<TranscriptEdit>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT e.edited_at_ms, u.name FROM transcript_edits e JOIN users u ON u.id = e.edited_by
         WHERE e.message_id = ?",
    )
    .bind(message)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(edited_at_ms, edited_by)| TranscriptEdit {
        edited_at_ms,
        edited_by,
    }))
}
