//! `/api/threads`: list, create, get, delete, add members.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vidmsg_api::{AddMember, CreateThread, ErrorBody, Id, Page, PageQuery, Thread};

use super::access::member_thread;
use super::pagination::{limit, make_cursor, parse_cursor};
use crate::db::{ThreadCursor, now_ms};
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::state::AppState;

const MAX_TITLE: usize = 300;

pub fn check_title(title: &str) -> AppResult<String> {
    let t = title.trim();
    if t.is_empty() {
        return Err(AppError::Unprocessable("title must not be empty".into()));
    }
    if t.chars().count() > MAX_TITLE {
        return Err(AppError::Unprocessable(format!(
            "title is longer than {MAX_TITLE} characters"
        )));
    }
    Ok(t.to_string())
}

/// Threads the caller is a member of, newest activity first.
#[utoipa::path(get, path = "/api/threads", tag = "threads", params(PageQuery),
    responses((status = 200, body = Page<Thread>), (status = 401, body = ErrorBody)))]
pub async fn list_threads(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Page<Thread>>> {
    let limit = limit(&q)?;
    let after = parse_cursor::<2>(q.cursor.as_deref())?
        .map(|[updated_at_ms, id]| ThreadCursor { updated_at_ms, id });
    let mut items = state.db.list_threads(user.id, after, limit + 1).await?;
    let unread = state.db.unread_counts(user.id).await?;
    for t in &mut items {
        t.unread_count = unread.get(&t.id).copied().unwrap_or(0);
    }
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|t| make_cursor(&[t.updated_at_ms, t.id]))
    } else {
        None
    };
    Ok(Json(Page { items, next_cursor }))
}

/// Creates a thread; the caller and the named users become members.
#[utoipa::path(post, path = "/api/threads", tag = "threads", request_body = CreateThread,
    responses((status = 201, body = Thread), (status = 422, body = ErrorBody)))]
pub async fn create_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<CreateThread>,
) -> AppResult<(StatusCode, Json<Thread>)> {
    let title = check_title(&body.title)?;
    let mut members = Vec::new();
    for name in &body.members {
        let m = state
            .db
            .user_by_name(name)
            .await?
            .ok_or_else(|| AppError::Unprocessable(format!("no user named {name:?}")))?;
        members.push(m.id);
    }
    let id = state
        .db
        .create_thread(&title, user.id, &members, now_ms())
        .await?;
    let thread = state
        .db
        .thread(id)
        .await?
        .ok_or(AppError::NotFound("thread"))?;
    Ok((StatusCode::CREATED, Json(thread)))
}

#[utoipa::path(get, path = "/api/threads/{id}", tag = "threads", params(("id" = Id, Path)),
    responses((status = 200, body = Thread), (status = 404, body = ErrorBody)))]
pub async fn get_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Thread>> {
    let mut thread = member_thread(&state, &user, id).await?;
    thread.unread_count = state
        .db
        .unread_counts(user.id)
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(Json(thread))
}

/// Marks everything in the thread up to now as read by the caller.
#[utoipa::path(post, path = "/api/threads/{id}/read", tag = "threads", params(("id" = Id, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<StatusCode> {
    member_thread(&state, &user, id).await?;
    state.db.mark_read(id, user.id, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a thread with its messages and their media; only its creator may.
#[utoipa::path(delete, path = "/api/threads/{id}", tag = "threads", params(("id" = Id, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<StatusCode> {
    let thread = member_thread(&state, &user, id).await?;
    if thread.created_by != user.name {
        return Err(AppError::Forbidden(
            "only the creator may delete a thread".into(),
        ));
    }
    let media = state.db.thread_media(id).await?;
    state.db.delete_thread(id).await?;
    super::messages::discard_media(&state, &media).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a user to a thread; any member may.
#[utoipa::path(post, path = "/api/threads/{id}/members", tag = "threads", params(("id" = Id, Path)), request_body = AddMember,
    responses((status = 200, body = Thread), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<AddMember>,
) -> AppResult<Json<Thread>> {
    member_thread(&state, &user, id).await?;
    let new = state
        .db
        .user_by_name(&body.name)
        .await?
        .ok_or_else(|| AppError::Unprocessable(format!("no user named {:?}", body.name)))?;
    state.db.add_member(id, new.id, now_ms()).await?;
    Ok(Json(member_thread(&state, &user, id).await?))
}
