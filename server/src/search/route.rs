//! `GET /api/search`: the caller's query, parsed, run over the transcripts of every thread
//! the caller belongs to (or one of them), a page at a time.

use axum::Json;
use axum::extract::State;
use vidmsg_api::{ErrorBody, SearchQuery, SearchResults};

use super::{syntax, word_hit};
use crate::db::SearchSpec;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiQuery, AuthUser};
use crate::routes::access::member_thread;
use crate::routes::pagination::{make_cursor, parse_cursor};
use crate::state::AppState;

const DEFAULT_SEARCH_LIMIT: u32 = 20;
const MAX_SEARCH_LIMIT: u32 = 100;

/// Searches every transcript in the caller's threads: words (all must match), `"phrases"`,
/// `prefix*`, `OR`. Hits are transcript segments, most relevant first; a hit's `start_ms` is
/// when its first matched word was said (the segment's start for transcripts without word times).
#[utoipa::path(get, path = "/api/search", tag = "transcripts", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<SearchResults>> {
    let query = syntax::parse(&q.q)
        .ok_or_else(|| AppError::BadRequest("the search has no words".into()))?;
    let limit = match q.limit {
        None => DEFAULT_SEARCH_LIMIT,
        Some(l) if (1..=MAX_SEARCH_LIMIT).contains(&l) => l,
        Some(l) => {
            return Err(AppError::BadRequest(format!(
                "limit must be 1-{MAX_SEARCH_LIMIT}, got {l}"
            )));
        }
    };
    if let Some(t) = q.thread {
        member_thread(&state, &user, t).await?;
    }
    let offset = parse_cursor::<1>(q.cursor.as_deref())?.map_or(0, |[o]| o);
    let offset =
        u32::try_from(offset).map_err(|_| AppError::BadRequest("invalid cursor".into()))?;
    let spec = SearchSpec {
        query,
        user: user.id,
        thread: q.thread,
        limit: limit + 1,
        offset,
    };
    let mut hits = state.db.search(&spec).await?;
    let next_cursor = (hits.len() > limit as usize)
        .then(|| make_cursor(&[i64::from(offset).saturating_add(i64::from(limit))]));
    hits.truncate(limit as usize);
    word_hit::point_at_words(&state.db, &mut hits).await?;
    Ok(Json(SearchResults { hits, next_cursor }))
}
