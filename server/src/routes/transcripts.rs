//! Transcripts, WebVTT captions and re-transcription of a message (search lives in
//! [`crate::search`]).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use vidmsg_api::{ErrorBody, Id, Message, MessageKind, MessageStatus, Transcript};

use super::access::{own_or_admin_message, visible_message};
use super::messages::to_api;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiPath, AuthUser};
use crate::state::AppState;
use crate::transcribe::vtt;

/// Timed transcript segments (empty until the message is `ready`), and whether its author or an
/// admin edited them (`edited`, `edited_at_ms`, `edited_by`).
#[utoipa::path(get, path = "/api/messages/{id}/transcript", tag = "transcripts", params(("id" = Id, Path)),
    responses((status = 200, body = Transcript), (status = 404, body = ErrorBody)))]
pub async fn transcript(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Transcript>> {
    let msg = visible_message(&state, &user, id).await?;
    Ok(Json(
        super::transcript_edits::transcript_of(&state, &msg).await?,
    ))
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
/// an admin may. Hand edits of its transcript are dropped: the new machine transcript replaces
/// them.
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
    // A new machine transcript replaces an edited one and its machine copy alike.
    super::transcript_edits::drop_edits(&state, &msg).await?;
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
