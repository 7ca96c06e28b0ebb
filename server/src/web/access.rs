//! Who may open a message's page: a signed-in viewer of its thread (the session cookie), or
//! anyone holding the thread's share link (`?k=KEY`, and the unlock cookie if it has a password).
//! Everyone else learns nothing: a browser without a session gets the sign-in page, a signed-in
//! non-viewer the same "not found" as for an id that does not exist.

use axum::http::HeaderMap;
use vidmsg_api::{Id, User};

use super::cookies;
use crate::accounts;
use crate::db::{LinkRow, MessageRow, now_ms};
use crate::error::AppResult;
use crate::sharing::{self, Denied};
use crate::state::AppState;

/// The browser's session: its user and the CSRF token its pages carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub token: String,
}

/// The user a browser is signed in as, if any.
pub async fn session(state: &AppState, headers: &HeaderMap) -> AppResult<Option<Session>> {
    let Some(token) = cookies::session_token(headers) else {
        return Ok(None);
    };
    let user = state
        .db
        .user_by_token_hash(&accounts::hash_token(token))
        .await?;
    Ok(user.map(|user| Session {
        user,
        csrf: cookies::csrf_for(token),
        token: token.to_string(),
    }))
}

/// How a page was opened.
pub struct Opened {
    pub message: MessageRow,
    pub session: Option<Session>,
    /// The share link's key when the page was opened through it (not as a viewer).
    pub link_key: Option<String>,
}

/// Why not.
pub enum Refused {
    /// No session, and no working link: the sign-in page.
    SignIn,
    /// Signed in, but the thread is not theirs to see (or there is no such message).
    NotFound,
    /// A dead link (revoked, expired or wrong).
    DeadLink,
    /// The link's password is needed.
    Password { thread: Id },
}

/// Opens message `id` for this browser (see the module doc).
pub async fn open(
    state: &AppState,
    headers: &HeaderMap,
    id: Id,
    key: Option<&str>,
) -> AppResult<Result<Opened, Refused>> {
    let session = session(state, headers).await?;
    let message = state.db.message(id).await?;
    if let (Some(s), Some(m)) = (&session, &message)
        && state.db.is_member(m.thread_id, s.user.id).await?
    {
        return Ok(Ok(Opened {
            message: m.clone(),
            session,
            link_key: None,
        }));
    }
    if let Some(key) = key.filter(|k| !k.is_empty()) {
        let link: Option<LinkRow> = match &message {
            Some(m) => state.db.thread_link(m.thread_id).await?,
            None => None,
        };
        let unlock = link
            .as_ref()
            .and_then(|l| cookies::get(headers, &cookies::unlock_name(l.thread_id)));
        return Ok(
            match (
                sharing::check(link.as_ref(), key, unlock, now_ms()),
                message,
            ) {
                (Ok(()), Some(m)) => Ok(Opened {
                    message: m,
                    session,
                    link_key: Some(key.to_string()),
                }),
                (Err(Denied::NeedsPassword), Some(m)) => Err(Refused::Password {
                    thread: m.thread_id,
                }),
                _ => Err(Refused::DeadLink),
            },
        );
    }
    Ok(Err(if session.is_some() {
        Refused::NotFound
    } else {
        Refused::SignIn
    }))
}
