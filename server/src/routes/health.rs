//! Service routes: health, the spec, the signed-in user.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use vidmsg_api::{Health, Limits, Me};

use crate::error::AppResult;
use crate::extract::AuthUser;
use crate::state::AppState;

/// Liveness; needs no token.
#[utoipa::path(get, path = "/api/health", tag = "service", security(()), responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// This OpenAPI document; needs no token.
#[utoipa::path(get, path = "/api/openapi.json", tag = "service", security(()), responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi_json(
    Extension(spec): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json(spec.as_ref().clone())
}

/// The user the token belongs to, with what the server accepts from it: the longest recording
/// (the recorder shows it before recording), the largest video and part, the quota and its use.
#[utoipa::path(get, path = "/api/me", tag = "service", responses((status = 200, body = Me), (status = 401, body = vidmsg_api::ErrorBody)))]
pub async fn me(State(state): State<AppState>, AuthUser(user): AuthUser) -> AppResult<Json<Me>> {
    let used = state.db.stored_bytes(user.id).await?;
    let l = &state.limits;
    Ok(Json(Me {
        user,
        limits: Limits {
            max_recording_secs: u64::try_from(l.max_recording_ms / 1000).unwrap_or(0),
            max_message_bytes: l.max_message_bytes,
            max_part_bytes: l.max_part_bytes,
            quota_bytes: l.user_quota_bytes,
            used_bytes: used,
        },
    }))
}
