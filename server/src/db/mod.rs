//! The database behind one trait, one module per backend: SQLite (the single-machine default)
//! and PostgreSQL (many servers and workers on one database). Queries that differ live in each
//! backend's module; routes and commands see only [`Database`] and these rows.

pub mod migrate_data;
pub mod postgres;
mod rows;
mod search_spec;
pub mod sqlite;
mod transcript_rows;
mod wiring;
pub mod word_times;

pub use search_spec::{SEARCH_TIER, SearchSpec};

use std::sync::Arc;

use async_trait::async_trait;
use vidmsg_api::{
    Comment, Id, MessageKind, MessageStatus, Reaction, SearchHit, Segment, Space, Thread, User,
    View,
};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Conflict(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(
        "unsupported database url {0:?}: use sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB"
    )]
    UnsupportedUrl(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
}

pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    /// True when the database could not serve the request now but may in a moment: SQLite
    /// stayed locked by other writers past the busy timeout, or PostgreSQL is unreachable,
    /// restarting, shutting down, or chose this transaction as a deadlock or serialization
    /// victim. The request may be tried again as it is (the API answers 503).
    pub fn is_busy(&self) -> bool {
        match self {
            DbError::Sqlx(sqlx::Error::Database(d)) => {
                let Some(code) = d.code() else { return false };
                // Asked of the error's type, not guessed from the code: many SQLSTATEs are all
                // digits (22021, a NUL in text, would pass for SQLITE_BUSY's low byte 5).
                if d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                    .is_some()
                {
                    // A PostgreSQL SQLSTATE: 08 connection exception, 57P01-57P03 admin/crash
                    // shutdown and cannot connect now, 40001 serialization failure, 40P01
                    // deadlock, 53300 too many connections.
                    code.starts_with("08")
                        || matches!(
                            code.as_ref(),
                            "57P01" | "57P02" | "57P03" | "40001" | "40P01" | "53300"
                        )
                } else {
                    // SQLITE_BUSY (5) and its extended codes (BUSY_RECOVERY 261, BUSY_SNAPSHOT
                    // 517, BUSY_TIMEOUT 773) all end in 5 in their low byte.
                    code.parse::<i32>().ok().is_some_and(|c| c & 0xff == 5)
                }
            }
            DbError::Sqlx(
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed,
            ) => true,
            _ => false,
        }
    }
}

/// Shared handle to the database.
pub type Db = Arc<dyn Database>;

/// A message as stored, with the fields only the server sees (storage key, upload id).
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: Id,
    pub thread_id: Id,
    pub author_id: Id,
    pub author: String,
    pub kind: MessageKind,
    pub title: String,
    pub body: Option<String>,
    pub parent_id: Option<Id>,
    pub status: MessageStatus,
    pub status_reason: Option<String>,
    pub progress_percent: Option<u8>,
    pub object_key: Option<String>,
    pub upload_id: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub duration_ms: Option<i64>,
    pub urgent: bool,
    pub reply_count: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// Where the poster image (JPEG) is stored, once the worker made one.
    pub poster_key: Option<String>,
    /// The language its transcript was spoken in (ISO 639-1), once transcribed.
    pub language: Option<String>,
}

/// A message to insert.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub thread_id: Id,
    pub author_id: Id,
    pub kind: MessageKind,
    pub title: String,
    pub body: Option<String>,
    pub parent_id: Option<Id>,
    pub status: MessageStatus,
    pub content_type: Option<String>,
    /// Set by the author: notifications go out at once, quiet hours or not.
    pub urgent: bool,
    pub now_ms: i64,
}

/// A thread's share link as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub thread_id: Id,
    /// The secret every shared URL carries.
    pub key: String,
    pub password_hash: Option<String>,
    pub expires_at_ms: Option<i64>,
    pub created_by: Id,
    pub created_at_ms: i64,
}

impl std::fmt::Debug for LinkRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkRow")
            .field("thread_id", &self.thread_id)
            .field("key", &"<secret>")
            .field("has_password", &self.password_hash.is_some())
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// A person's time zone and quiet hours as stored (quiet hours only with a time zone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hours {
    pub time_zone: Option<String>,
    /// Minutes after local midnight.
    pub quiet_start_min: Option<i64>,
    pub quiet_end_min: Option<i64>,
}

/// One recipient of a new message and when to tell them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: Id,
    pub urgent: bool,
    pub deliver_at_ms: i64,
}

/// What an assembled upload turned out to be.
#[derive(Debug, Clone)]
pub struct FinishedUpload {
    pub size_bytes: i64,
    pub duration_ms: Option<i64>,
    /// The exact type its first bytes showed (replaces what the client declared).
    pub content_type: String,
}

/// A token as listed by the admin commands (never the token itself).
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: Id,
    pub user: String,
    pub hint: String,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// A user with its password hash (`None`: no password set; it signs in with tokens only).
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// An invite to store (only the hash of its code).
#[derive(Debug, Clone)]
pub struct NewInvite {
    pub code_hash: String,
    /// `None`: created with `vidmsg-server invite create`.
    pub created_by: Option<Id>,
    pub expires_at_ms: i64,
    /// Spaces the joiner becomes a member of.
    pub spaces: Vec<Id>,
    pub now_ms: i64,
}

/// The account an invite creates: name, password hash and first token (hash and hint).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub name: String,
    pub password_hash: String,
    pub token_hash: String,
    pub token_hint: String,
    pub now_ms: i64,
}

/// Cursor of the thread list: threads come newest-activity first.
#[derive(Debug, Clone, Copy)]
pub struct ThreadCursor {
    pub updated_at_ms: i64,
    pub id: Id,
}

/// A transcription job a worker holds.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub id: Id,
    pub message_id: Id,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// State of a message's transcription job, for operators and tests.
#[derive(Debug, Clone)]
pub struct JobInfo {
    pub state: String,
    pub attempts: i64,
    pub worker: Option<String>,
    pub last_error: Option<String>,
}

/// What the summaries made of a message's transcript: its suggested title and its chapters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageSummary {
    pub suggested_title: Option<String>,
    pub chapters: Vec<vidmsg_api::Chapter>,
}

/// What a finished transcription writes.
#[derive(Debug, Clone)]
pub struct TranscriptResult {
    pub segments: Vec<Segment>,
    pub duration_ms: Option<i64>,
    /// A note shown with the `ready` message (e.g. "the clip has no audio track").
    pub note: Option<String>,
    /// The language it was spoken in (whisper's code, ISO 639-1 such as "fr"); `None`: unknown
    /// (no speech). Stored on the message and on each segment (PostgreSQL stems by it).
    pub language: Option<String>,
}

/// The last hand edit of a message's transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptEdit {
    pub edited_at_ms: i64,
    /// The editor's name.
    pub edited_by: String,
}

/// What changed in a user's threads since a time (ids of threads and messages to re-read, and
/// new comments and reactions).
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub threads: Vec<Id>,
    pub messages: Vec<Id>,
    pub comments: Vec<vidmsg_api::Comment>,
    pub reactions: Vec<vidmsg_api::Reaction>,
}

#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Answers when the database can run a query (the health check).
    async fn ping(&self) -> DbResult<()>;
    /// Transcription jobs by state (the health check).
    async fn queue_depth(&self) -> DbResult<vidmsg_api::QueueDepth>;

    /// Unread messages (by others, after the user's last read) per thread of `user`.
    async fn unread_counts(&self, user: Id) -> DbResult<std::collections::HashMap<Id, i64>>;
    async fn mark_read(&self, thread: Id, user: Id, now_ms: i64) -> DbResult<()>;
    /// Changes in `user`'s threads with a time after `since_ms`.
    async fn changes_since(&self, user: Id, since_ms: i64) -> DbResult<Changes>;

    // --- accounts ---
    /// Creates a user: an admin if `admin`, or if it is the first account.
    async fn create_user(&self, name: &str, admin: bool, now_ms: i64) -> DbResult<User>;
    async fn list_users(&self) -> DbResult<Vec<User>>;
    async fn user_by_name(&self, name: &str) -> DbResult<Option<User>>;
    async fn add_token(
        &self,
        user_id: Id,
        token_hash: &str,
        hint: &str,
        now_ms: i64,
    ) -> DbResult<Id>;
    async fn user_by_token_hash(&self, token_hash: &str) -> DbResult<Option<User>>;
    async fn list_tokens(&self) -> DbResult<Vec<TokenRow>>;
    /// Revokes the token with this hash; returns how many were revoked (0 or 1).
    async fn revoke_token_hash(&self, token_hash: &str, now_ms: i64) -> DbResult<u64>;
    /// Revokes a token by its listed id.
    async fn revoke_token_id(&self, id: Id, now_ms: i64) -> DbResult<u64>;

    // --- passwords and invites ---
    /// Sets (or replaces) a user's password hash.
    async fn set_password(&self, user: Id, password_hash: &str) -> DbResult<()>;
    /// The user of this name with its password hash, for signing in.
    async fn credentials(&self, name: &str) -> DbResult<Option<Credentials>>;
    async fn create_invite(&self, new: &NewInvite) -> DbResult<Id>;
    /// Uses the invite and creates the account with its first token, at once; `None` when the
    /// invite is unknown, used or expired; `Conflict` when the name is taken (invite unused).
    async fn join_with_invite(
        &self,
        code_hash: &str,
        session: &NewSession,
    ) -> DbResult<Option<User>>;

    // --- spaces ---
    /// Creates a space with its creator as first member; `Conflict` if the name is taken.
    async fn create_space(
        &self,
        name: &str,
        private: bool,
        creator: Id,
        now_ms: i64,
    ) -> DbResult<Id>;
    /// The space, as `viewer` sees it (`joined`), whether or not `viewer` may see it.
    async fn space(&self, id: Id, viewer: Id) -> DbResult<Option<Space>>;
    /// The space of this name (any case), as `viewer` sees it, whether or not it may.
    async fn space_by_name(&self, name: &str, viewer: Id) -> DbResult<Option<Space>>;
    /// Every public space and the private ones `viewer` belongs to.
    async fn list_spaces(&self, viewer: Id) -> DbResult<Vec<Space>>;
    async fn add_space_member(&self, space: Id, user: Id, now_ms: i64) -> DbResult<()>;
    /// Removes a member; false if `user` was not one.
    async fn remove_space_member(&self, space: Id, user: Id) -> DbResult<bool>;

    // --- hours and notifications ---
    async fn hours(&self, user: Id) -> DbResult<Hours>;
    /// Every user's hours, by id.
    async fn all_hours(&self) -> DbResult<Vec<(Id, Hours)>>;
    async fn set_hours(&self, user: Id, hours: &Hours) -> DbResult<()>;
    /// Everyone who sees the message's thread, but its author.
    async fn recipients(&self, message: Id) -> DbResult<Vec<(Id, Hours)>>;
    async fn add_notifications(
        &self,
        message: Id,
        items: &[NewNotification],
        now_ms: i64,
    ) -> DbResult<()>;
    /// Newest first; `delivered` is `deliver_at_ms <= now_ms`.
    async fn notifications(
        &self,
        user: Id,
        now_ms: i64,
        limit: u32,
    ) -> DbResult<Vec<vidmsg_api::Notification>>;
    async fn unseen_notifications(&self, user: Id, now_ms: i64) -> DbResult<i64>;
    /// Unseen ones whose delivery time is in `(after_ms, up_to_ms]` (the event feed).
    async fn delivered_between(
        &self,
        user: Id,
        after_ms: i64,
        up_to_ms: i64,
    ) -> DbResult<Vec<vidmsg_api::Notification>>;
    /// Marks delivered ones seen (`ids` empty: all).
    async fn mark_notifications_seen(&self, user: Id, ids: &[Id], now_ms: i64) -> DbResult<()>;
    /// Marks the notifications of a message, or of every message of a thread, seen.
    async fn mark_seen_where(
        &self,
        user: Id,
        message: Option<Id>,
        thread: Option<Id>,
        now_ms: i64,
    ) -> DbResult<()>;

    // --- share links ---
    async fn thread_link(&self, thread: Id) -> DbResult<Option<LinkRow>>;
    async fn set_thread_link(&self, link: &LinkRow) -> DbResult<()>;
    /// False if the thread had no link.
    async fn delete_thread_link(&self, thread: Id) -> DbResult<bool>;
    /// The thread's first top-level message, if any.
    async fn first_message(&self, thread: Id) -> DbResult<Option<Id>>;

    // --- threads ---
    /// Creates a thread posted to `space` (its members see it), or without one to the creator
    /// and `people`.
    async fn create_thread(
        &self,
        title: &str,
        creator: Id,
        space: Option<Id>,
        people: &[Id],
        now_ms: i64,
    ) -> DbResult<Id>;
    async fn thread(&self, id: Id) -> DbResult<Option<Thread>>;
    /// True if `user` sees the thread: a member of its space, or one of its people.
    async fn is_member(&self, thread: Id, user: Id) -> DbResult<bool>;
    async fn list_threads(
        &self,
        user: Id,
        after: Option<ThreadCursor>,
        limit: u32,
    ) -> DbResult<Vec<Thread>>;
    async fn add_member(&self, thread: Id, user: Id, now_ms: i64) -> DbResult<()>;
    /// Removes a member; false if `user` was not one.
    async fn remove_member(&self, thread: Id, user: Id) -> DbResult<bool>;
    async fn delete_thread(&self, id: Id) -> DbResult<()>;

    // --- messages ---
    async fn insert_message(&self, new: &NewMessage) -> DbResult<Id>;
    async fn message(&self, id: Id) -> DbResult<Option<MessageRow>>;
    async fn list_messages(
        &self,
        thread: Id,
        after: Option<Id>,
        limit: u32,
    ) -> DbResult<Vec<MessageRow>>;
    /// Records where a video will be stored and the open multipart upload's id.
    async fn set_upload(
        &self,
        id: Id,
        object_key: &str,
        upload_id: &str,
        now_ms: i64,
    ) -> DbResult<()>;
    /// `uploading → processing` once the object is assembled, and queues its transcription.
    /// False if the message was not uploading any more (a concurrent complete or abort won).
    async fn finish_upload(&self, id: Id, done: &FinishedUpload, now_ms: i64) -> DbResult<bool>;
    /// Bytes of stored video (assembled or being assembled) that `user` wrote.
    async fn stored_bytes(&self, user: Id) -> DbResult<i64>;
    /// Messages whose multipart upload is still open (s3s-fs cannot list them; the DB can).
    async fn open_uploads(&self) -> DbResult<Vec<MessageRow>>;
    /// Deletes a message and its replies; returns the deleted rows (to clean up storage).
    async fn delete_message(&self, id: Id) -> DbResult<Vec<MessageRow>>;
    /// Every message of a thread that has stored or uploading media.
    async fn thread_media(&self, thread: Id) -> DbResult<Vec<MessageRow>>;

    // --- transcription jobs ---
    /// Takes the oldest claimable job (queued and due, or running with an expired lease). A job
    /// whose lease expired `max_lease_expiries` times (its worker died each time) fails for good
    /// instead of being claimed again.
    async fn claim_job(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        max_lease_expiries: i64,
    ) -> DbResult<Option<JobRow>>;
    /// Extends the lease; false if the job is no longer this worker's.
    async fn heartbeat_job(&self, job: Id, worker: &str, lease_until_ms: i64) -> DbResult<bool>;
    async fn set_progress(&self, message: Id, percent: u8) -> DbResult<()>;
    /// Records the message's poster image and moves its change time (the event feed sends it).
    async fn set_poster(&self, message: Id, poster_key: &str, now_ms: i64) -> DbResult<()>;
    /// Stores the transcript, marks the message `ready` and the job done, all at once and only
    /// if the job is still this worker's (so a job finishes exactly once).
    async fn finish_job(
        &self,
        job: &JobRow,
        worker: &str,
        result: &TranscriptResult,
        now_ms: i64,
    ) -> DbResult<bool>;
    /// A failed attempt: `retry_at_ms` re-queues it, `None` fails the message with `error`.
    async fn fail_job(
        &self,
        job: &JobRow,
        worker: &str,
        error: &str,
        retry_at_ms: Option<i64>,
        now_ms: i64,
    ) -> DbResult<bool>;
    /// Shows `reason` on every message waiting for a transcription.
    async fn note_waiting(&self, reason: Option<&str>) -> DbResult<()>;
    /// Queues a message's transcription again; false if it has no stored video.
    async fn requeue(&self, message: Id, now_ms: i64) -> DbResult<bool>;
    async fn transcript(&self, message: Id) -> DbResult<Vec<Segment>>;
    /// Replaces the suggested title and chapters made from the message's transcript.
    async fn set_summary(&self, message: Id, summary: &MessageSummary, now_ms: i64)
    -> DbResult<()>;
    /// The suggested title and chapters of a message (empty if none were made).
    async fn summary(&self, message: Id) -> DbResult<MessageSummary>;
    /// Sets the title the message's author gave it.
    async fn set_title(&self, message: Id, title: &str, now_ms: i64) -> DbResult<()>;
    async fn job_info(&self, message: Id) -> DbResult<Option<JobInfo>>;

    // --- transcript edits (the machine transcript is kept beside the edited one) ---
    /// Replaces the transcript of a `ready` message with `segments` (validated by the caller)
    /// in one transaction: the machine transcript is copied aside on the first edit, a
    /// segment whose text is unchanged keeps its word times (a changed one loses them), the
    /// search index follows, and the message's change time moves (the event feed tells the
    /// apps). `Conflict` when the message is not `ready` (being transcribed, or failed).
    async fn edit_transcript(
        &self,
        message: Id,
        editor: Id,
        segments: &[vidmsg_api::EditedSegment],
        now_ms: i64,
    ) -> DbResult<()>;
    /// Puts the machine transcript back and forgets the edit; false if it was not edited.
    /// `Conflict` when the message is not `ready`.
    async fn restore_transcript(&self, message: Id, now_ms: i64) -> DbResult<bool>;
    /// Who edited the transcript and when (`None`: it is the machine transcript).
    async fn transcript_edit(&self, message: Id) -> DbResult<Option<TranscriptEdit>>;
    async fn search(&self, spec: &SearchSpec) -> DbResult<Vec<SearchHit>>;
    /// The known word times of these segments (a page of search hits), by segment id; a
    /// segment whose words are unknown is left out.
    async fn segment_words(
        &self,
        segments: &[Id],
    ) -> DbResult<std::collections::HashMap<Id, Vec<vidmsg_api::Word>>>;

    // --- comments, reactions, views ---
    async fn add_comment(
        &self,
        message: Id,
        author: Id,
        at_ms: i64,
        body: &str,
        now_ms: i64,
    ) -> DbResult<Comment>;
    async fn list_comments(&self, message: Id) -> DbResult<Vec<Comment>>;
    async fn add_reaction(
        &self,
        message: Id,
        author: Id,
        at_ms: i64,
        emoji: &str,
        now_ms: i64,
    ) -> DbResult<Reaction>;
    async fn list_reactions(&self, message: Id) -> DbResult<Vec<Reaction>>;
    /// Keeps the furthest position a user reported for a message.
    async fn record_view(
        &self,
        message: Id,
        user: Id,
        watched_ms: i64,
        now_ms: i64,
    ) -> DbResult<View>;
    async fn list_views(&self, message: Id) -> DbResult<Vec<View>>;
}

/// Opens the database a URL names and brings its schema up to date.
pub async fn connect(url: &str) -> DbResult<Db> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let db = sqlite::SqliteDb::open(path).await?;
        Ok(Arc::new(db))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let db = postgres::PgDb::open(url).await?;
        Ok(Arc::new(db))
    } else {
        Err(DbError::UnsupportedUrl(url.to_string()))
    }
}

/// The database URL with its password replaced, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
