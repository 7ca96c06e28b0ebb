//! Search over transcripts: FTS5 with bm25 ranking, limited to the threads the user sees
//! (the `thread_viewers` view: its spaces' threads and its direct ones).
//! The query arrives parsed by [`crate::search::syntax`] and is rendered to FTS5 here; hits come
//! by recency tier, then most relevant first (lowest bm25), ties by message and time (see
//! [`SearchSpec`]). Segments in another language are indexed by their stems in it (see
//! [`super::stems`]): the query is rendered in English and, ORed, in each language present.

use sqlx::SqlitePool;
use vidmsg_api::SearchHit;

use crate::db::{DbResult, SEARCH_TIER, SearchSpec};

#[derive(sqlx::FromRow)]
struct HitRow {
    segment_id: i64,
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
            segment_id: r.segment_id,
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

/// The languages the messages were heard in, one index probe each (`messages_language`).
async fn languages(pool: &SqlitePool) -> DbResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "WITH RECURSIVE langs(language) AS (
            SELECT min(language) FROM messages
            UNION ALL
            SELECT (SELECT min(m.language) FROM messages m WHERE m.language > langs.language)
            FROM langs WHERE langs.language IS NOT NULL)
         SELECT language FROM langs WHERE language IS NOT NULL",
    )
    .fetch_all(pool)
    .await?)
}

pub(super) async fn search(pool: &SqlitePool, spec: &SearchSpec) -> DbResult<Vec<SearchHit>> {
    let fts = super::stems::fts5_query(&spec.query, &languages(pool).await?);
    // Steps, each cheap at any index size (`scripts/bench-load` at 1 M segments):
    // - `visible`: the threads the user sees, once (materialized, so the view's UNION ALL is not
    //   pushed into the full-text scan, which then ran twice);
    // - `recent`: the newest `window` matching segments in those threads, walking the FTS5 doclist
    //   backwards by rowid (segments are inserted in time order) and stopping at the window:
    //   bm25 is computed only for them (a common word has ~27,000 matches; ranking all of them
    //   took ~200 ms);
    // - `page`: tier (500 newest, then the next 500…), then bm25 inside a tier;
    // - highlight() re-reads and re-tokenizes the text, so it runs for the page's rows only
    //   (the FTS5 table is matched again with `rowid =`, a seek in the doclist).
    let rows: Vec<HitRow> = sqlx::query_as(
        "WITH visible AS MATERIALIZED (
            SELECT thread_id FROM thread_viewers
            WHERE user_id = ?1 AND (?3 IS NULL OR thread_id = ?3)),
         recent AS MATERIALIZED (
            SELECT segments_fts.rowid AS id, bm25(segments_fts) AS bm25, s.message_id, s.start_ms
            FROM segments_fts
            JOIN segments s ON s.id = segments_fts.rowid
            JOIN messages m ON m.id = s.message_id
            WHERE segments_fts MATCH ?2 AND m.thread_id IN (SELECT thread_id FROM visible)
            ORDER BY segments_fts.rowid DESC
            LIMIT ?4),
         tiered AS (
            SELECT id, bm25, message_id, start_ms,
                   (row_number() OVER (ORDER BY id DESC) - 1) / ?7 AS tier
            FROM recent),
         page AS MATERIALIZED (
            SELECT * FROM tiered ORDER BY tier, bm25, message_id, start_ms, id LIMIT ?5 OFFSET ?6)
         SELECT page.id AS segment_id, page.message_id, m.thread_id, t.title AS thread_title,
                m.title, u.name AS author, s.start_ms, s.end_ms,
                highlight(segments_fts, 0, '<mark>', '</mark>') AS snippet, page.bm25
         FROM page
         JOIN segments_fts ON segments_fts.rowid = page.id
         JOIN segments s ON s.id = page.id
         JOIN messages m ON m.id = page.message_id
         JOIN threads t ON t.id = m.thread_id
         JOIN users u ON u.id = m.author_id
         WHERE segments_fts MATCH ?2
         ORDER BY page.tier, page.bm25, page.message_id, page.start_ms, page.id",
    )
    .bind(spec.user)
    .bind(fts)
    .bind(spec.thread)
    .bind(spec.window())
    .bind(i64::from(spec.limit))
    .bind(i64::from(spec.offset))
    .bind(i64::from(SEARCH_TIER))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
