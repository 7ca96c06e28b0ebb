//! Transcripts and search: timed segments with their word times, a transcript and its hand
//! edits, and search hits that point at the word that matched.

use serde::{Deserialize, Serialize};

use crate::{Id, MessageStatus};

/// One timed piece of a transcript.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Segment {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
    /// When each word of `text` was said, in order (absent when unknown: transcripts made
    /// before word times were kept, or text edited by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<Word>>,
}

/// One spoken word of a transcript segment and when it was said (clip times, in milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Word {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The word as written in the segment's text, with the punctuation attached to it.
    pub text: String,
}

/// `GET /api/messages/{id}/transcript`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transcript {
    pub message_id: Id,
    pub status: MessageStatus,
    pub segments: Vec<Segment>,
    /// True when its author or an admin edited the text (`PUT …/transcript`); the machine
    /// transcript is kept and `POST …/transcript/restore` brings it back.
    #[serde(default)]
    pub edited: bool,
    /// When it was last edited (absent unless `edited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at_ms: Option<i64>,
    /// Who edited it last (absent unless `edited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_by: Option<String>,
}

/// One segment of an edited transcript (`PUT /api/messages/{id}/transcript`): its times in the
/// clip and its corrected text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditedSegment {
    pub start_ms: i64,
    pub end_ms: i64,
    /// 1 to 1,000 characters after trimming, no control characters.
    pub text: String,
}

/// `PUT /api/messages/{id}/transcript`: the whole transcript as it should read, segments in
/// order and not overlapping (at most 5,000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditTranscript {
    pub segments: Vec<EditedSegment>,
}

/// Query of `GET /api/search`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SearchQuery {
    /// Words (all must match), `"exact phrases"`, `prefix*`, and `OR` between alternatives.
    pub q: String,
    /// Only this thread.
    pub thread: Option<Id>,
    /// Hits per page, 1–100 (default 20).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A transcript segment that matches a search.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// The matching transcript segment.
    pub segment_id: Id,
    pub message_id: Id,
    pub thread_id: Id,
    pub thread_title: String,
    /// Title of the message.
    pub title: String,
    pub author: String,
    /// When the first matched word was said (the segment's start when word times are unknown):
    /// where a player seeks.
    pub start_ms: i64,
    pub end_ms: i64,
    /// The segment's text with each matched word wrapped in `<mark>…</mark>`.
    pub snippet: String,
    /// Relevance (higher is better).
    pub score: f64,
}

/// `GET /api/search`: hits ranked by relevance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub next_cursor: Option<String>,
}
