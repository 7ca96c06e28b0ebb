//! `/api/users`: the workspace's people, for the apps' pickers (who to send to, who to add).
//! One server is one workspace, so every account is listed to every signed-in user.

use axum::Json;
use axum::extract::State;
use vidmsg_api::{ErrorBody, Items, Person};

use crate::error::AppResult;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Everyone in the workspace, by name. `time_zone` is `null` until people can set one.
#[utoipa::path(get, path = "/api/users", tag = "accounts",
    responses((status = 200, body = Items<Person>), (status = 401, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
) -> AppResult<Json<Items<Person>>> {
    let items = state
        .db
        .list_users()
        .await?
        .into_iter()
        .map(|u| Person {
            id: u.id,
            name: u.name,
            role: u.role,
            time_zone: None,
        })
        .collect();
    Ok(Json(Items { items }))
}
