//! `/api/users`: the workspace's people, for the apps' pickers (who to send to, who to add) and
//! thread headers ("ana · 18:40, quiet hours"). One server is one workspace, so every account is
//! listed to every signed-in user.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use vidmsg_api::{ErrorBody, Items, Person};

use crate::error::AppResult;
use crate::extract::AuthUser;
use crate::notifications::hours::PersonHours;
use crate::state::AppState;

/// Everyone in the workspace, by name, with their time zone, local time and quiet hours (when
/// they set them).
#[utoipa::path(get, path = "/api/users", tag = "accounts",
    responses((status = 200, body = Items<Person>), (status = 401, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
) -> AppResult<Json<Items<Person>>> {
    let mut hours: HashMap<_, _> = state.db.all_hours().await?.into_iter().collect();
    let now = state.clock.now_ms();
    let items = state
        .db
        .list_users()
        .await?
        .into_iter()
        .map(|u| {
            let h = hours
                .remove(&u.id)
                .map(|h| PersonHours::from_stored(&h))
                .unwrap_or_default();
            Person {
                id: u.id,
                name: u.name,
                role: u.role,
                time_zone: h.time_zone(),
                local_time: h.local_time(now),
                quiet_hours: h.quiet_hours(),
                in_quiet_hours: h.is_quiet(now),
            }
        })
        .collect();
    Ok(Json(Items { items }))
}
