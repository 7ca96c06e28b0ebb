//! Who may see what: a thread and everything in it is visible to its members only. To anyone
//! else it does not exist (404), so ids leak nothing.

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
