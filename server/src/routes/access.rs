//! Who may see what: a thread and everything in it is visible to its members only. To anyone
//! else it does not exist (404), so ids leak nothing. Among members, the thread's creator and
//! admins manage its members; names of other accounts are not revealed to non-admins.

use vidmsg_api::{Id, Thread, User};

use crate::db::MessageRow;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The thread, if `user` is a member of it.
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

/// The message, if `user` is a member of its thread.
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
