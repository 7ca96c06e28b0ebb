//! Invites: creating one (admins, and members where the server allows it) and joining with one
//! (a new member account with a password and its first token). An unknown, used or expired code
//! answers the same 410; unusable codes count against the address like wrong passwords.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use vidmsg_api::{CreateInvite, ErrorBody, Invite, JoinRequest, SessionCreated};

use crate::accounts;
use crate::db::{NewSession, now_ms};
use crate::domain::UserName;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, AuthUser};
use crate::routes::sessions::{SessionError, refuse_if_throttled};
use crate::state::AppState;

/// A single-use invite link: `{public_url}/join/{code}`, usable until `expires_at_ms`. Admins
/// may always invite; members where the server allows it (403 otherwise). `spaces` must be
/// empty for now (422): invites into spaces come with spaces.
#[utoipa::path(post, path = "/api/invites", tag = "accounts", request_body = CreateInvite,
    responses((status = 201, body = Invite), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_invite(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<CreateInvite>,
) -> AppResult<(StatusCode, Json<Invite>)> {
    if !body.spaces.is_empty() {
        return Err(AppError::Unprocessable(
            "spaces are not available yet: create the invite without spaces".into(),
        ));
    }
    if !user.is_admin() && !state.accounts.members_may_invite {
        return Err(AppError::Forbidden(
            "only admins may invite people to this server: ask an admin for an invite".into(),
        ));
    }
    let invite = crate::invites::create(
        &state.db,
        Some(user.id),
        state.accounts.invite_lifetime,
        &state.public_url,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(invite)))
}

/// Create an account with an invite code (or the whole invite link): a new member, signed in.
/// Needs no token. 410 for an unknown, used or expired invite, 409 for a taken name, 422 for a
/// bad name or a short password.
#[utoipa::path(post, path = "/api/join", tag = "accounts", security(()), request_body = JoinRequest,
    responses((status = 201, body = SessionCreated), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn join(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<JoinRequest>,
) -> Result<(StatusCode, Json<SessionCreated>), SessionError> {
    refuse_if_throttled(&state, addr, None)?;
    let name = UserName::parse(&body.name)?;
    crate::passwords::check_new(&body.password)
        .map_err(|e| AppError::Unprocessable(e.to_string()))?;
    let password = body.password;
    let password_hash = tokio::task::spawn_blocking(move || crate::passwords::hash(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    let token = accounts::new_token();
    let session = NewSession {
        name: name.as_str().to_string(),
        password_hash,
        token_hash: accounts::hash_token(&token),
        token_hint: accounts::token_hint(&token),
        now_ms: now_ms(),
    };
    let code_hash = crate::invites::hash_code(crate::invites::code_from_input(&body.code));
    match state.db.join_with_invite(&code_hash, &session).await? {
        Some(user) => Ok((StatusCode::CREATED, Json(SessionCreated { token, user }))),
        None => {
            state.throttle.sign_in_by_address.record_failure(addr.ip());
            Err(SessionError::InviteInvalid)
        }
    }
}
