//! `GET/PUT /api/threads/{id}/link`: a thread's share link.

use axum::Json;
use axum::extract::State;
use vidmsg_api::{ErrorBody, Id, SetThreadLink, ThreadLink};

use crate::db::{LinkRow, now_ms};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::passwords;
use crate::routes::access::{manages_members, member_thread};
use crate::state::AppState;

/// The thread's share link: whether it is on, its URL, password and expiry. Any viewer of the
/// thread may read it (to copy the URL).
#[utoipa::path(get, path = "/api/threads/{id}/link", tag = "threads", params(("id" = Id, Path)),
    responses((status = 200, body = ThreadLink), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_link(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<ThreadLink>> {
    member_thread(&state, &user, id).await?;
    Ok(Json(link_of(&state, id).await?))
}

/// Shares the thread with anyone who has the link (watch and read, never post), optionally
/// behind a password and until an expiry; `enabled: false` revokes it at once. Each change makes
/// a new key: URLs shared before stop working. Only the thread's creator or an admin may.
#[utoipa::path(put, path = "/api/threads/{id}/link", tag = "threads", params(("id" = Id, Path)), request_body = SetThreadLink,
    responses((status = 200, body = ThreadLink), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_link(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<SetThreadLink>,
) -> AppResult<Json<ThreadLink>> {
    let thread = member_thread(&state, &user, id).await?;
    if !manages_members(&user, &thread) {
        return Err(AppError::Forbidden(
            "only the thread's creator or an admin may share it by link".into(),
        ));
    }
    let now = now_ms();
    if !body.enabled {
        state.db.delete_thread_link(id).await?;
        tracing::info!(thread = id, by = %user.name, "share link revoked");
        return Ok(Json(link_of(&state, id).await?));
    }
    if let Some(t) = body.expires_at
        && t <= now
    {
        return Err(AppError::Unprocessable(format!(
            "expires_at ({t}) is not in the future: give a time in milliseconds since 1970 after now ({now}), or leave it out"
        )));
    }
    let password_hash = match body.password.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(passwords::hash(p).map_err(|e| match e {
            passwords::PasswordError::Hash(_) => AppError::Internal(e.into()),
            other => AppError::Unprocessable(format!("link password: {other}")),
        })?),
    };
    state
        .db
        .set_thread_link(&LinkRow {
            thread_id: id,
            key: super::new_key(),
            password_hash,
            expires_at_ms: body.expires_at,
            created_by: user.id,
            created_at_ms: now,
        })
        .await?;
    tracing::info!(thread = id, by = %user.name, "share link enabled");
    Ok(Json(link_of(&state, id).await?))
}

async fn link_of(state: &AppState, thread: Id) -> AppResult<ThreadLink> {
    let link = state.db.thread_link(thread).await?;
    let first = state.db.first_message(thread).await?;
    Ok(super::to_api(
        link.as_ref(),
        &state.public_url,
        first,
        now_ms(),
    ))
}
