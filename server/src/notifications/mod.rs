//! Notifications that respect people's hours: a new message creates one notification per
//! person who sees its thread (not its author). An urgent message's notifications are delivered
//! at once; any other waits while its recipient is inside their quiet hours and is delivered
//! when they end — every message held for someone shares that time, so they arrive together as
//! a digest. Delivery is a time, not a job: the list and the event feed compare it with the
//! [`Clock`](crate::clock::Clock).
//!
//! `hours` turns stored hours into domain values; this module creates notifications; `route`
//! serves `GET /api/notifications` and `POST /api/notifications/seen`.

pub mod hours;
pub mod route;

use vidmsg_api::Id;

use crate::db::NewNotification;
use crate::state::AppState;

/// Creates the notifications of a message that can now be read or watched (a text message when
/// posted, a video once uploaded). Errors are logged: a missed notification must never fail
/// the post that caused it. Idempotent (one notification per person and message).
pub async fn notify_posted(state: &AppState, message: Id) {
    if let Err(e) = try_notify(state, message).await {
        tracing::warn!(message, error = %e, "could not create the message's notifications");
    }
}

async fn try_notify(state: &AppState, message: Id) -> Result<(), crate::db::DbError> {
    let Some(row) = state.db.message(message).await? else {
        return Ok(());
    };
    let now = state.clock.now_ms();
    let items: Vec<NewNotification> = state
        .db
        .recipients(message)
        .await?
        .into_iter()
        .map(|(user_id, stored)| NewNotification {
            user_id,
            urgent: row.urgent,
            deliver_at_ms: if row.urgent {
                now
            } else {
                hours::PersonHours::from_stored(&stored).deliver_at(now)
            },
        })
        .collect();
    state.db.add_notifications(message, &items, now).await
}
