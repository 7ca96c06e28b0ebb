//! `/api/threads`: list, create, get, delete, add and remove members, leave.
//!
//! A thread goes to a space or to people. The people of a direct thread are managed by its
//! creator and admins; any of them may leave; the creator cannot be removed (and deletes the
//! thread instead of leaving it). Who sees a space's thread follows the space (409 here).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vidmsg_api::{AddMember, ErrorBody, Id, NewThread, Page, PageQuery, Thread, ThreadVisibility};

use super::access::{manages_members, member_thread, unknown_user, visible_space};
use super::pagination::{limit, make_cursor, parse_cursor};
use crate::db::{ThreadCursor, now_ms};
use crate::domain::Title;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::state::AppState;

/// Threads the caller sees (its spaces' and its direct ones), newest activity first.
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

/// Creates a thread posted to a space (`space_id`: the caller must be a member; every member
/// sees it, later ones too) or to people (`people`, or `members` as older clients send it: they
/// and the caller see it).
#[utoipa::path(post, path = "/api/threads", tag = "threads", request_body = NewThread,
    responses((status = 201, body = Thread), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<NewThread>,
) -> AppResult<(StatusCode, Json<Thread>)> {
    let title = Title::parse(&body.title)?.into_inner();
    if body.space_id.is_some() && !body.people.is_empty() {
        return Err(AppError::Unprocessable(
            "post a thread either to a space (space_id) or to people (people), not both".into(),
        ));
    }
    let mut people = Vec::new();
    if let Some(space_id) = body.space_id {
        let space = visible_space(&state, &user, space_id).await?;
        if !space.joined {
            return Err(AppError::Forbidden(format!(
                "join #{} before posting to it",
                space.name
            )));
        }
    } else {
        for name in &body.people {
            let m = state
                .db
                .user_by_name(name)
                .await?
                .ok_or_else(|| unknown_user(&user, name))?;
            people.push(m.id);
        }
    }
    let id = state
        .db
        .create_thread(&title, user.id, body.space_id, &people, now_ms())
        .await?;
    let thread = state
        .db
        .thread(id)
        .await?
        .ok_or(AppError::NotFound("thread"))?;
    Ok((StatusCode::CREATED, Json(thread)))
}

/// 409 for managing the people of a thread posted to a space: who sees it is who is in the
/// space.
fn refuse_if_space_thread(thread: &Thread) -> AppResult<()> {
    if thread.visibility == ThreadVisibility::Space {
        let space = thread.space.as_deref().unwrap_or("its space");
        return Err(AppError::Conflict(format!(
            "this thread is posted to #{space}: everyone in #{space} sees it; add or remove people in the space instead"
        )));
    }
    Ok(())
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
    // Reading the thread answers its notifications (held ones too: no need to interrupt later).
    state
        .db
        .mark_seen_where(user.id, None, Some(id), state.clock.now_ms())
        .await?;
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

/// Adds a user to a thread; its creator or an admin may.
#[utoipa::path(post, path = "/api/threads/{id}/members", tag = "threads", params(("id" = Id, Path)), request_body = AddMember,
    responses((status = 200, body = Thread), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "The thread is posted to a space: add people to the space instead", body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<AddMember>,
) -> AppResult<Json<Thread>> {
    let thread = member_thread(&state, &user, id).await?;
    refuse_if_space_thread(&thread)?;
    // Before the name is looked up: a member who may not add people learns nothing about names.
    if !manages_members(&user, &thread) {
        return Err(AppError::Forbidden(format!(
            "only {} (who created this thread) or an admin may add members: ask them",
            thread.created_by
        )));
    }
    let new = state
        .db
        .user_by_name(&body.name)
        .await?
        .ok_or_else(|| unknown_user(&user, &body.name))?;
    state.db.add_member(id, new.id, now_ms()).await?;
    Ok(Json(member_thread(&state, &user, id).await?))
}

/// Removes a member from a thread (its creator or an admin may), or leaves it (any member may
/// remove themselves). The creator cannot be removed.
#[utoipa::path(delete, path = "/api/threads/{id}/members/{name}", tag = "threads",
    params(("id" = Id, Path), ("name" = String, Path, description = "user name of the member; your own to leave")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((id, name)): ApiPath<(Id, String)>,
) -> AppResult<StatusCode> {
    let thread = member_thread(&state, &user, id).await?;
    refuse_if_space_thread(&thread)?;
    let leaving = name == user.name;
    if leaving && thread.created_by == user.name {
        return Err(AppError::Conflict(
            "you created this thread, so you cannot leave it: delete it instead".into(),
        ));
    }
    if !leaving && !manages_members(&user, &thread) {
        return Err(AppError::Forbidden(format!(
            "only {} (who created this thread) or an admin may remove members; you may remove yourself to leave",
            thread.created_by
        )));
    }
    if name == thread.created_by {
        return Err(AppError::Forbidden(format!(
            "{name} created this thread and cannot be removed from it"
        )));
    }
    // Unknown names and non-members get the same answer: members are listed in the thread
    // anyway, and other accounts stay unnamed.
    let Some(member) = state.db.user_by_name(&name).await? else {
        return Err(AppError::NotFound("member"));
    };
    if !state.db.remove_member(id, member.id).await? {
        return Err(AppError::NotFound("member"));
    }
    Ok(StatusCode::NO_CONTENT)
}
