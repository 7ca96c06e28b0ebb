//! Rows both backends read the same way: the columns their queries select (in the same order
//! and with the same names, by each backend's own SQL) and how they become the API's values.
//! sqlx's `FromRow` derive is generic over the row type, so one struct serves SQLite and
//! PostgreSQL (a BOOLEAN and SQLite's 0/1 integer both decode to `bool`).

use vidmsg_api::{MessageKind, MessageStatus, Thread, ThreadVisibility};

use crate::db::MessageRow;

#[derive(sqlx::FromRow)]
pub(super) struct MessageRecord {
    pub(super) id: i64,
    pub(super) thread_id: i64,
    pub(super) author_id: i64,
    pub(super) author: String,
    pub(super) kind: String,
    pub(super) title: String,
    pub(super) body: Option<String>,
    pub(super) parent_id: Option<i64>,
    pub(super) status: String,
    pub(super) status_reason: Option<String>,
    pub(super) progress_percent: Option<i64>,
    pub(super) object_key: Option<String>,
    pub(super) upload_id: Option<String>,
    pub(super) content_type: Option<String>,
    pub(super) size_bytes: Option<i64>,
    pub(super) duration_ms: Option<i64>,
    pub(super) urgent: bool,
    pub(super) reply_count: i64,
    pub(super) created_at_ms: i64,
    pub(super) updated_at_ms: i64,
    pub(super) poster_key: Option<String>,
    pub(super) language: Option<String>,
}

fn parse_kind(s: &str) -> MessageKind {
    if s == "text" {
        MessageKind::Text
    } else {
        MessageKind::Video
    }
}

fn parse_status(s: &str) -> MessageStatus {
    match s {
        "uploading" => MessageStatus::Uploading,
        "processing" => MessageStatus::Processing,
        "ready" => MessageStatus::Ready,
        _ => MessageStatus::Failed,
    }
}

impl From<MessageRecord> for MessageRow {
    fn from(r: MessageRecord) -> Self {
        MessageRow {
            id: r.id,
            thread_id: r.thread_id,
            author_id: r.author_id,
            author: r.author,
            kind: parse_kind(&r.kind),
            title: r.title,
            body: r.body,
            parent_id: r.parent_id,
            status: parse_status(&r.status),
            status_reason: r.status_reason,
            progress_percent: r
                .progress_percent
                .and_then(|p| u8::try_from(p.clamp(0, 100)).ok()),
            object_key: r.object_key,
            upload_id: r.upload_id,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            duration_ms: r.duration_ms,
            urgent: r.urgent,
            reply_count: r.reply_count,
            created_at_ms: r.created_at_ms,
            updated_at_ms: r.updated_at_ms,
            poster_key: r.poster_key,
            language: r.language,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ThreadRecord {
    id: i64,
    title: String,
    created_by: String,
    created_at_ms: i64,
    updated_at_ms: i64,
    members: Option<String>,
    message_count: i64,
    visibility: String,
    space_id: Option<i64>,
    space: Option<String>,
}

pub(super) fn thread_from(r: ThreadRecord) -> Thread {
    let ThreadRecord {
        id,
        title,
        created_by,
        created_at_ms,
        updated_at_ms,
        members,
        message_count,
        visibility,
        space_id,
        space,
    } = r;
    let members = members
        .map(|m| {
            m.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Thread {
        id,
        title,
        created_by,
        members,
        message_count,
        unread_count: 0,
        created_at_ms,
        updated_at_ms,
        visibility: if visibility == "space" {
            ThreadVisibility::Space
        } else {
            ThreadVisibility::People
        },
        space_id,
        space,
    }
}
