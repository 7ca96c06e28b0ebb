//! `GET /api/events`: server push (Server-Sent Events) of what changes in the caller's threads —
//! threads (with unread counts), messages (new, uploaded, transcribed, failed), comments and
//! reactions — and of the caller's notifications once delivered, so the apps update without a
//! restart.
//!
//! The feed reads the database's change times (every second), not an in-process channel, so it
//! also sees what another server process or a separate `vidmsg-server worker` changed. Windows
//! overlap by two seconds (a row committed late with an earlier time is still seen) and what was
//! already sent is remembered, so each change is sent once.
//!
//! A feed lives only as long as its token: each poll signs the token in again, and the stream
//! ends once it is revoked. A user may hold a few feeds at once ([`MAX_EVENT_STREAMS_PER_USER`]);
//! one more is 429.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use vidmsg_api::{ErrorBody, EventsQuery, Id, ServerEvent};

use crate::accounts;
use crate::db::now_ms;
use crate::error::AppError;
use crate::extract::{ApiQuery, AuthUser, request_token};
use crate::state::AppState;
use crate::throttle::{MAX_EVENT_STREAMS_PER_USER, StreamGuard, TooManyRequests};

/// How far back each poll looks again, for rows committed late.
const OVERLAP_MS: i64 = 2_000;
/// `since_ms` may not lie further ahead than this (clocks differ a little, not by days).
const MAX_FUTURE_MS: i64 = 24 * 3600 * 1000;

struct Feed {
    state: AppState,
    user: vidmsg_api::User,
    user_id: Id,
    /// Hash of the token that opened the feed: it is signed in again before every poll.
    token_hash: String,
    /// Counts this feed against the user's cap until the feed is dropped.
    _guard: StreamGuard,
    cursor: i64,
    /// (kind, id) → change time already sent.
    sent: HashMap<(u8, Id), i64>,
    /// Notifications are sent once their delivery time passes on the notification clock
    /// (`state.clock`): delivered up to here, and which were sent (id → delivery time).
    notified_until: i64,
    notified: HashMap<Id, i64>,
    queue: VecDeque<ServerEvent>,
    first: bool,
}

impl Feed {
    /// False once the feed's token no longer signs its user in (revoked, or the user is gone).
    async fn still_signed_in(&self) -> bool {
        match self.state.db.user_by_token_hash(&self.token_hash).await {
            Ok(Some(u)) => u.id == self.user_id,
            Ok(None) => false,
            Err(e) => {
                // The database hiccuped: keep the feed; the next poll checks again.
                tracing::warn!(error = %e, "event feed: checking the token failed; retrying");
                true
            }
        }
    }

    async fn poll(&mut self) {
        let now = now_ms();
        let changes = match self
            .state
            .db
            .changes_since(self.user_id, self.cursor.saturating_sub(OVERLAP_MS))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "event feed: reading changes failed; retrying");
                return;
            }
        };
        let unread = if changes.threads.is_empty() {
            HashMap::new()
        } else {
            self.state
                .db
                .unread_counts(self.user_id)
                .await
                .unwrap_or_default()
        };
        for id in changes.threads {
            if let Ok(Some(mut t)) = self.state.db.thread(id).await
                && self.fresh(0, id, t.updated_at_ms)
            {
                t.unread_count = unread.get(&id).copied().unwrap_or(0);
                self.queue.push_back(ServerEvent::Thread { thread: t });
            }
        }
        for id in changes.messages {
            if let Ok(Some(row)) = self.state.db.message(id).await
                && self.fresh(1, id, row.updated_at_ms)
                && let Ok(m) = super::messages::to_api(&self.state, row).await
            {
                self.queue.push_back(ServerEvent::Message {
                    message: Box::new(m),
                });
            }
        }
        for c in changes.comments {
            if self.fresh(2, c.id, c.created_at_ms) {
                self.queue.push_back(ServerEvent::Comment { comment: c });
            }
        }
        for r in changes.reactions {
            if self.fresh(3, r.id, r.created_at_ms) {
                self.queue.push_back(ServerEvent::Reaction { reaction: r });
            }
        }
        self.cursor = self.cursor.max(now);
        let keep_after = self.cursor.saturating_sub(4 * OVERLAP_MS);
        self.sent.retain(|_, t| *t >= keep_after);
        self.poll_notifications().await;
    }

    /// Queues the notifications delivered since the last poll (urgent ones right after they
    /// were created; held ones when the recipient's quiet hours end, all together).
    async fn poll_notifications(&mut self) {
        let up_to = self.state.clock.now_ms();
        let from = self.notified_until.saturating_sub(OVERLAP_MS);
        match self
            .state
            .db
            .delivered_between(self.user_id, from, up_to)
            .await
        {
            Ok(items) => {
                for n in items {
                    if self.notified.insert(n.id, n.deliver_at_ms).is_none() {
                        self.queue
                            .push_back(ServerEvent::Notification { notification: n });
                    }
                }
                self.notified_until = self.notified_until.max(up_to);
                let keep_after = self.notified_until.saturating_sub(4 * OVERLAP_MS);
                self.notified.retain(|_, t| *t >= keep_after);
            }
            Err(e) => {
                tracing::warn!(error = %e, "event feed: reading notifications failed; retrying")
            }
        }
    }

    /// True (and remembered) if this change was not sent yet.
    fn fresh(&mut self, kind: u8, id: Id, at: i64) -> bool {
        self.sent.insert((kind, id), at) != Some(at)
    }
}

/// Checks `since_ms`: a time since the epoch, not in the far future.
fn check_since(since_ms: Option<i64>, now: i64) -> Result<i64, AppError> {
    match since_ms {
        None => Ok(now),
        Some(t) if t < 0 => Err(AppError::BadRequest(format!(
            "since_ms must be a time in milliseconds since 1970 (0 or more), got {t}"
        ))),
        Some(t) if t > now.saturating_add(MAX_FUTURE_MS) => Err(AppError::BadRequest(format!(
            "since_ms {t} is more than a day in the future; send the time of the last event you saw, or leave it out"
        ))),
        Some(t) => Ok(t),
    }
}

#[utoipa::path(get, path = "/api/events", tag = "events", params(EventsQuery),
    responses((status = 200, description = "text/event-stream of ServerEvent (event name = its type); it ends when the token is revoked", body = ServerEvent, content_type = "text/event-stream"),
              (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody),
              (status = 429, description = "too many open feeds for this user", body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<EventsQuery>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, Response> {
    let cursor = check_since(q.since_ms, now_ms()).map_err(IntoResponse::into_response)?;
    let notified_until = q.since_ms.unwrap_or_else(|| state.clock.now_ms());
    let token_hash = request_token(&headers)
        .map(accounts::hash_token)
        .ok_or_else(|| AppError::Unauthorized.into_response())?;
    let guard = state.throttle.open_stream(user.id).ok_or_else(|| {
        TooManyRequests {
            message: format!(
                "you already have {MAX_EVENT_STREAMS_PER_USER} live update feeds open: close other vidmsg windows or apps signed in as {}, then try again",
                user.name
            ),
            retry_after: None,
        }
        .into_response()
    })?;
    let feed = Feed {
        state,
        user_id: user.id,
        user,
        token_hash,
        _guard: guard,
        cursor,
        sent: HashMap::new(),
        notified_until,
        notified: HashMap::new(),
        queue: VecDeque::new(),
        first: true,
    };
    tracing::debug!(user = %feed.user.name, "event feed opened");
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        loop {
            if let Some(ev) = feed.queue.pop_front() {
                let sse = SseEvent::default()
                    .event(ev.kind())
                    .json_data(&ev)
                    .unwrap_or_else(|_| SseEvent::default().comment("unserializable"));
                return Some((Ok(sse), feed));
            }
            if !feed.first {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if !feed.still_signed_in().await {
                    tracing::debug!(user = %feed.user.name, "event feed closed: its token was revoked");
                    return None;
                }
            }
            feed.first = false;
            feed.poll().await;
            // Revoked while this poll ran: what it found is not sent.
            if !feed.queue.is_empty() && !feed.still_signed_in().await {
                tracing::debug!(user = %feed.user.name, "event feed closed: its token was revoked");
                return None;
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
