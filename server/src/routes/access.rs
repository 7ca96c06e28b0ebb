//! Who may see what. The one rule: a thread posted to a space is seen by the members of that
//! space (those who join later included), a direct thread by its people. The rule itself lives
//! in the database (the `thread_viewers` view), so lists, search, the event feed and unread
//! counts apply exactly what [`member_thread`] checks here. To anyone who does not see a thread,
//! it and everything in it does not exist (404), so ids leak nothing. Among those who see a
//! direct thread, its creator and admins manage its people; names of other accounts are not
//! revealed to non-admins.
//!
//! Spaces: public ones are seen by everyone, private ones by their members only (404 to
//! others). Members of a public space may add people; a private space's creator and admins
//! (members themselves) may.

use vidmsg_api::{Id, Space, Thread, User};

use crate::db::MessageRow;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The thread, if `user` sees it (a member of its space, or one of its people).
pub async fn member_thread(state: &AppState, user: &User, thread: Id) -> AppResult<Thread> {
    if !state.db.is_member(thread, user.id).await? {
        return Err(AppError::NotFound("thread"));
    }
    state
        .db
        .thread(thread)
        .await?
        .ok_or(AppError::NotFound("thread"))
}

/// True if `user` may add and remove members of `thread`: its creator, or an admin (who must
/// be a member too: to anyone else the thread does not exist).
pub fn manages_members(user: &User, thread: &Thread) -> bool {
    user.is_admin() || thread.created_by == user.name
}

/// The error for a name that matches no account. Admins manage accounts and learn that the
/// name is unknown; anyone else gets the same answer whatever the reason, so trying names
/// does not tell which accounts exist.
pub fn unknown_user(user: &User, name: &str) -> AppError {
    if user.is_admin() {
        AppError::Unprocessable(format!(
            "no user named {name:?} in this workspace: check the spelling, or create the account with `vidmsg-server user add`"
        ))
    } else {
        AppError::Unprocessable(format!(
            "could not add {name:?}: check the spelling, or ask an admin for the exact user name"
        ))
    }
}

/// The message, if `user` wrote it or is an admin (other members get 403).
pub async fn own_or_admin_message(state: &AppState, user: &User, id: Id) -> AppResult<MessageRow> {
    let msg = visible_message(state, user, id).await?;
    if msg.author_id != user.id && !user.is_admin() {
        return Err(AppError::Forbidden(
            "only the message's author or an admin may do this".into(),
        ));
    }
    Ok(msg)
}

/// The message, if `user` sees its thread.
pub async fn visible_message(state: &AppState, user: &User, id: Id) -> AppResult<MessageRow> {
    let msg = state
        .db
        .message(id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    if !state.db.is_member(msg.thread_id, user.id).await? {
        return Err(AppError::NotFound("message"));
    }
    Ok(msg)
}

/// The message, if `user` wrote it (members who did not get 403).
pub async fn own_message(state: &AppState, user: &User, id: Id) -> AppResult<MessageRow> {
    let msg = visible_message(state, user, id).await?;
    if msg.author_id != user.id {
        return Err(AppError::Forbidden("only the author may do this".into()));
    }
    Ok(msg)
}

/// The space, if `user` may see it: public, or private with `user` a member.
pub async fn visible_space(state: &AppState, user: &User, id: Id) -> AppResult<Space> {
    match state.db.space(id, user.id).await? {
        Some(space) if !space.private || space.joined => Ok(space),
        _ => Err(AppError::NotFound("space")),
    }
}

/// True if `user` may add others to `space` (which it sees): any member of a public space; the
/// creator or an admin of a private one.
pub fn adds_to_space(user: &User, space: &Space) -> bool {
    if space.private {
        space.joined && (user.is_admin() || space.created_by == user.name)
    } else {
        space.joined
    }
}

/// True if `user` may remove others from `space`: its creator, or an admin.
pub fn manages_space(user: &User, space: &Space) -> bool {
    user.is_admin() || space.created_by == user.name
}
