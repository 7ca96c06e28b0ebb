//! `/api/spaces`: list, create, get, join, add and remove members, leave.
//!
//! A space name is stored without its `#`, is unique whatever its case, and uses the characters
//! of user names (1–64 of `[A-Za-z0-9._-]`, starting with a letter or digit). Who may do what is
//! decided in [`super::access`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vidmsg_api::{AddSpaceMember, CreateSpace, ErrorBody, Id, Items, Space};

use super::access::{adds_to_space, manages_space, unknown_user, visible_space};
use crate::db::now_ms;
use crate::domain::UserName;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::state::AppState;

/// A space's name as typed (`#design` or `design`), checked; stored without the `#`.
pub fn space_name(input: &str) -> AppResult<String> {
    let name = input.trim();
    let name = name.strip_prefix('#').unwrap_or(name);
    UserName::parse(name).map_err(|_| {
        AppError::Unprocessable(format!(
            "invalid space name {input:?}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (a leading '#' is dropped)"
        ))
    })?;
    Ok(name.to_string())
}

/// Every public space and the private ones the caller belongs to, by name.
#[utoipa::path(get, path = "/api/spaces", tag = "spaces",
    responses((status = 200, body = Items<Space>), (status = 401, body = ErrorBody)))]
pub async fn list_spaces(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> AppResult<Json<Items<Space>>> {
    let items = state.db.list_spaces(user.id).await?;
    Ok(Json(Items { items }))
}

/// Creates a space with the caller as its creator and first member. 409 if the name is taken.
#[utoipa::path(post, path = "/api/spaces", tag = "spaces", request_body = CreateSpace,
    responses((status = 201, body = Space), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_space(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<CreateSpace>,
) -> AppResult<(StatusCode, Json<Space>)> {
    let name = space_name(&body.name)?;
    let id = state
        .db
        .create_space(&name, body.private, user.id, now_ms())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(visible_space(&state, &user, id).await?),
    ))
}

/// A space the caller can see (private ones are 404 to non-members).
#[utoipa::path(get, path = "/api/spaces/{id}", tag = "spaces", params(("id" = Id, Path)),
    responses((status = 200, body = Space), (status = 404, body = ErrorBody)))]
pub async fn get_space(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
) -> AppResult<Json<Space>> {
    Ok(Json(visible_space(&state, &user, id).await?))
}

/// `{}` joins a public space (a private one: 403, ask its creator or an admin); `{name}` adds
/// someone: members of a public space may, the creator or an admin of a private one.
#[utoipa::path(post, path = "/api/spaces/{id}/members", tag = "spaces", params(("id" = Id, Path)), request_body = AddSpaceMember,
    responses((status = 200, body = Space), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_space_member(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath(id): ApiPath<Id>,
    ApiJson(body): ApiJson<AddSpaceMember>,
) -> AppResult<Json<Space>> {
    let joining = body.name.as_deref().is_none_or(|n| n == user.name);
    if joining {
        // A private space the caller is not in: refused without revealing its name or members.
        match state.db.space(id, user.id).await? {
            None => return Err(AppError::NotFound("space")),
            Some(s) if s.private && !s.joined => {
                return Err(AppError::Forbidden(
                    "this space is private: its creator or an admin can add you".into(),
                ));
            }
            Some(_) => {}
        }
        state.db.add_space_member(id, user.id, now_ms()).await?;
        return Ok(Json(visible_space(&state, &user, id).await?));
    }
    let space = visible_space(&state, &user, id).await?;
    // Before the name is looked up: someone who may not add people learns nothing about names.
    if !adds_to_space(&user, &space) {
        let why = if space.private {
            format!(
                "only {} (who created #{}) or an admin may add people to this private space",
                space.created_by, space.name
            )
        } else {
            format!("join #{} first: its members may add people", space.name)
        };
        return Err(AppError::Forbidden(why));
    }
    let name = body.name.unwrap_or_default();
    let new = state
        .db
        .user_by_name(&name)
        .await?
        .ok_or_else(|| unknown_user(&user, &name))?;
    state.db.add_space_member(id, new.id, now_ms()).await?;
    Ok(Json(visible_space(&state, &user, id).await?))
}

/// Leaves a space (any member; `name` is the caller's own), or removes a member (the space's
/// creator or an admin). Its threads are no longer visible to whoever left.
#[utoipa::path(delete, path = "/api/spaces/{id}/members/{name}", tag = "spaces",
    params(("id" = Id, Path), ("name" = String, Path, description = "user name of the member; your own to leave")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_space_member(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiPath((id, name)): ApiPath<(Id, String)>,
) -> AppResult<StatusCode> {
    let space = visible_space(&state, &user, id).await?;
    let leaving = name == user.name;
    if !leaving && (!space.joined || !manages_space(&user, &space)) {
        return Err(AppError::Forbidden(format!(
            "only {} (who created #{}) or an admin may remove members; you may remove yourself to leave",
            space.created_by, space.name
        )));
    }
    // Unknown names and non-members get the same answer.
    let Some(member) = state.db.user_by_name(&name).await? else {
        return Err(AppError::NotFound("member"));
    };
    if !state.db.remove_space_member(id, member.id).await? {
        return Err(AppError::NotFound("member"));
    }
    Ok(StatusCode::NO_CONTENT)
}
