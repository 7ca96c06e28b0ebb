//! Transcription jobs (claimed with a lease, finished exactly once) and transcript segments.
//! Workers on many hosts share the `jobs` table: a claim locks the job it takes with
//! `FOR UPDATE SKIP LOCKED`, so two workers never take the same job and none waits for another;
//! every later step (heartbeat, finish, fail) changes the job only while it is still the
//! worker's own running job. (The segments' search index is a generated column stemmed by
//! each row's `language`: see `search.rs`.)

use sqlx::{PgPool, Postgres, Transaction};
use vidmsg_api::{Id, Segment};

use crate::db::{DbResult, JobInfo, JobRow, TranscriptResult};

/// Queues (or re-queues) the transcription of a message, inside the caller's transaction.
pub(super) async fn enqueue(
    tx: &mut Transaction<'_, Postgres>,
    message: Id,
    now_ms: i64,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO jobs (message_id, state, attempts, run_after_ms, created_at_ms, updated_at_ms)
         VALUES ($1, 'queued', 0, $2, $2, $2)
         ON CONFLICT (message_id) DO UPDATE SET state = 'queued', attempts = 0, lease_expiries = 0,
            run_after_ms = $2, last_error = NULL, lease_until_ms = NULL, worker = NULL,
            updated_at_ms = $2",
    )
    .bind(message)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn claim_job(
    pool: &PgPool,
    worker: &str,
    now_ms: i64,
    lease_ms: i64,
    max_lease_expiries: i64,
) -> DbResult<Option<JobRow>> {
    let mut tx = super::write_tx(pool).await?;
    // A running job whose lease expired lost its worker (killed, crashed, machine gone). One that
    // did so too often is what kills workers: it fails for good instead of being claimed again.
    // SKIP LOCKED: a row another worker is settling right now is its business.
    let given_up: Vec<(i64, String)> = sqlx::query_as(
        "UPDATE jobs SET state = 'failed', lease_expiries = lease_expiries + 1,
            lease_until_ms = NULL, worker = NULL, updated_at_ms = $1,
            last_error = 'the transcription worker stopped ' || (lease_expiries + 1)
                || ' times while working on this clip; it will not be tried again'
         WHERE id IN (SELECT id FROM jobs
                      WHERE state = 'running' AND lease_until_ms < $1
                        AND lease_expiries + 1 >= $2
                      FOR UPDATE SKIP LOCKED)
         RETURNING message_id, last_error",
    )
    .bind(now_ms)
    .bind(max_lease_expiries)
    .fetch_all(&mut *tx)
    .await?;
    for (message, reason) in &given_up {
        sqlx::query(
            "UPDATE messages SET status = 'failed', status_reason = $1, updated_at_ms = $2
             WHERE id = $3",
        )
        .bind(reason)
        .bind(now_ms)
        .bind(message)
        .execute(&mut *tx)
        .await?;
    }
    // The oldest claimable job that no other worker is claiming at this moment: the row lock
    // taken by FOR UPDATE is held to the commit, and SKIP LOCKED passes over locked rows instead
    // of waiting for them. In READ COMMITTED the locked row is re-checked against the WHERE
    // clause after locking, so a job another worker claimed and committed just before is not
    // taken again. (The expiry bound repeats the rule above for a row that was locked then.)
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "UPDATE jobs SET state = 'running', worker = $1, attempts = attempts + 1,
            lease_expiries = lease_expiries + (CASE WHEN state = 'running' THEN 1 ELSE 0 END),
            lease_until_ms = $2 + $3, updated_at_ms = $2
         WHERE id = (SELECT id FROM jobs
                     WHERE (state = 'queued' AND run_after_ms <= $2)
                        OR (state = 'running' AND lease_until_ms < $2
                            AND lease_expiries + 1 < $4)
                     ORDER BY run_after_ms, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED)
         RETURNING id, message_id, attempts",
    )
    .bind(worker)
    .bind(now_ms)
    .bind(lease_ms)
    .bind(max_lease_expiries)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|(id, message_id, attempts)| JobRow {
        id,
        message_id,
        attempts,
    }))
}

pub(super) async fn heartbeat_job(
    pool: &PgPool,
    job: Id,
    worker: &str,
    lease_until_ms: i64,
) -> DbResult<bool> {
    let r = sqlx::query(
        "UPDATE jobs SET lease_until_ms = $1 WHERE id = $2 AND worker = $3 AND state = 'running'",
    )
    .bind(lease_until_ms)
    .bind(job)
    .bind(worker)
    .execute(pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub(super) async fn set_progress(pool: &PgPool, message: Id, percent: u8) -> DbResult<()> {
    // The change time moves too, so the event feed pushes the progress to the apps.
    sqlx::query(
        "UPDATE messages SET progress_percent = $1, status_reason = NULL,
            updated_at_ms = GREATEST(updated_at_ms, $2)
         WHERE id = $3 AND status = 'processing'
            AND (progress_percent IS DISTINCT FROM $1 OR status_reason IS NOT NULL)",
    )
    .bind(i64::from(percent))
    .bind(crate::db::now_ms())
    .bind(message)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn finish_job(
    pool: &PgPool,
    job: &JobRow,
    worker: &str,
    result: &TranscriptResult,
    now_ms: i64,
) -> DbResult<bool> {
    // The rows' partition, made before the transaction (see `partitions`).
    super::partitions::ensure(pool, 0).await?;
    let mut tx = super::write_tx(pool).await?;
    let r = sqlx::query(
        "UPDATE jobs SET state = 'done', lease_until_ms = NULL, last_error = NULL,
            updated_at_ms = $1
         WHERE id = $2 AND worker = $3 AND state = 'running'",
    )
    .bind(now_ms)
    .bind(job.id)
    .bind(worker)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        // Another worker took the job over (this one's lease expired): its result counts.
        return Ok(false);
    }
    sqlx::query("DELETE FROM segments WHERE message_id = $1")
        .bind(job.message_id)
        .execute(&mut *tx)
        .await?;
    // All segments in one statement (a long clip has hundreds).
    let idx: Vec<i64> = (0..result.segments.len())
        .map(|i| i64::try_from(i).unwrap_or(i64::MAX))
        .collect();
    let starts: Vec<i64> = result.segments.iter().map(|s| s.start_ms).collect();
    let ends: Vec<i64> = result.segments.iter().map(|s| s.end_ms).collect();
    let texts: Vec<&str> = result.segments.iter().map(|s| s.text.as_str()).collect();
    let words: Vec<Option<String>> = result
        .segments
        .iter()
        .map(|s| crate::db::word_times::encode(s.words.as_deref(), &s.text, s.end_ms))
        .collect();
    // Each row carries the message's language: its `tsv` is stemmed by it (migration 0006).
    sqlx::query(
        "INSERT INTO segments (message_id, idx, start_ms, end_ms, text, words, language)
         SELECT $1, idx, start_ms, end_ms, text, words, $7::text
         FROM UNNEST($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
            AS s(idx, start_ms, end_ms, text, words)",
    )
    .bind(job.message_id)
    .bind(&idx)
    .bind(&starts)
    .bind(&ends)
    .bind(&texts)
    .bind(&words)
    .bind(&result.language)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE messages SET status = 'ready', status_reason = $1, progress_percent = 100,
            duration_ms = coalesce($2, duration_ms), language = $5, updated_at_ms = $3
         WHERE id = $4",
    )
    .bind(&result.note)
    .bind(result.duration_ms)
    .bind(now_ms)
    .bind(job.message_id)
    .bind(&result.language)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn fail_job(
    pool: &PgPool,
    job: &JobRow,
    worker: &str,
    error: &str,
    retry_at_ms: Option<i64>,
    now_ms: i64,
) -> DbResult<bool> {
    let mut tx = super::write_tx(pool).await?;
    let (state, run_after) = match retry_at_ms {
        Some(t) => ("queued", t),
        None => ("failed", now_ms),
    };
    let r = sqlx::query(
        "UPDATE jobs SET state = $1, run_after_ms = $2, last_error = $3, lease_until_ms = NULL,
            updated_at_ms = $4
         WHERE id = $5 AND worker = $6 AND state = 'running'",
    )
    .bind(state)
    .bind(run_after)
    .bind(error)
    .bind(now_ms)
    .bind(job.id)
    .bind(worker)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    let (status, reason) = match retry_at_ms {
        Some(_) => (
            "processing",
            format!(
                "transcription attempt {} failed, will retry: {error}",
                job.attempts
            ),
        ),
        None => ("failed", error.to_string()),
    };
    sqlx::query(
        "UPDATE messages SET status = $1, status_reason = $2, updated_at_ms = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(reason)
    .bind(now_ms)
    .bind(job.message_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn note_waiting(pool: &PgPool, reason: Option<&str>) -> DbResult<()> {
    sqlx::query(
        "UPDATE messages SET status_reason = $1 WHERE status = 'processing'
            AND id IN (SELECT message_id FROM jobs WHERE state = 'queued' AND attempts = 0)",
    )
    .bind(reason)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn requeue(pool: &PgPool, message: Id, now_ms: i64) -> DbResult<bool> {
    let mut tx = super::write_tx(pool).await?;
    // The job row first, as claim, finish and fail lock it (then the message): the same order
    // everywhere, so a requeue racing a worker waits for it instead of deadlocking with it.
    sqlx::query("SELECT id FROM jobs WHERE message_id = $1 FOR UPDATE")
        .bind(message)
        .fetch_optional(&mut *tx)
        .await?;
    let r = sqlx::query(
        "UPDATE messages SET status = 'processing', status_reason = NULL, progress_percent = 0,
            updated_at_ms = $1
         WHERE id = $2 AND kind = 'video' AND upload_id IS NULL AND size_bytes IS NOT NULL",
    )
    .bind(now_ms)
    .bind(message)
    .execute(&mut *tx)
    .await?;
    if r.rows_affected() != 1 {
        return Ok(false);
    }
    enqueue(&mut tx, message, now_ms).await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn transcript(pool: &PgPool, message: Id) -> DbResult<Vec<Segment>> {
    let rows: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT start_ms, end_ms, text, words FROM segments WHERE message_id = $1 ORDER BY idx",
    )
    .bind(message)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(start_ms, end_ms, text, words)| Segment {
            start_ms,
            end_ms,
            words: crate::db::word_times::decode(words.as_deref(), &text, end_ms),
            text,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct JobInfoRow {
    state: String,
    attempts: i64,
    worker: Option<String>,
    last_error: Option<String>,
}

pub(super) async fn job_info(pool: &PgPool, message: Id) -> DbResult<Option<JobInfo>> {
    let row: Option<JobInfoRow> = sqlx::query_as(
        "SELECT state, attempts, worker, last_error FROM jobs WHERE message_id = $1",
    )
    .bind(message)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| JobInfo {
        state: r.state,
        attempts: r.attempts,
        worker: r.worker,
        last_error: r.last_error,
    }))
}
