//! The upload protocol of a video message (the recorder never holds S3 keys):
//! presign part URLs → client `PUT`s parts (≥ 5 MiB but the last) → complete with the ETags.
//! `GET …/upload` lists the parts the store holds, so a client can resume after any crash;
//! `DELETE …/upload` discards the upload and the message.
//!
//! `complete` checks sizes, the user's quota and the length before the store assembles
//! anything, and the assembled file's first bytes after: only MP4 and WebM become messages. A
//! `complete` that finds its upload gone (a crash mid-assembly) reconciles with the store: the
//! assembled video finishes the message; a lost upload is reopened and the client told to send
//! its parts again.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vidmsg_api::{
    CompleteUpload, ErrorBody, Id, Message, MessageStatus, PresignParts, PresignedPart,
    PresignedParts, UploadState,
};

use super::access::own_message;
use super::messages::to_api;
use crate::db::MessageRow;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::state::AppState;
use crate::storage::embedded::INSUFFICIENT_STORAGE;
use crate::storage::{StorageError, normalize_etag};
use crate::videos::quota;
use crate::videos::reconcile::{self, Outcome};

/// S3's minimum size of every part but the last.
pub const MIN_PART_SIZE: i64 = 5 * 1024 * 1024;
/// S3's highest part number.
pub const MAX_PART_NUMBER: i32 = 10_000;
/// Most parts presigned by one request.
pub const MAX_PRESIGN_BATCH: usize = 100;

fn storage_error(e: StorageError) -> AppError {
    match e {
        StorageError::Unavailable(m) => AppError::StorageUnavailable(m),
        StorageError::Rejected {
            ref code,
            ref message,
            ..
        } if code == INSUFFICIENT_STORAGE => AppError::InsufficientStorage(format!(
            "the server's disk is full ({message}); nothing was lost: ask an admin to free \
                 space, then finish the upload again"
        )),
        StorageError::Rejected {
            ref code,
            ref message,
            ..
        } if code == "EntityTooLarge" => AppError::PayloadTooLarge(message.clone()),
        StorageError::Rejected { ref code, .. } if code == "NoSuchUpload" => {
            AppError::Conflict("the upload is no longer open".into())
        }
        StorageError::Rejected {
            ref code,
            ref message,
            ..
        } if matches!(
            code.as_str(),
            "InvalidPart" | "InvalidPartOrder" | "EntityTooSmall" | "InvalidRequest"
        ) =>
        {
            AppError::Unprocessable(format!("the store refused the parts: {code}: {message}"))
        }
        other => AppError::Internal(other.into()),
    }
}

/// The caller's message with an open upload: (row, key, upload id).
async fn open_upload(
    state: &AppState,
    user: &vidmsg_api::User,
    id: Id,
) -> AppResult<(MessageRow, String, String)> {
    let row = own_message(state, user, id).await?;
    match (&row.status, &row.object_key, &row.upload_id) {
        (MessageStatus::Uploading, Some(key), Some(upload)) => {
            let (key, upload) = (key.clone(), upload.clone());
            Ok((row, key, upload))
        }
        _ => Err(AppError::Conflict(format!(
            "message {id} has no open upload (status {})",
            row.status.as_str()
        ))),
    }
}

/// Parts the store already holds, for resuming.
#[utoipa::path(get, path = "/api/messages/{id}/upload", tag = "uploads", params(("id" = Id, Path)),
    responses((status = 200, body = UploadState), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn upload_state(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<UploadState>> {
    let (_, key, upload) = open_upload(&state, &user, id).await?;
    let parts = state
        .store
        .list_parts(&key, &upload)
        .await
        .map_err(storage_error)?;
    Ok(Json(UploadState {
        message_id: id,
        parts,
        min_part_size: MIN_PART_SIZE,
        max_part_number: MAX_PART_NUMBER,
    }))
}

/// Presigned `PUT` URLs for parts.
#[utoipa::path(post, path = "/api/messages/{id}/upload/parts", tag = "uploads", params(("id" = Id, Path)), request_body = PresignParts,
    responses((status = 200, body = PresignedParts), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn presign_parts(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<PresignParts>,
) -> AppResult<Json<PresignedParts>> {
    if body.part_numbers.is_empty() || body.part_numbers.len() > MAX_PRESIGN_BATCH {
        return Err(AppError::Unprocessable(format!(
            "ask for 1-{MAX_PRESIGN_BATCH} part numbers at a time"
        )));
    }
    if let Some(bad) = body
        .part_numbers
        .iter()
        .find(|n| !(1..=MAX_PART_NUMBER).contains(*n))
    {
        return Err(AppError::Unprocessable(format!(
            "part number {bad} is out of range 1-{MAX_PART_NUMBER}"
        )));
    }
    let (_, key, upload) = open_upload(&state, &user, id).await?;
    let expires_in_s = state.store.presign_ttl().as_secs();
    let mut parts = Vec::with_capacity(body.part_numbers.len());
    for &n in &body.part_numbers {
        let url = state
            .store
            .presign_part(&key, &upload, n)
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        parts.push(PresignedPart {
            part_number: n,
            url,
            expires_in_s,
        });
    }
    Ok(Json(PresignedParts { parts }))
}

/// Checks the client's list against what the store holds; the store is never asked to
/// assemble parts that would fail, so a refused complete leaves the upload as it was.
fn check_parts(requested: &CompleteUpload, stored: &[vidmsg_api::UploadedPart]) -> AppResult<()> {
    if requested.parts.is_empty() {
        return Err(AppError::Unprocessable(
            "complete needs at least one part".into(),
        ));
    }
    let n = requested.parts.len();
    for (i, p) in requested.parts.iter().enumerate() {
        let expected = i32::try_from(i + 1).unwrap_or(i32::MAX);
        if p.part_number != expected {
            return Err(AppError::Unprocessable(format!(
                "parts must be numbered 1..={n} in order; found {} at position {}",
                p.part_number,
                i + 1
            )));
        }
        let Some(s) = stored.iter().find(|s| s.part_number == p.part_number) else {
            return Err(AppError::Unprocessable(format!(
                "part {} was never uploaded",
                p.part_number
            )));
        };
        if !s.etag.is_empty() && normalize_etag(&p.etag) != s.etag {
            return Err(AppError::Unprocessable(format!(
                "the etag of part {} does not match the stored part",
                p.part_number
            )));
        }
        if i + 1 < n && s.size < MIN_PART_SIZE {
            return Err(AppError::Unprocessable(format!(
                "part {} has {} bytes; every part but the last needs at least {MIN_PART_SIZE}",
                p.part_number, s.size
            )));
        }
    }
    if let Some(extra) = stored.iter().find(|s| s.part_number as usize > n) {
        return Err(AppError::Unprocessable(format!(
            "the store holds part {} beyond the {n} listed; list every part (or abort)",
            extra.part_number
        )));
    }
    Ok(())
}

/// Assembles the parts into the video: status becomes `processing`.
#[utoipa::path(post, path = "/api/messages/{id}/upload/complete", tag = "uploads", params(("id" = Id, Path)), request_body = CompleteUpload,
    responses((status = 200, body = Message), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody), (status = 507, body = ErrorBody)))]
pub async fn complete_upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<CompleteUpload>,
) -> AppResult<Json<Message>> {
    if body.duration_ms.is_some_and(|d| d < 0) {
        return Err(AppError::Unprocessable(
            "duration_ms must not be negative".into(),
        ));
    }
    quota::check_duration(&state.limits, body.duration_ms)?;
    let (row, key, upload) = open_upload(&state, &user, id).await?;
    let stored = match state.store.list_parts(&key, &upload).await {
        Ok(parts) => parts,
        Err(e) if e.code() == Some("NoSuchUpload") => {
            return after_lost_upload(&state, &row, body.duration_ms).await;
        }
        Err(e) => return Err(storage_error(e)),
    };
    check_parts(&body, &stored)?;
    let total = quota::check_parts(&state.limits, &stored)?;
    let used = state.db.stored_bytes(user.id).await?;
    quota::check_quota(&state.limits, used, total)?;
    let parts: Vec<(i32, String)> = body
        .parts
        .iter()
        .map(|p| (p.part_number, p.etag.clone()))
        .collect();
    match state.store.complete(&key, &upload, &parts).await {
        Ok(()) => {}
        Err(e) if e.code() == Some("NoSuchUpload") => {
            return after_lost_upload(&state, &row, body.duration_ms).await;
        }
        Err(e) => return Err(storage_error(e)),
    }
    let outcome =
        reconcile::finish_assembled(&state.db, &state.store, &row, &key, body.duration_ms)
            .await
            .map_err(reconcile_error)?;
    match outcome {
        Outcome::Finished => crate::notifications::notify_posted(&state, id).await,
        Outcome::Refused(reason) => return Err(AppError::Unprocessable(reason)),
        _ => {
            return Err(AppError::Conflict(format!(
                "message {id} is no longer uploading"
            )));
        }
    }
    tracing::info!(
        message = id,
        size = total,
        parts = parts.len(),
        "upload complete"
    );
    let row = state
        .db
        .message(id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    Ok(Json(to_api(&state, row).await?))
}

fn reconcile_error(e: reconcile::ReconcileError) -> AppError {
    match e {
        reconcile::ReconcileError::Storage(s) => storage_error(s),
        reconcile::ReconcileError::Db(d) => d.into(),
    }
}

/// `complete` found its upload gone: the store either assembled it before a crash (finish the
/// message) or lost it (reopen; the client sends its parts again).
async fn after_lost_upload(
    state: &AppState,
    row: &MessageRow,
    duration_ms: Option<i64>,
) -> AppResult<Json<Message>> {
    let outcome = reconcile::reconcile(&state.db, &state.store, row)
        .await
        .map_err(reconcile_error)?;
    let outcome = match (outcome, &row.object_key) {
        // The listing raced a concurrent complete: the object may be there now.
        (Outcome::StillOpen, _) => {
            return Err(AppError::Conflict(
                "the upload is being completed by another request; try again".into(),
            ));
        }
        (o, _) => o,
    };
    match outcome {
        Outcome::Finished | Outcome::NotUploading => {
            crate::notifications::notify_posted(state, row.id).await;
            if duration_ms.is_some() {
                tracing::debug!(
                    message = row.id,
                    "finished after a lost upload; the worker measures the length"
                );
            }
            let row = state
                .db
                .message(row.id)
                .await?
                .ok_or(AppError::NotFound("message"))?;
            Ok(Json(to_api(state, row).await?))
        }
        Outcome::Reopened => Err(AppError::Conflict(
            "the server lost this upload's parts (it was interrupted while assembling them); \
             send every part again from your local copy, then complete again"
                .into(),
        )),
        Outcome::Refused(reason) => Err(AppError::Unprocessable(reason)),
        Outcome::StillOpen => Err(AppError::Conflict("try again".into())),
    }
}

/// Discards an unfinished upload and its message.
#[utoipa::path(delete, path = "/api/messages/{id}/upload", tag = "uploads", params(("id" = Id, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn abort_upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<StatusCode> {
    let (_, key, upload) = open_upload(&state, &user, id).await?;
    match state.store.abort(&key, &upload).await {
        Ok(()) => {}
        // Already gone (completed or lost in a crash): aborting it is done.
        Err(StorageError::Rejected { code, .. }) if code == "NoSuchUpload" => {}
        Err(e) => return Err(storage_error(e)),
    }
    let removed = state.db.delete_message(id).await?;
    super::messages::discard_media(&state, &removed).await;
    Ok(StatusCode::NO_CONTENT)
}
