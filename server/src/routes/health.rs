//! Service routes: health and the spec.

use std::sync::Arc;

use axum::{Extension, Json};
use vidmsg_api::Health;

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
