//! `GET /api/notifications` and `POST /api/notifications/seen`.

use axum::Json;
use axum::extract::State;
use vidmsg_api::{ErrorBody, MarkSeen, Notifications};

use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, AuthUser};
use crate::state::AppState;

/// How many notifications the list shows.
const LIST_LIMIT: u32 = 100;

/// The caller's newest notifications, delivered or still held for their quiet hours, and how
/// many delivered ones are unseen (the badge).
#[utoipa::path(get, path = "/api/notifications", tag = "notifications",
    responses((status = 200, body = Notifications), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
) -> AppResult<Json<Notifications>> {
    Ok(Json(of(&state, user.id).await?))
}

/// Marks delivered notifications seen: `ids`, or all when `ids` is empty. Ids that are not the
/// caller's are ignored. Opening a message (a view) or reading its thread does this too.
#[utoipa::path(post, path = "/api/notifications/seen", tag = "notifications", request_body = MarkSeen,
    responses((status = 200, body = Notifications), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn mark_seen(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<MarkSeen>,
) -> AppResult<Json<Notifications>> {
    if body.ids.len() > LIST_LIMIT as usize {
        return Err(AppError::Unprocessable(format!(
            "mark at most {LIST_LIMIT} notifications at once, or send no ids to mark all"
        )));
    }
    let now = state.clock.now_ms();
    state
        .db
        .mark_notifications_seen(user.id, &body.ids, now)
        .await?;
    Ok(Json(of(&state, user.id).await?))
}

async fn of(state: &AppState, user: vidmsg_api::Id) -> AppResult<Notifications> {
    let now = state.clock.now_ms();
    Ok(Notifications {
        items: state.db.notifications(user, now, LIST_LIMIT).await?,
        unseen: state.db.unseen_notifications(user, now).await?,
    })
}
