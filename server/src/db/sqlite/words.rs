//! Word times of transcript segments (the `segments.words` column, see
//! [`crate::db::word_times`]), for the search hits of a page.

use std::collections::HashMap;

use sqlx::SqlitePool;
use vidmsg_api::{Id, Word};

use crate::db::{DbResult, word_times};

/// The known word times of these segments, in one query (ids travel as one JSON array).
pub(super) async fn segment_words(
    pool: &SqlitePool,
    segments: &[Id],
) -> DbResult<HashMap<Id, Vec<Word>>> {
    if segments.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = serde_json::to_string(segments).unwrap_or_else(|_| "[]".into());
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, words, text, end_ms FROM segments
         WHERE id IN (SELECT value FROM json_each(?)) AND words IS NOT NULL",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, words, text, end_ms)| {
            Some((id, word_times::decode(Some(&words), &text, end_ms)?))
        })
        .collect())
}
