//! `GET /api/events`: server push (Server-Sent Events) of what changes in the caller's threads —
//! threads (with unread counts), messages (new, uploaded, transcribed, failed), comments and
//! reactions — so the apps update without a restart.
//!
//! The feed reads the database's change times (every second), not an in-process channel, so it
//! also sees what another server process or a separate `vidmsg-server worker` changed. Windows
//! overlap by two seconds (a row committed late with an earlier time is still seen) and what was
//! already sent is remembered, so each change is sent once.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use vidmsg_api::{ErrorBody, EventsQuery, Id, ServerEvent};

use crate::db::now_ms;
use crate::error::AppResult;
use crate::extract::{ApiQuery, AuthUser};
use crate::state::AppState;

/// How far back each poll looks again, for rows committed late.
const OVERLAP_MS: i64 = 2_000;

struct Feed {
    state: AppState,
    user: vidmsg_api::User,
    user_id: Id,
    cursor: i64,
    /// (kind, id) → change time already sent.
    sent: HashMap<(u8, Id), i64>,
    queue: VecDeque<ServerEvent>,
    first: bool,
}

impl Feed {
    async fn poll(&mut self) {
        let now = now_ms();
        let changes = match self
            .state
            .db
            .changes_since(self.user_id, self.cursor - OVERLAP_MS)
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
        let keep_after = self.cursor - 4 * OVERLAP_MS;
        self.sent.retain(|_, t| *t >= keep_after);
    }

    /// True (and remembered) if this change was not sent yet.
    fn fresh(&mut self, kind: u8, id: Id, at: i64) -> bool {
        self.sent.insert((kind, id), at) != Some(at)
    }
}

#[utoipa::path(get, path = "/api/events", tag = "events", params(EventsQuery),
    responses((status = 200, description = "text/event-stream of ServerEvent (event name = its type)", body = ServerEvent),
              (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let feed = Feed {
        state,
        user_id: user.id,
        user,
        cursor: q.since_ms.unwrap_or_else(now_ms),
        sent: HashMap::new(),
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
            }
            feed.first = false;
            feed.poll().await;
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
