//! `/api/me`: the signed-in user, what the server accepts from it, and its hours (time zone and
//! quiet hours), which it may change.

use axum::Json;
use axum::extract::State;
use vidmsg_api::{ErrorBody, Limits, Me, UpdateMe};

use crate::error::AppResult;
use crate::extract::{ApiJson, AuthUser};
use crate::notifications::hours::PersonHours;
use crate::state::AppState;

/// The user the token belongs to, with what the server accepts from it: the longest recording
/// (the recorder shows it before recording), the largest video and part, the quota and its use;
/// and its time zone and quiet hours.
#[utoipa::path(get, path = "/api/me", tag = "service", responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, AuthUser(user): AuthUser) -> AppResult<Json<Me>> {
    Ok(Json(me_of(&state, user).await?))
}

/// Sets the caller's time zone (an IANA name) and quiet hours (`HH:MM` local times; an end
/// before the start spans midnight). A field left out stays; `null` clears it. Quiet hours need
/// a time zone (422 otherwise). Normal messages to someone in their quiet hours notify when they
/// end; urgent ones at once.
#[utoipa::path(patch, path = "/api/me", tag = "service", request_body = UpdateMe,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<UpdateMe>,
) -> AppResult<Json<Me>> {
    let now = PersonHours::from_stored(&state.db.hours(user.id).await?);
    let time_zone = match body.time_zone {
        Some(tz) => tz,
        None => now.time_zone(),
    };
    let quiet = match body.quiet_hours {
        Some(q) => q,
        None => now.quiet_hours(),
    };
    let hours = PersonHours::parse(time_zone.as_deref(), quiet.as_ref())?;
    state.db.set_hours(user.id, &hours.to_stored()).await?;
    Ok(Json(me_of(&state, user).await?))
}

async fn me_of(state: &AppState, user: vidmsg_api::User) -> AppResult<Me> {
    let used = state.db.stored_bytes(user.id).await?;
    let hours = PersonHours::from_stored(&state.db.hours(user.id).await?);
    let l = &state.limits;
    Ok(Me {
        user,
        limits: Limits {
            max_recording_secs: u64::try_from(l.max_recording_ms / 1000).unwrap_or(0),
            max_message_bytes: l.max_message_bytes,
            max_part_bytes: l.max_part_bytes,
            quota_bytes: l.user_quota_bytes,
            used_bytes: used,
        },
        time_zone: hours.time_zone(),
        quiet_hours: hours.quiet_hours(),
    })
}
