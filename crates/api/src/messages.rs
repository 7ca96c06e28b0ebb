//! Messages: their kinds and life, what the API sends of one, and what creates one.

use serde::{Deserialize, Serialize};

use crate::types::Id;

/// What a message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Video,
    Text,
}

/// Life of a message: `uploading → processing → ready | failed`. Text messages are born `ready`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    Uploading,
    Processing,
    Ready,
    Failed,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Uploading => "uploading",
            MessageStatus::Processing => "processing",
            MessageStatus::Ready => "ready",
            MessageStatus::Failed => "failed",
        }
    }
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Video => "video",
            MessageKind::Text => "text",
        }
    }
}

/// A video or text message in a thread.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: Id,
    pub thread_id: Id,
    /// Name of the author.
    pub author: String,
    pub kind: MessageKind,
    pub title: String,
    /// Text of a text message (or a description of a video).
    pub body: Option<String>,
    /// The message this one replies to (same thread).
    pub parent_id: Option<Id>,
    pub status: MessageStatus,
    /// Why the message is `failed`, or why it still waits in `processing`.
    pub status_reason: Option<String>,
    /// Progress of processing in percent, when known.
    pub progress_percent: Option<u8>,
    /// Length of the video, when known.
    pub duration_ms: Option<i64>,
    /// Size of the stored video in bytes, once uploaded.
    pub size_bytes: Option<i64>,
    pub content_type: Option<String>,
    /// Presigned GET URL of the video (serves HTTP Range), once uploaded.
    pub video_url: Option<String>,
    /// Seconds `video_url` stays valid.
    pub video_url_expires_in_s: Option<u64>,
    pub reply_count: i64,
    /// Timed transcript (JSON), once the message is `ready`.
    pub transcript_url: Option<String>,
    /// WebVTT captions, once the message is `ready`.
    pub captions_url: Option<String>,
    /// Presigned GET URL of the poster image (a JPEG of the first frame that is not black, at
    /// most 640 px wide), once the worker made one; valid as long as `video_url`.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Its author marked it urgent: notifications went out at once, quiet hours or not.
    #[serde(default)]
    pub urgent: bool,
    /// A title made from the transcript, shown as a suggestion while the video has no title its
    /// author gave (`title` is then a placeholder such as "Untitled video"); the author takes it
    /// with `PATCH /api/messages/{id}`. Absent once the author titled the video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_title: Option<String>,
    /// Chapters found in the transcript of a recording over two minutes (empty otherwise), in
    /// order; the first starts at 0.
    #[serde(default)]
    pub chapters: Vec<Chapter>,
    /// The language the video was spoken in, as its transcription heard it (ISO 639-1, such as
    /// "en" or "fr"), once transcribed; absent for text messages and for videos with no speech.
    /// Search stems its transcript by it where the server can.
    #[serde(default)]
    pub language: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A part of a long recording on one topic, found in its transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chapter {
    /// Where the chapter starts in the video.
    pub start_ms: i64,
    /// A short label: the chapter's key phrase.
    pub title: String,
}

/// `PATCH /api/messages/{id}`: what its author (or an admin) changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMessage {
    /// New title: 1–300 characters after trimming.
    #[serde(default)]
    pub title: Option<String>,
}

/// `POST /api/threads/{id}/messages`. A video message starts an upload (status `uploading`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMessage {
    pub kind: MessageKind,
    /// Title (defaults to a trimmed first line of the body, or "Untitled video").
    #[serde(default)]
    pub title: Option<String>,
    /// Text of a text message (required for `text`).
    #[serde(default)]
    pub body: Option<String>,
    /// Reply to this message of the same thread.
    #[serde(default)]
    pub parent_id: Option<Id>,
    /// MIME type of the video (default `video/mp4`).
    #[serde(default)]
    pub content_type: Option<String>,
    /// Deliver its notifications at once, even during the recipients' quiet hours.
    #[serde(default)]
    pub urgent: bool,
}

impl CreateMessage {
    /// A text message.
    pub fn text(body: impl Into<String>) -> Self {
        Self {
            kind: MessageKind::Text,
            title: None,
            body: Some(body.into()),
            parent_id: None,
            content_type: None,
            urgent: false,
        }
    }

    /// A video message (an MP4 upload follows).
    pub fn video(title: impl Into<String>) -> Self {
        Self {
            kind: MessageKind::Video,
            title: Some(title.into()),
            body: None,
            parent_id: None,
            content_type: Some("video/mp4".into()),
            urgent: false,
        }
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Marked urgent by its author.
    pub fn urgent(mut self, urgent: bool) -> Self {
        self.urgent = urgent;
        self
    }
}
