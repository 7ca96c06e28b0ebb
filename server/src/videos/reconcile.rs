//! Putting an upload right with the store after a crash. The database says a message is
//! `uploading`; the store may say otherwise:
//! - the upload is still open → nothing to do (the client resumes);
//! - the upload is gone but the video is there (assembled just before the crash) → the message
//!   finishes as if `complete` had returned;
//! - both are gone (a store that lost them) → a fresh upload is opened under a new key, and the
//!   client, told so, sends every part again from its local copy.
//!
//! Runs for every open upload at start, on each janitor pass, and when `complete` finds its
//! upload gone.

use vidmsg_api::Id;

use super::container::{self, Container};
use super::keys;
use crate::db::{Db, FinishedUpload, MessageRow, now_ms};
use crate::domain::VideoType;
use crate::storage::{StorageError, Store};

/// What reconciling found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The upload is open in the store: the client can go on.
    StillOpen,
    /// The video was assembled: the message is `processing` now.
    Finished,
    /// Upload and video were gone: a fresh upload is open, the client must send every part.
    Reopened,
    /// The assembled file is not a video the product takes: it was removed with its message.
    Refused(String),
    /// Nothing to reconcile (not uploading any more).
    NotUploading,
}

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

fn is_gone(e: &StorageError) -> bool {
    matches!(
        e.code(),
        Some("NoSuchUpload" | "NoSuchKey" | "NotFound" | "404")
    )
}

/// Checks an assembled object's first bytes against the product's containers and the declared
/// type; returns the exact type to serve it as.
pub async fn verify_video(
    store: &Store,
    key: &str,
    declared: Option<&str>,
) -> Result<Result<VideoType, String>, StorageError> {
    let head = store.read_prefix(key, container::SNIFF_LEN).await?;
    let Some(found) = container::sniff(&head) else {
        return Ok(Err(format!(
            "the upload is not a video vidmsg can play: it starts with {}, and only MP4 and \
             WebM recordings are accepted",
            container::describe(&head)
        )));
    };
    let declared = declared.and_then(|d| VideoType::parse(d).ok());
    Ok(Ok(match (declared, found) {
        (Some(d), f) if d.fits(f) => d,
        (_, Container::Mp4) => VideoType::Mp4,
        (_, Container::Matroska) => VideoType::Webm,
    }))
}

/// Removes a refused or deleted message's media and the message itself.
pub async fn discard(db: &Db, store: &Store, id: Id) -> Result<(), ReconcileError> {
    let removed = db.delete_message(id).await?;
    super::janitor::discard_media(store, &removed).await;
    Ok(())
}

/// Finishes a message whose object is assembled: verifies it, then `uploading → processing`.
pub async fn finish_assembled(
    db: &Db,
    store: &Store,
    row: &MessageRow,
    key: &str,
    duration_ms: Option<i64>,
) -> Result<Outcome, ReconcileError> {
    let size = store.size(key).await?;
    let verdict = if size == 0 {
        Err("the upload is empty; only MP4 and WebM recordings are accepted".to_string())
    } else {
        verify_video(store, key, row.content_type.as_deref()).await?
    };
    match verdict {
        Err(reason) => {
            tracing::warn!(message = row.id, %reason, "refused an upload that is not a video");
            discard(db, store, row.id).await?;
            Ok(Outcome::Refused(reason))
        }
        Ok(kind) => {
            let done = FinishedUpload {
                size_bytes: size,
                duration_ms,
                content_type: kind.as_str().to_string(),
            };
            if db.finish_upload(row.id, &done, now_ms()).await? {
                Ok(Outcome::Finished)
            } else {
                Ok(Outcome::NotUploading)
            }
        }
    }
}

/// Reconciles one message with the store.
pub async fn reconcile(
    db: &Db,
    store: &Store,
    row: &MessageRow,
) -> Result<Outcome, ReconcileError> {
    let (Some(key), Some(upload)) = (&row.object_key, &row.upload_id) else {
        return Ok(Outcome::NotUploading);
    };
    match store.list_parts(key, upload).await {
        Ok(_) => return Ok(Outcome::StillOpen),
        Err(e) if is_gone(&e) => {}
        Err(e) => return Err(e.into()),
    }
    match store.size(key).await {
        Ok(_) => {
            let outcome = finish_assembled(db, store, row, key, row.duration_ms).await?;
            tracing::info!(
                message = row.id,
                ?outcome,
                "found an assembled upload the database did not know of"
            );
            Ok(outcome)
        }
        Err(e) if is_gone(&e) => {
            let new_key = keys::new_video_key(row.id);
            let content_type = row
                .content_type
                .clone()
                .unwrap_or_else(|| VideoType::Mp4.as_str().to_string());
            let new_upload = store.create_multipart(&new_key, &content_type).await?;
            db.set_upload(row.id, &new_key, &new_upload, now_ms())
                .await?;
            tracing::warn!(
                message = row.id,
                "the store lost an upload; opened a new one for the client to send again"
            );
            Ok(Outcome::Reopened)
        }
        Err(e) => Err(e.into()),
    }
}

/// Reconciles every open upload; errors are logged (the next pass tries again). Returns the
/// messages it finished.
pub async fn reconcile_all(db: &Db, store: &Store) -> Vec<Id> {
    let rows = match db.open_uploads().await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "could not list open uploads");
            return Vec::new();
        }
    };
    let mut finished = Vec::new();
    for row in rows {
        match reconcile(db, store, &row).await {
            Ok(Outcome::Finished) => finished.push(row.id),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(message = row.id, error = %e, "could not reconcile an upload; will try again");
            }
        }
    }
    finished
}
