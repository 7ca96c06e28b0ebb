//! Request extractors whose rejections are [`AppError`]s (so malformed JSON, bad paths and bad
//! queries get the same JSON error body as everything else), and the signed-in user (by bearer
//! token, or by a browser's session cookie plus its CSRF token for state-changing requests).

use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vidmsg_api::User;

use crate::accounts;
use crate::error::AppError;
use crate::state::AppState;
use crate::throttle::TooManyRequests;

/// JSON body; 400 for malformed JSON, 413 for oversize bodies, 422 for the wrong shape.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// Path parameters; 400 when they do not parse (e.g. a non-numeric id).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// Query string; 400 when it does not parse.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge("request body is too large".into())
            }
            StatusCode::UNPROCESSABLE_ENTITY => AppError::Unprocessable(r.body_text()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::BadRequest(
                "expected a JSON body with Content-Type: application/json".into(),
            ),
            _ => AppError::BadRequest(r.body_text()),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        AppError::BadRequest(r.body_text())
    }
}

/// The user whose bearer token signed the request; 401 otherwise. An address that sent too many
/// wrong tokens lately gets 429 with `Retry-After` for further wrong ones (a right token still
/// works, so a shared address cannot lock its honest users out).
#[derive(Debug, Clone)]
pub struct AuthUser(pub User);

/// Why a request is not signed in: 401 (see [`AppError::Unauthorized`]) or 429.
#[derive(Debug)]
pub enum AuthRejection {
    App(AppError),
    TooMany(TooManyRequests),
}

impl From<AppError> for AuthRejection {
    fn from(e: AppError) -> Self {
        AuthRejection::App(e)
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::App(e) => e.into_response(),
            AuthRejection::TooMany(t) => t.into_response(),
        }
    }
}

/// The bearer token of a request, if it carries one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The token of a request: its bearer token, else a browser's session cookie.
pub fn request_token(headers: &HeaderMap) -> Option<&str> {
    bearer_token(headers).or_else(|| crate::web::cookies::session_token(headers))
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = match bearer_token(&parts.headers) {
            Some(t) => t,
            None => {
                // A browser: its session cookie, and for anything that changes state the CSRF
                // token only its own pages know.
                let t = crate::web::cookies::session_token(&parts.headers)
                    .ok_or(AppError::Unauthorized)?;
                if !parts.method.is_safe() && !crate::web::cookies::csrf_ok(&parts.headers, t, None)
                {
                    return Err(AppError::Forbidden(
                        "this request lacks the page's CSRF token: reload the page and try again"
                            .into(),
                    )
                    .into());
                }
                t
            }
        };
        let user = state
            .db
            .user_by_token_hash(&accounts::hash_token(token))
            .await
            .map_err(AppError::from)?;
        if let Some(user) = user {
            return Ok(AuthUser(user));
        }
        let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Err(AppError::Unauthorized.into());
        };
        let ip = addr.ip();
        if let Some(wait) = state.throttle.auth.blocked(ip) {
            tracing::debug!(%ip, "refusing another wrong token from this address for now");
            return Err(AuthRejection::TooMany(TooManyRequests {
                message: format!(
                    "too many wrong tokens from this address: wait {} seconds, then sign in again with a valid token",
                    wait.as_secs().max(1)
                ),
                retry_after: Some(wait),
            }));
        }
        state.throttle.auth.record_failure(ip);
        Err(AppError::Unauthorized.into())
    }
}
