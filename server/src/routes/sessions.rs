//! Signing in with a name and password (a new bearer token) and signing out (revoking the
//! token that signed the request). Wrong name and wrong password answer the same 401; wrong
//! passwords are throttled per address and per name (429 with `Retry-After`).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vidmsg_api::{CreateSession, ErrorBody, SessionCreated};

use crate::accounts;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, AuthUser, request_token};
use crate::state::AppState;
use crate::throttle::TooManyRequests;

/// The one answer to a wrong name or a wrong password.
pub const WRONG_CREDENTIALS: &str = "wrong name or password";
/// The one answer to an unknown, used or expired invite.
pub const INVITE_INVALID: &str = "this invite is not valid any more (it was used, it expired, or it never existed): ask for a new one";

/// Why signing in or joining failed.
#[derive(Debug)]
pub enum SessionError {
    App(AppError),
    /// 401, the same for an unknown name and a wrong password.
    WrongCredentials,
    /// 410: the invite cannot be used.
    InviteInvalid,
    TooMany(TooManyRequests),
}

impl From<AppError> for SessionError {
    fn from(e: AppError) -> Self {
        SessionError::App(e)
    }
}

impl From<crate::db::DbError> for SessionError {
    fn from(e: crate::db::DbError) -> Self {
        SessionError::App(e.into())
    }
}

impl From<crate::domain::DomainError> for SessionError {
    fn from(e: crate::domain::DomainError) -> Self {
        SessionError::App(e.into())
    }
}

impl From<anyhow::Error> for SessionError {
    fn from(e: anyhow::Error) -> Self {
        SessionError::App(AppError::Internal(e))
    }
}

impl IntoResponse for SessionError {
    fn into_response(self) -> Response {
        let (status, error, message) = match self {
            SessionError::App(e) => return e.into_response(),
            SessionError::TooMany(t) => return t.into_response(),
            SessionError::WrongCredentials => {
                (StatusCode::UNAUTHORIZED, "unauthorized", WRONG_CREDENTIALS)
            }
            SessionError::InviteInvalid => (StatusCode::GONE, "invite_invalid", INVITE_INVALID),
        };
        let body = ErrorBody {
            error: error.into(),
            message: message.into(),
        };
        (status, Json(body)).into_response()
    }
}

/// 429 while `addr` (or `name`, when given) used up its failures of this window.
pub(crate) fn refuse_if_throttled(
    state: &AppState,
    addr: SocketAddr,
    name: Option<&str>,
) -> Result<(), SessionError> {
    let by_addr = state.throttle.sign_in_by_address.blocked(addr.ip());
    let by_name = name.and_then(|n| state.throttle.sign_in_by_name.blocked(name_key(n)));
    match by_addr.into_iter().chain(by_name).max() {
        None => Ok(()),
        Some(wait) => Err(SessionError::TooMany(TooManyRequests {
            message: format!(
                "too many failed attempts: wait {} seconds, then try again",
                wait.as_secs().max(1)
            ),
            retry_after: Some(wait),
        })),
    }
}

/// Names are at most 64 characters; a longer key only wastes the limiter's memory.
fn name_key(name: &str) -> String {
    name.chars().take(64).collect()
}

/// Sign in with a name and password: a new API token (send it as `Authorization: Bearer …`).
/// Needs no token.
#[utoipa::path(post, path = "/api/sessions", tag = "accounts", security(()), request_body = CreateSession,
    responses((status = 201, body = SessionCreated), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_session(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<CreateSession>,
) -> Result<(StatusCode, Json<SessionCreated>), SessionError> {
    refuse_if_throttled(&state, addr, Some(&body.name))?;
    let creds = state.db.credentials(&body.name).await?;
    let stored = creds.as_ref().and_then(|c| c.password_hash.clone());
    let password = body.password;
    let ok =
        tokio::task::spawn_blocking(move || crate::passwords::verify(&password, stored.as_deref()))
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    let user = match creds {
        Some(c) if ok => c.user,
        _ => {
            state.throttle.sign_in_by_address.record_failure(addr.ip());
            state
                .throttle
                .sign_in_by_name
                .record_failure(name_key(&body.name));
            return Err(SessionError::WrongCredentials);
        }
    };
    let token = crate::admin::issue_token(&state.db, user.id).await?;
    Ok((StatusCode::CREATED, Json(SessionCreated { token, user })))
}

/// Sign out: revokes the token that signed this request (the user's other tokens keep working).
#[utoipa::path(delete, path = "/api/sessions/current", tag = "accounts",
    responses((status = 204, description = "The token is revoked"), (status = 401, body = ErrorBody)))]
pub async fn delete_current_session(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    let token = request_token(&headers).ok_or(AppError::Unauthorized)?;
    state
        .db
        .revoke_token_hash(&accounts::hash_token(token), now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
