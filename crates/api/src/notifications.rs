//! Notifications: a new message for someone, delivered at once when urgent, otherwise when the
//! recipient's quiet hours end (`GET /api/notifications`, and the event feed once delivered).

use serde::{Deserialize, Serialize};

use crate::types::Id;

/// One new message for the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: Id,
    pub message_id: Id,
    pub thread_id: Id,
    pub thread_title: String,
    /// Who sent the message (and, if `urgent`, who marked it urgent: only its author may).
    pub author: String,
    /// The message's title.
    pub title: String,
    pub urgent: bool,
    pub created_at_ms: i64,
    /// When it is (or was) delivered: its creation for urgent messages and outside quiet hours,
    /// else the end of the recipient's quiet hours. Everything held shares that time: a digest.
    pub deliver_at_ms: i64,
    /// `deliver_at_ms` has passed.
    pub delivered: bool,
    /// The recipient opened the message or marked the notification seen.
    pub seen: bool,
}

/// `GET /api/notifications`: the newest first (at most 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notifications {
    pub items: Vec<Notification>,
    /// Delivered and not yet seen: the badge.
    #[serde(default)]
    pub unseen: i64,
}

/// `POST /api/notifications/seen`: marks these (or, with `ids` empty, every delivered one) seen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkSeen {
    #[serde(default)]
    pub ids: Vec<Id>,
}
