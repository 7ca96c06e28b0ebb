//! A message's suggested title and chapters, made from its transcript by the plain text
//! algorithms of `vidmsg_transcribe::summary` (no model, no service): by the worker once it has
//! a transcript, and again by [`refresh`] whenever the transcript changes (an edit, a restore).
//! [`for_api`] is what the message JSON shows of them.

use vidmsg_api::{Id, MessageKind, MessageStatus, Segment};
use vidmsg_transcribe::summary::summarize;

use crate::db::{Db, DbResult, MessageRow, MessageSummary, now_ms};
use crate::domain::Title;

/// Makes and stores the summary of `segments`, the message's transcript.
pub async fn store(db: &Db, message: Id, segments: &[Segment]) -> DbResult<MessageSummary> {
    let made = summarize(segments);
    let summary = MessageSummary {
        suggested_title: made.title,
        chapters: made.chapters,
    };
    db.set_summary(message, &summary, now_ms()).await?;
    Ok(summary)
}

/// Makes the summary again from the stored transcript: call it after the transcript changed
/// (`PUT /api/messages/{id}/transcript`, a restore).
pub async fn refresh(db: &Db, message: Id) -> DbResult<MessageSummary> {
    let segments = db.transcript(message).await?;
    store(db, message, &segments).await
}

/// What the message JSON shows: the chapters of a ready video, and its suggested title while its
/// title is still a placeholder. Other messages cost no query.
pub async fn for_api(db: &Db, row: &MessageRow) -> DbResult<MessageSummary> {
    if row.kind != MessageKind::Video || row.status != MessageStatus::Ready {
        return Ok(MessageSummary::default());
    }
    let mut s = db.summary(row.id).await?;
    if !Title::is_placeholder(&row.title) {
        s.suggested_title = None;
    }
    Ok(s)
}
