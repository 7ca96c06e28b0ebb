//! Search over transcripts: the segments' weighted tsvector (GIN index) matched against a
//! tsquery, ranked with `ts_rank_cd`, limited to the threads the user sees (the
//! `thread_viewers` view: its spaces' threads and its direct ones), by recency tier then
//! relevance, as in SQLite (see [`SearchSpec`]).
//!
//! The query arrives parsed by [`crate::search::syntax`] and is rendered here to `to_tsquery`
//! text built only from quoted letters-and-digits words. `websearch_to_tsquery` is not used: it
//! has no prefix search (`transcri*`), reads `-word` as NOT and a lower-case `or` as OR, so it
//! would not give the user syntax SQLite gives.
//!
//! Languages (migration 0006): each segment's `tsv` is stemmed by its message's language
//! (`vidmsg_ts_config`: a snowball configuration without stop words per language PostgreSQL
//! stems, 'simple' for the others, English for rows without one). The query is stemmed once per
//! language present and the renderings ORed ([`stemmed_query`]), so a French inflection finds
//! French transcripts and English ones match as they always did; with English alone the query
//! is exactly the English one. Snippets are marked with the row's own configuration.
//!
//! Finding the newest matches: a GIN index returns every matching row in physical order, and
//! each must then be read from the table (27,000 rows for a common word at 1 M segments: ~150 ms,
//! most of it in the table's blocks). So `segments` is partitioned by ranges of ids (`id`
//! follows insertion; migration 0005, [`SEGMENT_PARTITION`]) and probed newest first, whole
//! partitions at a time, each through its own small GIN index; the next range is sized from the
//! density of matches found so far, so a common word reads about one tier's rows and a rare
//! word a few cheap index probes. Each probe writes its values inline-planned (unnamed
//! statements) so the planner prunes the partitions outside the range.
//!
//! Phrases: a phrase's words may each be common ("the same") while the phrase is rare, and the
//! `tsv` index cannot tell where words stand; so a query whose every alternative holds a
//! phrase finds its rows through the index of adjacent word pairs (migration 0007,
//! [`super::phrase_pairs`]) and checks only those against `tsv`.

use sqlx::PgPool;
use vidmsg_api::SearchHit;

use super::partitions::SEGMENT_PARTITION;
use super::phrase_pairs;
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
    score: f64,
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
            // ts_rank_cd is higher for better matches, as the API's score.
            score: r.score,
        }
    }
}

pub(super) async fn search(pool: &PgPool, spec: &SearchSpec) -> DbResult<Vec<SearchHit>> {
    let words = spec.query.to_tsquery();
    let phrases = phrase_pairs::phrases(&spec.query);
    let stemmed = stemmed_query(pool, &words, &phrases).await?;
    if stemmed.tsquery.is_empty() {
        return Ok(Vec::new());
    }
    let window = usize::try_from(spec.window()).unwrap_or(usize::MAX);
    let recent = newest_matches(pool, spec, &stemmed, window).await?;
    let page = rank_page(recent, spec);
    if page.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
    let scores: Vec<f64> = page.iter().map(|c| c.score).collect();
    // ts_headline re-parses the text, so it runs for the page's hits only, with the row's own
    // configuration and the query stemmed by it.
    //
    // The snippet: HighlightAll marks every match in the whole segment (SQLite's highlight()
    // returns the whole text too). The parser ts_headline uses would read "3.5" or "x-ray" as
    // one token, where the index (and SQLite) has two words, so a chr(1) is put after each ASCII
    // punctuation mark for the headline and taken out of its result. Marks of words separated
    // by white space only are merged, so a matched phrase reads `<mark>mobile app
    // crashed</mark>`, as SQLite marks it.
    let rows: Vec<HitRow> = sqlx::query_as(
        "WITH page AS (SELECT * FROM UNNEST($1::bigint[], $2::float8[]) WITH ORDINALITY
                       AS p(id, score, ord))
         SELECT s.id AS segment_id, s.message_id, m.thread_id, t.title AS thread_title, m.title,
                u.name AS author, s.start_ms, s.end_ms, page.score,
                replace(regexp_replace(
                    ts_headline(vidmsg_ts_config(s.language),
                        regexp_replace(s.text, '([!-/:-@[-`{-~])', '\\1' || chr(1), 'g'),
                        to_tsquery(vidmsg_ts_config(s.language), $3),
                        'StartSel=<mark>, StopSel=</mark>, HighlightAll=true'),
                    '</mark>(\\s+)<mark>', '\\1', 'g'), chr(1), '') AS snippet
         FROM page
         JOIN segments s ON s.id = page.id
         JOIN messages m ON m.id = s.message_id
         JOIN threads t ON t.id = m.thread_id
         JOIN users u ON u.id = m.author_id
         ORDER BY page.ord",
    )
    .bind(&ids)
    .bind(&scores)
    .bind(&words)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The query stemmed for every language present: the `tsquery` to match and, where the query's
/// phrases allow it, the pair prefilter ([`phrase_pairs`]).
struct Stemmed {
    tsquery: String,
    pairs: Option<String>,
}

/// `to_tsquery` text (`words`) stemmed in the configuration of every language the messages were
/// heard in, and English always (rows from before languages, and "en"), ORed, as the text of a
/// `tsquery` (its lexemes are stemmed already; the probes cast it). The languages present are
/// read from `messages_language` one index probe each (a loose index scan), identical
/// renderings once. Empty when no rendering holds a word. Each configuration also stems the
/// query's `phrases` into their pairs (`vidmsg_word_pairs`, as migration 0007 indexes `tsv`).
async fn stemmed_query(
    pool: &PgPool,
    words: &str,
    phrases: &[(usize, String)],
) -> DbResult<Stemmed> {
    let phrase_texts: Vec<&str> = phrases.iter().map(|(_, p)| p.as_str()).collect();
    let rows: Vec<(String, Vec<String>)> = sqlx::query_as(
        "WITH RECURSIVE langs(language) AS (
            (SELECT language FROM messages WHERE language IS NOT NULL
             ORDER BY language LIMIT 1)
            UNION ALL
            SELECT (SELECT m.language FROM messages m WHERE m.language > l.language
                    ORDER BY m.language LIMIT 1)
            FROM langs l WHERE l.language IS NOT NULL),
         configs AS (
            SELECT DISTINCT vidmsg_ts_config(language) AS cfg
            FROM (SELECT language FROM langs UNION ALL SELECT NULL) x)
         SELECT to_tsquery(cfg, $1)::text,
                ARRAY(SELECT array_to_string(tsvector_to_array(
                                  vidmsg_word_pairs(to_tsvector(cfg, p))), chr(1))
                      FROM unnest($2::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n)
         FROM configs",
    )
    .bind(words)
    .bind(&phrase_texts)
    .fetch_all(pool)
    .await?;
    let mut rendered: Vec<String> = Vec::new();
    let mut stemmed_pairs: Vec<phrase_pairs::StemmedPairs> = Vec::new();
    for (query, pairs) in rows {
        // A configuration that keeps no word of the query matches nothing: its pairs do not
        // matter either.
        if query.trim().is_empty() {
            continue;
        }
        rendered.push(query);
        stemmed_pairs.push(
            pairs
                .iter()
                .map(|p| {
                    p.split('\u{1}')
                        .filter(|l| !l.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .collect(),
        );
    }
    rendered.sort();
    rendered.dedup();
    let tsquery = match rendered.len() {
        0 | 1 => rendered.pop().unwrap_or_default(),
        _ => rendered
            .iter()
            .map(|q| format!("( {q} )"))
            .collect::<Vec<_>>()
            .join(" | "),
    };
    let pairs = if tsquery.is_empty() {
        None
    } else {
        phrase_pairs::prefilter(phrases, &stemmed_pairs)
    };
    Ok(Stemmed { tsquery, pairs })
}

/// A matching segment the user may see, with its relevance.
#[derive(sqlx::FromRow, Debug, Clone)]
struct Candidate {
    id: i64,
    message_id: i64,
    start_ms: i64,
    score: f64,
}

/// The first probe's width in segment ids, as a multiple of the window: a word in more than
/// a quarter of the segments fills the window in one probe.
const FIRST_SPAN_PER_WINDOW: i64 = 4;
/// Up to this many segment ids per window of matches, the whole index is one probe.
const SMALL_PER_WINDOW: i64 = 20;
/// How much the next range grows while nothing is found (a rare word: each probe is a few
/// index pages).
const MAX_GROWTH: i64 = 16;

/// The `window` newest segments the user may see that match, newest first (fewer when there
/// are fewer).
async fn newest_matches(
    pool: &PgPool,
    spec: &SearchSpec,
    stemmed: &Stemmed,
    window: usize,
) -> DbResult<Vec<Candidate>> {
    // Who sees what is read once: the threads' ids, not the view, go into each probe (planning
    // the view's UNION in every probe cost ~10 ms).
    let threads: Vec<i64> = sqlx::query_scalar(
        "SELECT thread_id FROM thread_viewers
         WHERE user_id = $1 AND ($2::bigint IS NULL OR thread_id = $2)",
    )
    .bind(spec.user)
    .bind(spec.thread)
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    let max_id: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM segments")
        .fetch_one(&mut *tx)
        .await?;
    let Some(max_id) = max_id.filter(|_| !threads.is_empty()) else {
        return Ok(Vec::new());
    };
    // The planner may take a plain index scan over the id range for a cheap way to the newest
    // rows, then check the tsquery on every row of the range (128,000 rows: ~300 ms); the GIN
    // bitmap reads only the matching rows. Planning is told so for this transaction only.
    sqlx::query("SET LOCAL enable_indexscan = off")
        .execute(&mut *tx)
        .await?;
    let window_i64 = i64::try_from(window).unwrap_or(i64::MAX);
    let mut found: Vec<Candidate> = Vec::new();
    // Ranges are half-open, `lo <= id < hi`, and start at a partition's first id, so each probe
    // reads whole partitions (the newest one up to its last row) through their own GIN indexes,
    // with no bitmap of ids to AND.
    let align = |id: i64| id.max(0).div_euclid(SEGMENT_PARTITION) * SEGMENT_PARTITION;
    let mut hi = max_id.saturating_add(1);
    let mut span = window_i64.saturating_mul(FIRST_SPAN_PER_WINDOW);
    let (mut scanned, mut matched) = (0_i64, 0_usize);
    // Once the newest ids hold no match at all, the word is rare: the rest is read in one probe
    // whose id bound the planner cannot use as an index (it would AND the GIN bitmap with a
    // bitmap of every id in the range to save reading a few rows). A small index (a team's
    // first months) is read whole in one probe.
    let mut rest = max_id <= window_i64.saturating_mul(SMALL_PER_WINDOW);
    while hi > 0 && found.len() < window {
        let lo = if rest {
            0
        } else {
            align(hi.saturating_sub(span))
        };
        let batch = probe(&mut tx, stemmed, lo, hi, rest, &threads).await?;
        matched += batch.len();
        let mut visible: Vec<Candidate> = batch
            .into_iter()
            .filter(|p| p.visible)
            .map(|p| Candidate {
                id: p.id,
                message_id: p.message_id,
                start_ms: p.start_ms,
                score: p.score,
            })
            .collect();
        visible.truncate(window - found.len());
        found.append(&mut visible);
        scanned += hi - lo;
        hi = lo;
        // Size the next range from the density so far; starting it at a partition's first id
        // is the margin (up to a partition more). While only segments the user does not see
        // match, grow by MAX_GROWTH. A range never shrinks.
        let have = i64::try_from(found.len()).unwrap_or(i64::MAX);
        let missing = window_i64 - have;
        if matched == 0 {
            rest = true;
        } else if have == 0 {
            span = span.saturating_mul(MAX_GROWTH);
        } else {
            let per_match = scanned / have.max(1);
            span = missing.saturating_mul(per_match).max(span);
        }
    }
    tx.commit().await?;
    Ok(found)
}

/// A matching segment in a probed range, and whether the user sees it.
#[derive(sqlx::FromRow)]
struct Probed {
    id: i64,
    message_id: i64,
    start_ms: i64,
    score: f64,
    visible: bool,
}

/// Every segment with an id in `lo <= id < hi` that matches, newest first. `rest`: the range
/// is most of the table and the word is rare, so the id bound is written so that no index
/// serves it (`id + 0`).
async fn probe(
    tx: &mut sqlx::PgConnection,
    stemmed: &Stemmed,
    lo: i64,
    hi: i64,
    rest: bool,
    threads: &[i64],
) -> DbResult<Vec<Probed>> {
    // `ts_rank_cd` normalization 1 divides the rank by 1 + log(length): a word in a short
    // segment ranks above the same word in a long one, as bm25 ranks it in SQLite.
    // `tsquery` is stemmed already, in every language present ([`stemmed_query`]), as the
    // indexed words were (each row by its language; see migration 0006). The matches are
    // materialized before the visibility join, so the planner does not run the GIN scan once
    // per visible message; only the rows the user sees are ranked (ranking is half the cost of
    // a probe). Unnamed statements: each probe is planned for its own range.
    //
    // With a pair prefilter ([`phrase_pairs`]) the pair index finds the rows and `tsv` is
    // checked on those only: `ts_match_vq` is `@@` written so that the planner does not also
    // read the `tsv` index (it would AND both, reading "the" again).
    let matching = if stemmed.pairs.is_some() {
        "vidmsg_word_pairs(s.tsv) @@ $5::tsquery
              AND ts_match_vq(s.tsv, $1::tsquery)"
    } else {
        "s.tsv @@ $1::tsquery"
    };
    let range = if rest {
        "s.id + 0 >= $2 AND s.id + 0 < $3"
    } else {
        "s.id >= $2 AND s.id < $3"
    };
    let sql = format!(
        "WITH matches AS MATERIALIZED (
            SELECT s.id, s.message_id, s.start_ms, s.tsv
            FROM segments s
            WHERE {matching} AND {range})
         SELECT x.id, x.message_id, x.start_ms, m.thread_id = ANY($4) AS visible,
                CASE WHEN m.thread_id = ANY($4)
                     THEN ts_rank_cd(x.tsv, $1::tsquery, 1)::float8
                     ELSE 0 END AS score
         FROM matches x JOIN messages m ON m.id = x.message_id
         ORDER BY x.id DESC"
    );
    // Built from the string constants above only; every value is bound.
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&stemmed.tsquery)
        .bind(lo)
        .bind(hi)
        .bind(threads);
    if let Some(pairs) = &stemmed.pairs {
        query = query.bind(pairs);
    }
    Ok(query.persistent(false).fetch_all(&mut *tx).await?)
}

/// The page: recency tiers of [`SEARCH_TIER`] over the newest-first matches, most relevant
/// first inside a tier, ties by message, time and id (as SQLite orders them).
fn rank_page(recent: Vec<Candidate>, spec: &SearchSpec) -> Vec<Candidate> {
    let tier_len = usize::try_from(SEARCH_TIER).unwrap_or(usize::MAX);
    let mut tiered: Vec<(usize, Candidate)> = recent
        .into_iter()
        .enumerate()
        .map(|(i, c)| (i / tier_len, c))
        .collect();
    tiered.sort_by(|(ta, a), (tb, b)| {
        ta.cmp(tb)
            .then(b.score.total_cmp(&a.score))
            .then(a.message_id.cmp(&b.message_id))
            .then(a.start_ms.cmp(&b.start_ms))
            .then(a.id.cmp(&b.id))
    });
    let offset = usize::try_from(spec.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(spec.limit).unwrap_or(usize::MAX);
    tiered
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, c)| c)
        .collect()
}
