//! Word times of transcript segments (the `segments.words` column, see
//! [`crate::db::word_times`]), for the search hits of a page.

use std::collections::HashMap;

use sqlx::PgPool;
use vidmsg_api::{Id, Word};

use crate::db::{DbResult, word_times};

/// The known word times of these segments, in one query.
pub(super) async fn segment_words(
    pool: &PgPool,
    segments: &[Id],
) -> DbResult<HashMap<Id, Vec<Word>>> {
    if segments.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, words, text, end_ms FROM segments WHERE id = ANY($1::bigint[]) AND words IS NOT NULL",
    )
    .bind(segments)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, words, text, end_ms)| {
            Some((id, word_times::decode(Some(&words), &text, end_ms)?))
        })
        .collect())
}
