//! One error type for every request path: each variant has a status and a stable code, and turns
//! into `{"error": code, "message": text}`. Only `Internal` is logged, and its details never leak.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use vidmsg_api::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or invalid bearer token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    Unprocessable(String),
    /// The store or the user's quota has no room (507).
    #[error("{0}")]
    InsufficientStorage(String),
    #[error("storage is unavailable: {0}")]
    StorageUnavailable(String),
    /// The database stayed locked by other writers past its busy timeout (503).
    #[error("the database is busy; try again in a few seconds")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::InsufficientStorage(_) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::StorageUnavailable(_) | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::InsufficientStorage(_) => "insufficient_storage",
            AppError::StorageUnavailable(_) => "storage_unavailable",
            AppError::Busy => "busy",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Conflict(m) => AppError::Conflict(m),
            crate::db::DbError::NotFound(what) => AppError::NotFound(what),
            nul if is_nul_in_text(&nul) => {
                AppError::BadRequest("text may not contain the NUL character (U+0000)".into())
            }
            busy if busy.is_busy() => {
                tracing::warn!(error = %busy, "the database stayed busy past its timeout");
                AppError::Busy
            }
            other => AppError::Internal(other.into()),
        }
    }
}

/// PostgreSQL refuses text holding a NUL (SQLSTATE 22021, character not in repertoire; a Rust
/// string is valid UTF-8 otherwise). The NUL came with the request, so this is the client's 400,
/// not a server error (SQLite stores it).
fn is_nul_in_text(e: &crate::db::DbError) -> bool {
    match e {
        crate::db::DbError::Sqlx(sqlx::Error::Database(d)) => d.code().as_deref() == Some("22021"),
        _ => false,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let message = match &self {
            AppError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "internal server error".to_string()
            }
            AppError::StorageUnavailable(detail) => {
                tracing::warn!(%detail, "storage unavailable");
                "object storage is unavailable; try again".to_string()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            error: self.code().to_string(),
            message,
        };
        (status, axum::Json(body)).into_response()
    }
}
