//! Fixing a wrong word: the message's author (or an admin) replaces the transcript's text
//! (`PUT /api/messages/{id}/transcript`) and can bring the machine transcript back
//! (`POST /api/messages/{id}/transcript/restore`). The database keeps the machine transcript
//! beside the edited one; search and the captions (served from the database) follow at once,
//! the captions file beside the clip is written again, and the message's change time moves so
//! the event feed tells open players to reload. A new transcription (`POST …/transcribe`)
//! replaces both: the edits are dropped with the machine copy, since a new machine transcript
//! was asked for.

use axum::Json;
use axum::extract::State;
use vidmsg_api::{EditTranscript, ErrorBody, Id, MessageKind, MessageStatus, Transcript};

use super::access::own_or_admin_message;
use crate::db::{MessageRow, now_ms};
use crate::domain::{EditRefusal, EditedTranscript};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::state::AppState;
use crate::transcribe::{captions_key, vtt};

/// The transcript as `GET …/transcript` answers it: segments, and who edited it when.
pub(super) async fn transcript_of(state: &AppState, msg: &MessageRow) -> AppResult<Transcript> {
    let segments = state.db.transcript(msg.id).await?;
    let edit = state.db.transcript_edit(msg.id).await?;
    Ok(Transcript {
        message_id: msg.id,
        status: msg.status,
        segments,
        edited: edit.is_some(),
        edited_at_ms: edit.as_ref().map(|e| e.edited_at_ms),
        edited_by: edit.map(|e| e.edited_by),
    })
}

/// The author's (or an admin's) video message whose transcript may change now.
async fn editable(state: &AppState, user: &vidmsg_api::User, id: Id) -> AppResult<MessageRow> {
    let msg = own_or_admin_message(state, user, id).await?;
    if msg.kind != MessageKind::Video {
        return Err(AppError::Unprocessable(format!(
            "message {id} is not a video; only a video has a transcript"
        )));
    }
    if msg.status != MessageStatus::Ready {
        return Err(AppError::Conflict(format!(
            "message {id} is {}; its transcript can be edited once it is ready",
            msg.status.as_str()
        )));
    }
    Ok(msg)
}

/// Writes the captions file beside the clip again from the stored transcript. The API and the
/// share page serve captions from the database, so a store that fails here changes nothing they
/// show; the file (kept for backups and readers of the bucket) catches up on the next edit.
async fn rewrite_captions(state: &AppState, msg: &MessageRow) {
    let Some(key) = &msg.object_key else { return };
    let segments = match state.db.transcript(msg.id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(message = msg.id, error = %e, "reading the edited transcript for its captions file");
            return;
        }
    };
    if let Err(e) = state
        .store
        .put(
            &captions_key(key),
            vtt::render(&segments).into_bytes(),
            "text/vtt; charset=utf-8",
        )
        .await
    {
        tracing::warn!(message = msg.id, error = %e, "writing the edited captions beside the clip");
    }
}

/// Replaces the transcript's text (and, if need be, its times) with the author's corrections.
/// The body is the whole transcript as it should read: at most 5,000 segments in order, not
/// overlapping, inside the clip, each with 1-1,000 characters of text (trimmed) and no control
/// characters; times the stored transcript already has are always accepted. A segment whose
/// text is unchanged keeps its word times. The machine transcript is kept (restore brings it
/// back). Only the message's author or an admin may.
#[utoipa::path(put, path = "/api/messages/{id}/transcript", tag = "transcripts", params(("id" = Id, Path)),
    request_body = EditTranscript,
    responses((status = 200, description = "the edited transcript (`edited`: true)", body = Transcript),
              (status = 400, description = "malformed JSON", body = ErrorBody),
              (status = 403, description = "not the message's author or an admin", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "the message is not ready (being transcribed, or failed)", body = ErrorBody),
              (status = 413, description = "more than 5,000 segments, or a body over the size limit", body = ErrorBody),
              (status = 422, description = "a segment is empty, too long, holds control characters, lies outside the clip, ends before it starts, or overlaps the one before; or the message is not a video", body = ErrorBody)))]
pub async fn edit_transcript(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<EditTranscript>,
) -> AppResult<Json<Transcript>> {
    let msg = editable(&state, &user, id).await?;
    let stored: Vec<(i64, i64)> = state
        .db
        .transcript(id)
        .await?
        .iter()
        .map(|s| (s.start_ms, s.end_ms))
        .collect();
    let edited =
        EditedTranscript::parse(body.segments, msg.duration_ms, &stored).map_err(|e| match e {
            EditRefusal::TooLarge(m) => AppError::PayloadTooLarge(m),
            EditRefusal::Invalid(m) => AppError::Unprocessable(m),
        })?;
    state
        .db
        .edit_transcript(id, user.id, edited.segments(), now_ms())
        .await?;
    // The suggested title and the chapters are made from the text: they follow it.
    crate::transcribe::summary::refresh(&state.db, id).await?;
    rewrite_captions(&state, &msg).await;
    Ok(Json(transcript_of(&state, &msg).await?))
}

/// Puts the machine transcript back (the edits are forgotten); answers the transcript as it is
/// then. A transcript that was never edited is answered as it is. Only the message's author or
/// an admin may.
#[utoipa::path(post, path = "/api/messages/{id}/transcript/restore", tag = "transcripts", params(("id" = Id, Path)),
    responses((status = 200, description = "the machine transcript (`edited`: false)", body = Transcript),
              (status = 403, description = "not the message's author or an admin", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "the message is not ready (being transcribed, or failed)", body = ErrorBody),
              (status = 422, description = "the message is not a video", body = ErrorBody)))]
pub async fn restore_transcript(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Transcript>> {
    let msg = editable(&state, &user, id).await?;
    if state.db.restore_transcript(id, now_ms()).await? {
        crate::transcribe::summary::refresh(&state.db, id).await?;
        rewrite_captions(&state, &msg).await;
    }
    Ok(Json(transcript_of(&state, &msg).await?))
}

/// Before a new transcription: the edits go with the machine copy (the new machine transcript
/// replaces both), so a transcription that then fails leaves the machine text, not the edits.
pub(super) async fn drop_edits(state: &AppState, msg: &MessageRow) -> AppResult<()> {
    if msg.status == MessageStatus::Ready {
        state.db.restore_transcript(msg.id, now_ms()).await?;
    }
    Ok(())
}
