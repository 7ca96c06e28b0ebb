//! Hand edits of a transcript: the edited text replaces the message's `segments` rows in place
//! (same ids; `tsv` is generated from the text, so search follows), the machine transcript is
//! copied to `machine_segments` on the first edit, and a restore copies it back. One
//! transaction each, locking the job row and then the message as the worker does.

use sqlx::{PgPool, Postgres, Transaction};
use vidmsg_api::{EditedSegment, Id};

use crate::db::transcript_rows::{Row, edited_rows};
use crate::db::{DbError, DbResult, TranscriptEdit};

/// Fails unless the message is `ready`. Locks its job row, then the message (the order claim,
/// finish, fail and requeue lock them in), so a transcription queued meanwhile waits or is seen.
async fn check_ready(tx: &mut Transaction<'_, Postgres>, message: Id) -> DbResult<()> {
    sqlx::query("SELECT id FROM jobs WHERE message_id = $1 FOR UPDATE")
        .bind(message)
        .fetch_optional(&mut **tx)
        .await?;
    let status: Option<(String,)> =
        sqlx::query_as("SELECT status FROM messages WHERE id = $1 FOR UPDATE")
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
async fn rows(
    tx: &mut Transaction<'_, Postgres>,
    machine: bool,
    message: Id,
) -> DbResult<Vec<Row>> {
    let sql = if machine {
        "SELECT idx, start_ms, end_ms, text, words FROM machine_segments WHERE message_id = $1 ORDER BY idx"
    } else {
        "SELECT idx, start_ms, end_ms, text, words FROM segments WHERE message_id = $1 ORDER BY idx"
    };
    Ok(sqlx::query_as(sql)
        .bind(message)
        .fetch_all(&mut **tx)
        .await?)
}

/// Makes the message's segments read `new`, touching only the rows that differ.
async fn write(
    tx: &mut Transaction<'_, Postgres>,
    message: Id,
    old: &[Row],
    new: &[Row],
    now_ms: i64,
) -> DbResult<()> {
    for (i, n) in new.iter().enumerate() {
        match old.get(i) {
            Some(o) if o == n => {}
            Some(_) => {
                sqlx::query(
                    "UPDATE segments SET start_ms = $1, end_ms = $2, text = $3, words = $4
                     WHERE message_id = $5 AND idx = $6",
                )
                .bind(n.1)
                .bind(n.2)
                .bind(&n.3)
                .bind(&n.4)
                .bind(message)
                .bind(n.0)
                .execute(&mut **tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO segments (message_id, idx, start_ms, end_ms, text, words, language)
                     VALUES ($1, $2, $3, $4, $5, $6,
                             (SELECT language FROM messages WHERE id = $1))",
                )
                .bind(message)
                .bind(n.0)
                .bind(n.1)
                .bind(n.2)
                .bind(&n.3)
                .bind(&n.4)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    sqlx::query("DELETE FROM segments WHERE message_id = $1 AND idx >= $2")
        .bind(message)
        .bind(i64::try_from(new.len()).unwrap_or(i64::MAX))
        .execute(&mut **tx)
        .await?;
    // The change time moves, so the event feed sends the message and open players reload it.
    sqlx::query("UPDATE messages SET updated_at_ms = GREATEST(updated_at_ms, $1) WHERE id = $2")
        .bind(now_ms)
        .bind(message)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn edit(
    pool: &PgPool,
    message: Id,
    editor: Id,
    segments: &[EditedSegment],
    now_ms: i64,
) -> DbResult<()> {
    // An edit may add segments: their partition, made before the transaction.
    super::partitions::ensure(pool, 0).await?;
    let mut tx = super::write_tx(pool).await?;
    check_ready(&mut tx, message).await?;
    let old = rows(&mut tx, false, message).await?;
    let first =
        sqlx::query_as::<_, (i64,)>("SELECT 1::bigint FROM transcript_edits WHERE message_id = $1")
            .bind(message)
            .fetch_optional(&mut *tx)
            .await?
            .is_none();
    sqlx::query(
        "INSERT INTO transcript_edits (message_id, edited_by, edited_at_ms) VALUES ($1, $2, $3)
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
             WHERE message_id = $1",
        )
        .bind(message)
        .execute(&mut *tx)
        .await?;
    }
    write(&mut tx, message, &old, &edited_rows(&old, segments), now_ms).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn restore(pool: &PgPool, message: Id, now_ms: i64) -> DbResult<bool> {
    // The machine transcript may have more segments than the edit: their partition first.
    super::partitions::ensure(pool, 0).await?;
    let mut tx = super::write_tx(pool).await?;
    check_ready(&mut tx, message).await?;
    let edited =
        sqlx::query_as::<_, (i64,)>("SELECT 1::bigint FROM transcript_edits WHERE message_id = $1")
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
    sqlx::query("DELETE FROM machine_segments WHERE message_id = $1")
        .bind(message)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM transcript_edits WHERE message_id = $1")
        .bind(message)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn last_edit(pool: &PgPool, message: Id) -> DbResult<Option<TranscriptEdit>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT e.edited_at_ms, u.name FROM transcript_edits e JOIN users u ON u.id = e.edited_by
         WHERE e.message_id = $1",
    )
    .bind(message)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(edited_at_ms, edited_by)| TranscriptEdit {
        edited_at_ms,
        edited_by,
    }))
}
