//! Search over transcripts: the segments' weighted tsvector (GIN index) matched against a
//! tsquery, ranked with `ts_rank_cd`, limited to the threads the user sees (the
//! `thread_viewers` view: its spaces' threads and its direct ones).
//!
//! The query arrives parsed by [`crate::search::syntax`] and is rendered here to `to_tsquery`
//! text built only from quoted letters-and-digits words. `websearch_to_tsquery` is not used: it
//! has no prefix search (`transcri*`), reads `-word` as NOT and a lower-case `or` as OR, so it
//! would not give the user syntax SQLite gives. Hits come most relevant first, ties by message
//! and time, as in SQLite.
//!
//! The matching segments are found first (`hits`, materialized, the tsquery written inline so
//! the planner sees a constant and uses the GIN index), and only then joined to who may see them:
//! with the tsquery in a shared CTE the planner walked every visible segment instead (1.2 s vs
//! 1.4 ms for a rare word at 1 M segments, measured by `scripts/bench-load`).

use sqlx::PgPool;
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
    score: f64,
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
            // ts_rank_cd is higher for better matches, as the API's score.
            score: r.score,
        }
    }
}

pub(super) async fn search(pool: &PgPool, spec: &SearchSpec) -> DbResult<Vec<SearchHit>> {
    // The page is chosen first (inner query), so `ts_headline`, which re-parses the text, runs
    // only for the hits returned. Normalization 1 divides the rank by 1 + log(length): a word in
    // a short segment ranks above the same word in a long one, as bm25 ranks it in SQLite.
    // `vidmsg_english` is the index's configuration (English stemming, no stop words; see the
    // migration): the query's words must stem as the indexed ones did.
    //
    // The snippet: HighlightAll marks every match in the whole segment (SQLite's highlight()
    // returns the whole text too). The parser ts_headline uses would read "3.5" or "x-ray" as
    // one token, where the index (and SQLite) has two words, so a chr(1) is put after each ASCII
    // punctuation mark for the headline and taken out of its result. Marks of words separated
    // by white space only are merged, so a matched phrase reads `<mark>mobile app
    // crashed</mark>`, as SQLite marks it.
    let rows: Vec<HitRow> = sqlx::query_as(
        "WITH q AS (SELECT to_tsquery('vidmsg_english', $2) AS q),
         hits AS MATERIALIZED (
            SELECT s.id, s.message_id, s.start_ms, s.end_ms, s.text,
                   ts_rank_cd(s.tsv, to_tsquery('vidmsg_english', $2), 1)::float8 AS score
            FROM segments s
            WHERE s.tsv @@ to_tsquery('vidmsg_english', $2)),
         page AS (
            SELECT s.id, s.message_id, m.thread_id, t.title AS thread_title, m.title,
                   u.name AS author, s.start_ms, s.end_ms, s.text, s.score
            FROM hits s
            JOIN messages m ON m.id = s.message_id
            JOIN threads t ON t.id = m.thread_id
            JOIN thread_viewers tm ON tm.thread_id = m.thread_id AND tm.user_id = $1
            JOIN users u ON u.id = m.author_id
            WHERE ($3::bigint IS NULL OR m.thread_id = $3)
            ORDER BY score DESC, s.message_id, s.start_ms, s.id
            LIMIT $4 OFFSET $5)
         SELECT page.message_id, page.thread_id, page.thread_title, page.title, page.author,
                page.start_ms, page.end_ms, page.score,
                replace(regexp_replace(
                    ts_headline('vidmsg_english',
                        regexp_replace(page.text, '([!-/:-@[-`{-~])', '\\1' || chr(1), 'g'),
                        q.q, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true'),
                    '</mark>(\\s+)<mark>', '\\1', 'g'), chr(1), '') AS snippet
         FROM page, q
         ORDER BY page.score DESC, page.message_id, page.start_ms, page.id",
    )
    .bind(spec.user)
    .bind(spec.query.to_tsquery())
    .bind(spec.thread)
    .bind(i64::from(spec.limit))
    .bind(i64::from(spec.offset))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
