//! `/api/threads/{id}/messages` and `/api/messages/{id}`: create, list, get, change (the
//! title), delete.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vidmsg_api::{
    CreateMessage, ErrorBody, Id, Message, MessageKind, MessageStatus, Page, PageQuery,
    UpdateMessage,
};

use super::access::{member_thread, own_message, own_or_admin_message, visible_message};
use super::pagination::{limit, make_cursor, parse_cursor};
use crate::db::{MessageRow, NewMessage, now_ms};
use crate::domain::{Title, VideoType};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::state::AppState;
use crate::storage::Served;
use crate::videos::{janitor, keys, quota};

const MAX_BODY_CHARS: usize = 20_000;

/// The API view of a stored message: presigns a short-lived video URL once the video is
/// assembled (clients fetch the message again for a fresh one).
pub async fn to_api(state: &AppState, row: MessageRow) -> AppResult<Message> {
    let stored =
        row.kind == MessageKind::Video && row.upload_id.is_none() && row.size_bytes.is_some();
    let video_url = match (&row.object_key, stored) {
        (Some(key), true) => {
            let kind = row
                .content_type
                .as_deref()
                .and_then(|t| VideoType::parse(t).ok())
                .unwrap_or(VideoType::Mp4);
            let file_name = format!("vidmsg-{}.{}", row.id, kind.extension());
            let served = Served {
                content_type: kind.as_str(),
                file_name: &file_name,
            };
            Some(
                state
                    .store
                    .presign_playback(key, &served)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?,
            )
        }
        _ => None,
    };
    let transcript_url = ready_link(state, &row, "transcript");
    let captions_url = ready_link(state, &row, "captions.vtt");
    let thumbnail_url = crate::transcribe::poster::thumbnail_url(&state.store, &row).await;
    let summary = crate::transcribe::summary::for_api(&state.db, &row).await?;
    Ok(Message {
        id: row.id,
        thread_id: row.thread_id,
        author: row.author,
        kind: row.kind,
        title: row.title,
        body: row.body,
        parent_id: row.parent_id,
        status: row.status,
        status_reason: row.status_reason,
        progress_percent: row.progress_percent,
        duration_ms: row.duration_ms,
        size_bytes: row.size_bytes,
        content_type: row.content_type,
        video_url_expires_in_s: video_url
            .as_ref()
            .map(|_| state.store.media_url_ttl().as_secs()),
        video_url,
        reply_count: row.reply_count,
        transcript_url,
        captions_url,
        thumbnail_url,
        urgent: row.urgent,
        suggested_title: summary.suggested_title,
        chapters: summary.chapters,
        language: row.language,
        created_at_ms: row.created_at_ms,
        updated_at_ms: row.updated_at_ms,
    })
}

fn ready_link(state: &AppState, row: &MessageRow, what: &str) -> Option<String> {
    (row.kind == MessageKind::Video && row.status == MessageStatus::Ready)
        .then(|| format!("{}/api/messages/{}/{what}", state.public_url, row.id))
}

/// Removes the media of deleted messages (see [`janitor::discard_media`]).
pub async fn discard_media(state: &AppState, rows: &[MessageRow]) {
    janitor::discard_media(&state.store, rows).await;
}

/// Messages of a thread in the order they were posted (replies included; build the tree from
/// `parent_id`).
#[utoipa::path(get, path = "/api/threads/{id}/messages", tag = "messages", params(("id" = Id, Path), PageQuery),
    responses((status = 200, body = Page<Message>), (status = 404, body = ErrorBody)))]
pub async fn list_messages(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(thread): ApiPath<Id>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Page<Message>>> {
    member_thread(&state, &user, thread).await?;
    let limit = limit(&q)?;
    let after = parse_cursor::<1>(q.cursor.as_deref())?.map(|[id]| id);
    let mut rows = state.db.list_messages(thread, after, limit + 1).await?;
    let next_cursor = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|m| make_cursor(&[m.id]))
    } else {
        None
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(to_api(&state, row).await?);
    }
    Ok(Json(Page { items, next_cursor }))
}

/// Posts a message. A text message is `ready` at once; a video message starts a multipart
/// upload and stays `uploading` until `POST /api/messages/{id}/upload/complete`.
#[utoipa::path(post, path = "/api/threads/{id}/messages", tag = "messages", params(("id" = Id, Path)), request_body = CreateMessage,
    responses((status = 201, body = Message), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody), (status = 507, body = ErrorBody)))]
pub async fn create_message(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(thread): ApiPath<Id>,
    ApiJson(body): ApiJson<CreateMessage>,
) -> AppResult<(StatusCode, Json<Message>)> {
    member_thread(&state, &user, thread).await?;
    if let Some(parent) = body.parent_id {
        let p = state.db.message(parent).await?;
        if p.is_none_or(|p| p.thread_id != thread) {
            return Err(AppError::Unprocessable(format!(
                "parent message {parent} is not in thread {thread}"
            )));
        }
    }
    let text = body
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_string);
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_BODY_CHARS)
    {
        return Err(AppError::Unprocessable(format!(
            "body is longer than {MAX_BODY_CHARS} characters"
        )));
    }
    let (status, content_type) = match body.kind {
        MessageKind::Text => {
            if text.is_none() {
                return Err(AppError::Unprocessable(
                    "a text message needs a non-empty body".into(),
                ));
            }
            (MessageStatus::Ready, None)
        }
        MessageKind::Video => {
            let ct = match body.content_type.as_deref() {
                None => VideoType::Mp4,
                Some(t) => VideoType::parse(t)?,
            };
            // A user already over quota hears it before recording, not after.
            let used = state.db.stored_bytes(user.id).await?;
            quota::check_quota(&state.limits, used, 0)?;
            (MessageStatus::Uploading, Some(ct.as_str().to_string()))
        }
    };
    let title = match (&body.title, body.kind, &text) {
        (Some(t), _, _) => Title::parse(t)?.into_inner(),
        (None, MessageKind::Text, Some(t)) => t
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect(),
        _ => "Untitled video".to_string(),
    };
    let new = NewMessage {
        thread_id: thread,
        author_id: user.id,
        kind: body.kind,
        title,
        body: text,
        parent_id: body.parent_id,
        status,
        content_type: content_type.clone(),
        urgent: body.urgent,
        now_ms: now_ms(),
    };
    let id = state.db.insert_message(&new).await?;
    if body.kind == MessageKind::Text {
        // A video notifies once it is uploaded and can be watched.
        crate::notifications::notify_posted(&state, id).await;
    }
    if let Some(ct) = content_type {
        let key = keys::new_video_key(id);
        match state.store.create_multipart(&key, &ct).await {
            Ok(upload_id) => state.db.set_upload(id, &key, &upload_id, now_ms()).await?,
            Err(e) => {
                // Nothing was stored: take the message back so no half-made message remains.
                state.db.delete_message(id).await?;
                return Err(AppError::StorageUnavailable(e.to_string()));
            }
        }
    }
    let row = state
        .db
        .message(id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    Ok((StatusCode::CREATED, Json(to_api(&state, row).await?)))
}

/// One message with its status, duration and a presigned `video_url` (HTTP Range) once uploaded.
#[utoipa::path(get, path = "/api/messages/{id}", tag = "messages", params(("id" = Id, Path)),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody)))]
pub async fn get_message(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Message>> {
    let row = visible_message(&state, &user, id).await?;
    Ok(Json(to_api(&state, row).await?))
}

/// Changes a message: its title (1–300 characters after trimming), say to take the title the
/// server suggested from the transcript. Only its author or an admin may.
#[utoipa::path(patch, path = "/api/messages/{id}", tag = "messages", params(("id" = Id, Path)), request_body = UpdateMessage,
    responses((status = 200, body = Message),
        (status = 403, description = "not the message's author or an admin", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "the title is empty or longer than 300 characters", body = ErrorBody)))]
pub async fn update_message(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<UpdateMessage>,
) -> AppResult<Json<Message>> {
    own_or_admin_message(&state, &user, id).await?;
    if let Some(title) = &body.title {
        let title = Title::parse(title)?;
        state.db.set_title(id, title.as_str(), now_ms()).await?;
    }
    let row = state
        .db
        .message(id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    Ok(Json(to_api(&state, row).await?))
}

/// Deletes a message, its replies, and their media; only the author may.
#[utoipa::path(delete, path = "/api/messages/{id}", tag = "messages", params(("id" = Id, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_message(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<StatusCode> {
    own_message(&state, &user, id).await?;
    let removed = state.db.delete_message(id).await?;
    discard_media(&state, &removed).await;
    Ok(StatusCode::NO_CONTENT)
}
