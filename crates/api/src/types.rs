//! Serde types of the API's JSON bodies: ids, errors, accounts, threads, spaces, uploads, feedback
//! and events (messages, transcripts and search, people, notifications and sharing have modules of
//! their own).
//!
//! Ids are integers; times are milliseconds since the Unix epoch (`*_at_ms`); positions inside a
//! video are milliseconds from its start (`at_ms`, `watched_ms`).

use serde::{Deserialize, Serialize};

use crate::Message;

/// Database id of any object.
pub type Id = i64;

/// Body of every error response: `{"error": code, "message": text}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable machine-readable code: `bad_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `conflict`, `invite_invalid` (410), `payload_too_large`, `unprocessable`,
    /// `too_many_requests`, `internal`.
    pub error: String,
    /// Human-readable explanation.
    pub message: String,
}

/// `GET /api/health`: 200 when the database and the store answer, 503 (same body) when either
/// does not, so a load balancer takes the server out of rotation until they are back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`, or `unavailable` when a check failed.
    pub status: String,
    pub version: String,
    /// The database (SQLite or PostgreSQL). Older servers do not send the checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<HealthCheck>,
    /// The S3 store (embedded or external).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<HealthCheck>,
    /// Transcription jobs by state (absent when the database did not answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueDepth>,
}

/// One dependency's answer to a health check.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthCheck {
    pub ok: bool,
    /// How long it took to answer (or to fail).
    pub latency_ms: u64,
    /// What failed, in words (the details are in the server's log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Transcription jobs waiting, being worked on, and failed for good.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueDepth {
    /// Queued (including ones waiting for a retry).
    pub queued: i64,
    pub running: i64,
    pub failed: i64,
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Id,
    pub name: String,
    pub created_at_ms: i64,
    /// `admin` (manages every thread it is a member of, re-transcribes anyone's messages) or
    /// `member`. Older servers do not send it: `member`.
    #[serde(default)]
    pub role: Role,
}

/// What an account may do beyond its own content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the members of every thread it belongs to and may re-transcribe any message
    /// there. The first account of a server is an admin.
    Admin,
    /// Manages the threads it created; may leave any thread.
    #[default]
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// What the server accepts from a user; the recorder shows it before recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Limits {
    /// Longest recording the server accepts, in seconds.
    pub max_recording_secs: u64,
    /// Largest video, in bytes.
    pub max_message_bytes: i64,
    /// Largest upload part, in bytes.
    pub max_part_bytes: i64,
    /// Bytes of video this user may store; `None`: no quota.
    pub quota_bytes: Option<i64>,
    /// Bytes of video this user stores now.
    pub used_bytes: i64,
}

/// `POST /api/sessions`: sign in with a name and password.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateSession {
    pub name: String,
    pub password: String,
}

impl std::fmt::Debug for CreateSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateSession")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// `POST /api/sessions` and `POST /api/join`: a new bearer token and whose it is.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionCreated {
    /// A new API token (`Authorization: Bearer …`), shown only this once.
    pub token: String,
    pub user: User,
}

impl std::fmt::Debug for SessionCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCreated")
            .field("token", &"<redacted>")
            .field("user", &self.user)
            .finish()
    }
}

/// `POST /api/invites`. `spaces`: names (`eng` or `#eng`) or ids of spaces the joiner becomes a
/// member of; the inviter must be able to add people to each (422 otherwise).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInvite {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<String>,
}

/// A new invite: single use, until `expires_at_ms`. The code is shown only this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invite {
    pub code: String,
    /// `{public_url}/join/{code}`.
    pub url: String,
    pub expires_at_ms: i64,
}

/// `POST /api/join`: create an account with an invite code.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JoinRequest {
    pub code: String,
    pub name: String,
    pub password: String,
}

impl std::fmt::Debug for JoinRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinRequest")
            .field("code", &"<redacted>")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// One page of a list. Pass `next_cursor` back as `cursor` for the next page; `None` means done.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Query of every paginated list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A conversation: a title, its members and an ordered list of messages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thread {
    pub id: Id,
    pub title: String,
    /// Name of the user who created it (may delete it and add or remove members).
    pub created_by: String,
    /// Names of the members, creator included.
    pub members: Vec<String>,
    pub message_count: i64,
    /// Messages by others the caller has not read (see `POST /api/threads/{id}/read`).
    #[serde(default)]
    pub unread_count: i64,
    pub created_at_ms: i64,
    /// Time of the newest message, or of creation.
    pub updated_at_ms: i64,
    /// Who sees it: the members of its space, or its people. Older servers: `people`.
    #[serde(default)]
    pub visibility: ThreadVisibility,
    /// The space it was posted to (`visibility: space`).
    #[serde(default)]
    pub space_id: Option<Id>,
    /// That space's name (without `#`).
    #[serde(default)]
    pub space: Option<String>,
}

/// Who sees a thread. The share-page issue adds `link`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThreadVisibility {
    /// Every member of its space, members who join later included; `members` lists them.
    Space,
    /// The named people (a direct thread): its `members`.
    #[default]
    People,
}

/// `POST /api/threads` in its first form: a direct thread with the creator and `members`.
/// [`NewThread`] is the full form (to a space, or to people); this one is sent as it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateThread {
    pub title: String,
    /// Names of users to add besides the creator.
    #[serde(default)]
    pub members: Vec<String>,
}

/// `POST /api/threads`: a thread posted to a space (`space_id`; the caller must be a member)
/// or to people (`people`, also accepted as `members`, besides the creator). Not both.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewThread {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<Id>,
    /// Names of users to add besides the creator (alias: `members`).
    #[serde(default, alias = "members", skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
}

impl From<CreateThread> for NewThread {
    fn from(c: CreateThread) -> Self {
        NewThread {
            title: c.title,
            space_id: None,
            people: c.members,
        }
    }
}

/// A named group of the workspace (`#design`). Public spaces are listed to everyone and anyone
/// may join; private ones only to their members, who are added by its creator or an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Space {
    pub id: Id,
    /// Without the `#`.
    pub name: String,
    pub private: bool,
    /// Names of its members, in the order they joined.
    pub members: Vec<String>,
    pub member_count: i64,
    /// Whether the caller is a member.
    pub joined: bool,
    pub created_by: String,
    pub created_at_ms: i64,
}

/// `POST /api/spaces`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateSpace {
    /// 1–64 of `[A-Za-z0-9._-]`, starting with a letter or digit; a leading `#` is dropped.
    pub name: String,
    #[serde(default)]
    pub private: bool,
}

/// `POST /api/spaces/{id}/members`: `{}` joins (public spaces), `{name}` adds someone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddSpaceMember {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A list without pages (`GET /api/spaces`, `GET /api/users`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// `POST /api/threads/{id}/members`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddMember {
    pub name: String,
}

/// `POST /api/messages/{id}/upload/parts`: which parts to presign.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresignParts {
    /// Part numbers, 1–10000, at most 100 per request.
    pub part_numbers: Vec<i32>,
}

/// A URL to `PUT` one part's bytes to; the response's `ETag` header is the part's etag.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresignedPart {
    pub part_number: i32,
    pub url: String,
    pub expires_in_s: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresignedParts {
    pub parts: Vec<PresignedPart>,
}

/// A part the store already holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedPart {
    pub part_number: i32,
    pub etag: String,
    pub size: i64,
}

/// `GET /api/messages/{id}/upload`: state of an open upload, for resuming.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadState {
    pub message_id: Id,
    /// Parts already stored, by part number.
    pub parts: Vec<UploadedPart>,
    /// Every part but the last must be at least this big (S3's rule: 5 MiB).
    pub min_part_size: i64,
    pub max_part_number: i32,
}

/// A part to assemble, with the etag its `PUT` returned.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompletedPart {
    pub part_number: i32,
    pub etag: String,
}

/// `POST /api/messages/{id}/upload/complete`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompleteUpload {
    /// Every part, numbered 1..=n in order.
    pub parts: Vec<CompletedPart>,
    /// Length of the recording as the recorder measured it.
    #[serde(default)]
    pub duration_ms: Option<i64>,
}

/// A timestamped comment on a video message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: Id,
    pub message_id: Id,
    pub author: String,
    pub at_ms: i64,
    pub body: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateComment {
    pub at_ms: i64,
    pub body: String,
}

/// An emoji reaction at a moment of a video message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reaction {
    pub id: Id,
    pub message_id: Id,
    pub author: String,
    pub at_ms: i64,
    pub emoji: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateReaction {
    pub at_ms: i64,
    pub emoji: String,
}

/// How far one user watched one message (the furthest position reported).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct View {
    pub message_id: Id,
    pub user: String,
    pub watched_ms: i64,
    pub updated_at_ms: i64,
}

/// `POST /api/messages/{id}/views`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub watched_ms: i64,
}

/// `GET /api/events` query.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct EventsQuery {
    /// Send what changed after this time (ms since the epoch); default: from now on.
    pub since_ms: Option<i64>,
}

/// One pushed change (`GET /api/events`, Server-Sent Events; the SSE event name is `type`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// A thread was created or has new activity (carries the caller's unread count).
    Thread {
        thread: Thread,
    },
    /// A message was posted or changed (upload finished, transcribed, failed).
    Message {
        message: Box<Message>,
    },
    Comment {
        comment: Comment,
    },
    Reaction {
        reaction: Reaction,
    },
    /// A notification reached its delivery time (at once if urgent, else when the recipient's
    /// quiet hours ended).
    Notification {
        notification: crate::Notification,
    },
}

impl ServerEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            ServerEvent::Thread { .. } => "thread",
            ServerEvent::Message { .. } => "message",
            ServerEvent::Comment { .. } => "comment",
            ServerEvent::Reaction { .. } => "reaction",
            ServerEvent::Notification { .. } => "notification",
        }
    }
}
