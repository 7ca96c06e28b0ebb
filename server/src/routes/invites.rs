//! Invites: creating one (admins, and members where the server allows it) and joining with one
//! (a new member account with a password and its first token). An unknown, used or expired code
//! answers the same 410; unusable codes count against the address like wrong passwords. An
//! invite may name spaces; joining with it makes the new account a member of them.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use vidmsg_api::{CreateInvite, ErrorBody, Id, Invite, JoinRequest, SessionCreated, User};

use crate::accounts;
use crate::db::{NewSession, now_ms};
use crate::domain::UserName;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, AuthUser};
use crate::routes::access::adds_to_space;
use crate::routes::sessions::{SessionError, refuse_if_throttled};
use crate::routes::spaces::space_name;
use crate::state::AppState;

/// A single-use invite link: `{public_url}/join/{code}`, usable until `expires_at_ms`. Admins
/// may always invite; members where the server allows it (403 otherwise). `spaces` (names, with
/// or without `#`, or ids) puts the joiner in those spaces: the inviter must be allowed to add
/// people to each (403), and a space it cannot see is unknown (422).
#[utoipa::path(post, path = "/api/invites", tag = "accounts", request_body = CreateInvite,
    responses((status = 201, body = Invite), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_invite(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiJson(body): ApiJson<CreateInvite>,
) -> AppResult<(StatusCode, Json<Invite>)> {
    if !user.is_admin() && !state.accounts.members_may_invite {
        return Err(AppError::Forbidden(
            "only admins may invite people to this server: ask an admin for an invite".into(),
        ));
    }
    let mut spaces = Vec::new();
    for wanted in &body.spaces {
        spaces.push(invite_space(&state, &user, wanted).await?);
    }
    let invite = crate::invites::create_into_spaces(
        &state.db,
        Some(user.id),
        &spaces,
        state.accounts.invite_lifetime,
        &state.public_url,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(invite)))
}

/// The id of a space named in an invite (`eng`, `#eng` or its id), if `user` may add people
/// to it.
async fn invite_space(state: &AppState, user: &User, wanted: &str) -> AppResult<Id> {
    let trimmed = wanted.trim();
    let by_name = match space_name(trimmed) {
        Ok(name) => state.db.space_by_name(&name, user.id).await?,
        Err(_) => None,
    };
    let found = match (by_name, trimmed.parse::<Id>()) {
        (Some(space), _) => Some(space),
        (None, Ok(id)) => state.db.space(id, user.id).await?,
        (None, Err(_)) => None,
    };
    let space = found
        .filter(|s| !s.private || s.joined)
        .ok_or_else(|| AppError::Unprocessable(format!("no space {wanted:?} that you can see")))?;
    if !adds_to_space(user, &space) {
        return Err(AppError::Forbidden(format!(
            "you may not add people to #{}: {}",
            space.name,
            if space.private {
                "its creator or an admin may"
            } else {
                "join it first"
            }
        )));
    }
    Ok(space.id)
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
