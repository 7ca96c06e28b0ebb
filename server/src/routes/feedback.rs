//! Timestamped comments, emoji reactions and view records on a video message.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vidmsg_api::{
    Comment, CreateComment, CreateReaction, ErrorBody, Id, MessageKind, Reaction, RecordView, View,
};

use super::access::visible_message;
use crate::db::{MessageRow, now_ms};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::state::AppState;

const MAX_COMMENT_CHARS: usize = 5_000;
const MAX_EMOJI_BYTES: usize = 64;

/// A position must lie inside the video (when its length is known).
fn check_position(msg: &MessageRow, at_ms: i64, field: &str) -> AppResult<()> {
    if msg.kind != MessageKind::Video {
        return Err(AppError::Unprocessable(format!(
            "message {} is not a video",
            msg.id
        )));
    }
    if at_ms < 0 || msg.duration_ms.is_some_and(|d| at_ms > d) {
        return Err(AppError::Unprocessable(format!(
            "{field} {at_ms} is outside the video"
        )));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/messages/{id}/comments", tag = "feedback", params(("id" = Id, Path)),
    responses((status = 200, body = Vec<Comment>), (status = 404, body = ErrorBody)))]
pub async fn list_comments(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Vec<Comment>>> {
    visible_message(&state, &user, id).await?;
    Ok(Json(state.db.list_comments(id).await?))
}

#[utoipa::path(post, path = "/api/messages/{id}/comments", tag = "feedback", params(("id" = Id, Path)), request_body = CreateComment,
    responses((status = 201, body = Comment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_comment(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<CreateComment>,
) -> AppResult<(StatusCode, Json<Comment>)> {
    let msg = visible_message(&state, &user, id).await?;
    check_position(&msg, body.at_ms, "at_ms")?;
    let text = body.body.trim();
    if text.is_empty() || text.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::Unprocessable(format!(
            "a comment needs 1-{MAX_COMMENT_CHARS} characters"
        )));
    }
    let c = state
        .db
        .add_comment(id, user.id, body.at_ms, text, now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[utoipa::path(get, path = "/api/messages/{id}/reactions", tag = "feedback", params(("id" = Id, Path)),
    responses((status = 200, body = Vec<Reaction>), (status = 404, body = ErrorBody)))]
pub async fn list_reactions(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Vec<Reaction>>> {
    visible_message(&state, &user, id).await?;
    Ok(Json(state.db.list_reactions(id).await?))
}

#[utoipa::path(post, path = "/api/messages/{id}/reactions", tag = "feedback", params(("id" = Id, Path)), request_body = CreateReaction,
    responses((status = 201, body = Reaction), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_reaction(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<CreateReaction>,
) -> AppResult<(StatusCode, Json<Reaction>)> {
    let msg = visible_message(&state, &user, id).await?;
    check_position(&msg, body.at_ms, "at_ms")?;
    let emoji = body.emoji.trim();
    if emoji.is_empty() || emoji.len() > MAX_EMOJI_BYTES || emoji.chars().any(char::is_whitespace) {
        return Err(AppError::Unprocessable(
            "emoji must be one short symbol without spaces".into(),
        ));
    }
    let r = state
        .db
        .add_reaction(id, user.id, body.at_ms, emoji, now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Who watched how far.
#[utoipa::path(get, path = "/api/messages/{id}/views", tag = "feedback", params(("id" = Id, Path)),
    responses((status = 200, body = Vec<View>), (status = 404, body = ErrorBody)))]
pub async fn list_views(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Vec<View>>> {
    visible_message(&state, &user, id).await?;
    Ok(Json(state.db.list_views(id).await?))
}

/// Reports how far the caller watched; the furthest position is kept.
#[utoipa::path(post, path = "/api/messages/{id}/views", tag = "feedback", params(("id" = Id, Path)), request_body = RecordView,
    responses((status = 200, body = View), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_view(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<RecordView>,
) -> AppResult<Json<View>> {
    let msg = visible_message(&state, &user, id).await?;
    check_position(&msg, body.watched_ms, "watched_ms")?;
    let view = state
        .db
        .record_view(id, user.id, body.watched_ms, now_ms())
        .await?;
    // Watching it answers its notification.
    state
        .db
        .mark_seen_where(user.id, Some(id), None, state.clock.now_ms())
        .await?;
    Ok(Json(view))
}
