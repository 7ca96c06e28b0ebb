//! Service routes: health and the spec.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use vidmsg_api::{Health, HealthCheck};

use crate::state::AppState;

/// How long each dependency may take before the check counts it as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// Health of this server and what it depends on: the database answers, the store's bucket is
/// reachable, and how deep the transcription queue is. 503 when the database or the store did
/// not answer (a load balancer then sends requests to another server); needs no token.
#[utoipa::path(get, path = "/api/health", tag = "service", security(()), responses(
    (status = 200, body = Health, description = "The database and the store answer"),
    (status = 503, body = Health, description = "The database or the store does not answer"),
))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let (database, store) = tokio::join!(
        timed("database", state.db.ping()),
        timed("store", state.store.check())
    );
    let queue = if database.ok {
        state.db.queue_depth().await.ok()
    } else {
        None
    };
    let ok = database.ok && store.ok;
    let code = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let health = Health {
        status: if ok { "ok" } else { "unavailable" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: Some(database),
        store: Some(store),
        queue,
    };
    (code, Json(health))
}

/// Runs one check with a time limit; the cause of a failure goes to the log, not the response
/// (which anyone may read).
async fn timed<E: std::fmt::Display>(
    what: &'static str,
    check: impl std::future::Future<Output = Result<(), E>>,
) -> HealthCheck {
    let start = Instant::now();
    let error = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: the {what} did not answer");
            Some(format!("the {what} did not answer"))
        }
        Err(_) => {
            tracing::warn!("health check: the {what} timed out");
            Some(format!(
                "the {what} did not answer within {CHECK_TIMEOUT:?}"
            ))
        }
    };
    HealthCheck {
        ok: error.is_none(),
        latency_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        error,
    }
}

/// This OpenAPI document; needs no token.
#[utoipa::path(get, path = "/api/openapi.json", tag = "service", security(()), responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi_json(
    Extension(spec): Extension<Arc<utoipa::openapi::OpenApi>>,
) -> Json<utoipa::openapi::OpenApi> {
    Json(spec.as_ref().clone())
}
