//! Search over transcripts: FTS5 with bm25 ranking, limited to the threads the user sees
//! (the `thread_viewers` view: its spaces' threads and its direct ones).
//! The query arrives parsed by [`crate::search::syntax`] and is rendered to FTS5 here; hits come most relevant
//! first (lowest bm25), ties by message and time.

use sqlx::SqlitePool;
use vidmsg_api::SearchHit;

use crate::db::{DbResult, SearchSpec};

#[derive(sqlx::FromRow)]
struct HitRow {
    message_id: i64,
    thread_id: i64,
    thread_title: String,
    title: String,
    author: String,
    start_ms: i64,
    end_ms: i64,
    snippet: String,
    bm25: f64,
}

impl From<HitRow> for SearchHit {
    fn from(r: HitRow) -> Self {
        SearchHit {
            message_id: r.message_id,
            thread_id: r.thread_id,
            thread_title: r.thread_title,
            title: r.title,
            author: r.author,
            start_ms: r.start_ms,
            end_ms: r.end_ms,
            snippet: r.snippet,
            // bm25 is lower for better matches; the API's score is higher for better ones.
            score: -r.bm25,
        }
    }
}

pub(super) async fn search(pool: &SqlitePool, spec: &SearchSpec) -> DbResult<Vec<SearchHit>> {
    let rows: Vec<HitRow> = sqlx::query_as(
        "SELECT s.message_id, m.thread_id, t.title AS thread_title, m.title, u.name AS author,
                s.start_ms, s.end_ms, highlight(segments_fts, 0, '<mark>', '</mark>') AS snippet,
                bm25(segments_fts) AS bm25
         FROM segments_fts
         JOIN segments s ON s.id = segments_fts.rowid
         JOIN messages m ON m.id = s.message_id
         JOIN threads t ON t.id = m.thread_id
         JOIN thread_viewers tm ON tm.thread_id = m.thread_id AND tm.user_id = ?
         JOIN users u ON u.id = m.author_id
         WHERE segments_fts MATCH ? AND (? IS NULL OR m.thread_id = ?)
         ORDER BY bm25(segments_fts), s.message_id, s.start_ms
         LIMIT ? OFFSET ?",
    )
    .bind(spec.user)
    .bind(spec.query.to_fts5())
    .bind(spec.thread)
    .bind(spec.thread)
    .bind(i64::from(spec.limit))
    .bind(i64::from(spec.offset))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
