//! Inserts transcript segments straight into the database, in big batches, attached to the
//! messages `bench-load setup` uploaded. SQLite: rows go into `segments` and its triggers index
//! them in `segments_fts`, one writer (SQLite has one). PostgreSQL: rows go into `segments` and
//! its generated `tsv` column and GIN index take them; two writers, since the tsvector work is
//! done by the server's backends and this machine has two cores. The text is deterministic for
//! a seed (batch `b` draws from its own generator seeded with `seed + b`).

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};
use vidmsg_api::{Id, Word};

use crate::words::WordSampler;

/// Rows per transaction.
const BATCH: usize = 20_000;
/// Rows per SQLite INSERT: 6 parameters each, under SQLite's 32,766 bound parameters.
const SQLITE_ROWS_PER_INSERT: usize = 5_000;
/// One segment's span: whisper cuts a few seconds each.
const SEGMENT_MS: i64 = 4_000;

/// What to insert: segments `range` of `count` spread evenly over `messages` (a later call
/// with the next range adds to the same layout, so a benchmark can grow its corpus in steps).
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub messages: Vec<Id>,
    pub count: usize,
    pub range: std::ops::Range<usize>,
    pub seed: u64,
}

/// One row of `segments`.
struct Row {
    message_id: Id,
    idx: i64,
    start_ms: i64,
    text: String,
    /// Word times as the worker stores them (`db::word_times`),
    /// so rows are as wide as a real transcript's.
    words: String,
}

/// Word times spread evenly over the segment (each word until the next, the last until the
/// segment's end, as the worker fits them), stored as the worker stores them.
fn word_times(start_ms: i64, text: &str) -> String {
    let pieces: Vec<&str> = text.split_whitespace().collect();
    let end_ms = start_ms + SEGMENT_MS - 500;
    let step = (SEGMENT_MS - 500) / i64::try_from(pieces.len().max(1)).unwrap_or(1);
    let words: Vec<Word> = (0_i64..)
        .zip(&pieces)
        .map(|(i, w)| Word {
            start_ms: start_ms + i * step,
            end_ms: if i + 1 == i64::try_from(pieces.len()).unwrap_or(0) {
                end_ms
            } else {
                start_ms + (i + 1) * step
            },
            text: (*w).to_string(),
        })
        .collect();
    vidmsg_server::db::word_times::encode(Some(&words), text, end_ms).unwrap_or_default()
}

impl SeedPlan {
    fn per_message(&self) -> usize {
        self.count.div_ceil(self.messages.len().max(1))
    }

    fn batches(&self) -> usize {
        self.range.len().div_ceil(BATCH)
    }

    /// The rows of batch `b` of the range.
    fn batch(&self, words: &WordSampler, b: usize) -> Vec<Row> {
        let first = self.range.start + b * BATCH;
        let mut rng = StdRng::seed_from_u64(self.seed.wrapping_add(first as u64));
        let per = self.per_message();
        let end = (first + BATCH).min(self.range.end).min(self.count);
        (first..end)
            .map(|k| {
                let idx = (k % per) as i64;
                let text = words.segment(&mut rng);
                Row {
                    message_id: self.messages[k / per],
                    idx,
                    start_ms: idx * SEGMENT_MS,
                    words: word_times(idx * SEGMENT_MS, &text),
                    text,
                }
            })
            .collect()
    }
}

/// Inserts the plan's segments into the database `url` names (sqlite:// or postgres://).
pub async fn seed(url: &str, plan: SeedPlan) -> anyhow::Result<()> {
    anyhow::ensure!(
        !plan.messages.is_empty(),
        "no messages to attach segments to"
    );
    let words = Arc::new(WordSampler::new()?);
    let plan = Arc::new(plan);
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = PgPoolOptions::new().max_connections(2).connect(url).await?;
        let mut writers = Vec::new();
        for w in 0..2 {
            let (pool, words, plan) = (pool.clone(), words.clone(), plan.clone());
            writers.push(tokio::spawn(async move {
                for b in (w..plan.batches()).step_by(2) {
                    insert_pg(&pool, plan.batch(&words, b)).await?;
                }
                anyhow::Ok(())
            }));
        }
        for w in writers {
            w.await??;
        }
        // What autovacuum does to a table that grew this much: the GIN pending list merged
        // into the index and planner statistics for the new rows.
        sqlx::query("VACUUM ANALYZE segments")
            .execute(&pool)
            .await?;
    } else {
        let opts = SqliteConnectOptions::from_str(url)?.busy_timeout(Duration::from_secs(60));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        for b in 0..plan.batches() {
            insert_sqlite(&pool, plan.batch(&words, b)).await?;
        }
    }
    Ok(())
}

async fn insert_pg(pool: &PgPool, rows: Vec<Row>) -> anyhow::Result<()> {
    let mut message_id = Vec::with_capacity(rows.len());
    let mut idx = Vec::with_capacity(rows.len());
    let mut start = Vec::with_capacity(rows.len());
    let mut end = Vec::with_capacity(rows.len());
    let mut text = Vec::with_capacity(rows.len());
    let mut words = Vec::with_capacity(rows.len());
    for r in rows {
        message_id.push(r.message_id);
        idx.push(r.idx);
        start.push(r.start_ms);
        end.push(r.start_ms + SEGMENT_MS - 500);
        text.push(r.text);
        words.push(r.words);
    }
    // The server's partitions of `segments` (its migration 0005) for the ids these rows get.
    sqlx::query("SELECT vidmsg_segment_partitions((SELECT last_value FROM segments_id_seq) + $1)")
        .bind(i64::try_from(message_id.len())?)
        .execute(pool)
        .await?;
    sqlx::query(
        "INSERT INTO segments (message_id, idx, start_ms, end_ms, text, words)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[],
                              $6::text[])",
    )
    .bind(message_id)
    .bind(idx)
    .bind(start)
    .bind(end)
    .bind(text)
    .bind(words)
    .execute(pool)
    .await?;
    Ok(())
}

async fn insert_sqlite(pool: &SqlitePool, rows: Vec<Row>) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    for chunk in rows.chunks(SQLITE_ROWS_PER_INSERT) {
        // Only placeholders are formatted in; every value is bound.
        let values = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO segments (message_id, idx, start_ms, end_ms, text, words) VALUES {values}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q
                .bind(r.message_id)
                .bind(r.idx)
                .bind(r.start_ms)
                .bind(r.start_ms + SEGMENT_MS - 500)
                .bind(r.text.as_str())
                .bind(r.words.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
