//! Transcripts, WebVTT captions, re-transcription, and search across every transcript the
//! caller may see.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use vidmsg_api::{
    ErrorBody, Id, Message, MessageKind, MessageStatus, SearchQuery, SearchResults, Transcript,
};

use super::access::{member_thread, own_or_admin_message, visible_message};
use super::messages::to_api;
use super::pagination::{make_cursor, parse_cursor};
use crate::db::{SearchSpec, now_ms};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiPath, ApiQuery, AuthUser};
use crate::state::AppState;
use crate::transcribe::{query, vtt};

/// Timed transcript segments (empty until the message is `ready`).
#[utoipa::path(get, path = "/api/messages/{id}/transcript", tag = "transcripts", params(("id" = Id, Path)),
    responses((status = 200, body = Transcript), (status = 404, body = ErrorBody)))]
pub async fn transcript(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Transcript>> {
    let msg = visible_message(&state, &user, id).await?;
    let segments = state.db.transcript(id).await?;
    Ok(Json(Transcript {
        message_id: id,
        status: msg.status,
        segments,
    }))
}

/// WebVTT captions of a `ready` video message.
#[utoipa::path(get, path = "/api/messages/{id}/captions.vtt", tag = "transcripts", params(("id" = Id, Path)),
    responses((status = 200, content_type = "text/vtt", body = String), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn captions(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<impl IntoResponse> {
    let msg = visible_message(&state, &user, id).await?;
    if msg.kind != MessageKind::Video {
        return Err(AppError::NotFound("captions"));
    }
    if msg.status != MessageStatus::Ready {
        return Err(AppError::Conflict(format!(
            "message {id} is {}; captions come once it is ready",
            msg.status.as_str()
        )));
    }
    let segments = state.db.transcript(id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/vtt; charset=utf-8")],
        vtt::render(&segments),
    ))
}

/// Transcribes a video message again (after a failure, or with a better model); its author or
/// an admin may.
#[utoipa::path(post, path = "/api/messages/{id}/transcribe", tag = "transcripts", params(("id" = Id, Path)),
    responses((status = 200, body = Message), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retranscribe(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Message>> {
    let msg = own_or_admin_message(&state, &user, id).await?;
    if !matches!(msg.status, MessageStatus::Ready | MessageStatus::Failed) {
        return Err(AppError::Conflict(format!(
            "message {id} is {}",
            msg.status.as_str()
        )));
    }
    if !state.db.requeue(id, now_ms()).await? {
        return Err(AppError::Conflict(format!(
            "message {id} has no stored video"
        )));
    }
    let row = state
        .db
        .message(id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    Ok(Json(to_api(&state, row).await?))
}

const DEFAULT_SEARCH_LIMIT: u32 = 20;
const MAX_SEARCH_LIMIT: u32 = 100;

/// Searches every transcript in the caller's threads: words (all must match), `"phrases"`,
/// `prefix*`, `OR`. Hits are transcript segments, most relevant first.
#[utoipa::path(get, path = "/api/search", tag = "transcripts", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<SearchResults>> {
    let fts_query = query::to_fts(&q.q)
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
        fts_query,
        user: user.id,
        thread: q.thread,
        limit: limit + 1,
        offset,
    };
    let mut hits = state.db.search(&spec).await?;
    let next_cursor = (hits.len() > limit as usize)
        .then(|| make_cursor(&[i64::from(offset).saturating_add(i64::from(limit))]));
    hits.truncate(limit as usize);
    Ok(Json(SearchResults { hits, next_cursor }))
}
