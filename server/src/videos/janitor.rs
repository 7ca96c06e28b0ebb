//! Removes what no message needs: uploads abandoned for longer than the configured time (no part
//! arrived), multipart uploads and objects in the store that no message refers to (left by a
//! crash or a failed delete), and the media of deleted messages. Runs at start and then hourly.

use std::collections::HashSet;
use std::time::Duration;

use super::keys;
use super::reconcile;
use crate::db::{Db, MessageRow, now_ms};
use crate::storage::Store;

/// How long an object or upload must be unreferenced before it is removed: longer than any
/// request between creating an upload and recording it in the database.
pub const ORPHAN_GRACE: Duration = Duration::from_secs(3600);

/// Removes stored videos, captions and posters and aborts open uploads of deleted messages. A failure
/// leaves an orphan, never a broken message, so it is logged; the janitor removes it later.
pub async fn discard_media(store: &Store, rows: &[MessageRow]) {
    for row in rows {
        let Some(key) = &row.object_key else { continue };
        if let Some(upload) = &row.upload_id
            && let Err(e) = store.abort(key, upload).await
            && e.code() != Some("NoSuchUpload")
        {
            tracing::warn!(message = row.id, error = %e, "could not abort the upload of a deleted message");
        }
        // The poster sits beside the video; a recorded key elsewhere goes too.
        let recorded_poster = row
            .poster_key
            .clone()
            .filter(|p| *p != keys::poster_key(key));
        for k in [
            key.clone(),
            keys::captions_key(key),
            keys::poster_key(key),
            legacy_captions_key(row.id),
        ]
        .into_iter()
        .chain(recorded_poster)
        {
            if let Err(e) = store.delete(&k).await {
                tracing::debug!(message = row.id, key = %k, error = %e, "could not remove an object");
            }
        }
    }
}

/// Where captions lived before keys became random (still removed with their message).
fn legacy_captions_key(id: vidmsg_api::Id) -> String {
    format!("{}{id}/captions.vtt", keys::PREFIX)
}

/// What one pass did.
#[derive(Debug, Default)]
pub struct Swept {
    /// Uploads and objects removed.
    pub removed: usize,
    /// Messages whose upload was found assembled and finished (they need their notifications).
    pub finished: Vec<vidmsg_api::Id>,
}

/// One pass. `grace` is how long an unreferenced upload or object is left alone
/// ([`ORPHAN_GRACE`] when serving).
pub async fn sweep(db: &Db, store: &Store, abandoned_after: Duration, grace: Duration) -> Swept {
    let finished = reconcile::reconcile_all(db, store).await;
    let mut removed = 0;
    let now = now_ms();
    let abandoned_ms = i64::try_from(abandoned_after.as_millis()).unwrap_or(i64::MAX);
    let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);

    // Uploads no part reached for too long.
    let open = db.open_uploads().await.unwrap_or_default();
    for row in &open {
        let (Some(key), Some(upload)) = (&row.object_key, &row.upload_id) else {
            continue;
        };
        let Ok(parts) = store.list_stored_parts(key, upload).await else {
            continue;
        };
        let last = parts
            .iter()
            .filter_map(|p| p.last_modified_ms)
            .chain([row.updated_at_ms])
            .max()
            .unwrap_or(row.updated_at_ms);
        if now.saturating_sub(last) >= abandoned_ms {
            tracing::info!(
                message = row.id,
                parts = parts.len(),
                "discarding an abandoned upload"
            );
            if reconcile::discard(db, store, row.id).await.is_ok() {
                removed += 1;
            }
        }
    }

    // Uploads in the store that no message knows.
    let known: HashSet<String> = db
        .open_uploads()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.upload_id)
        .collect();
    match store.list_uploads().await {
        Ok(uploads) => {
            for u in uploads {
                let old = u
                    .initiated_ms
                    .is_none_or(|t| now.saturating_sub(t) >= grace_ms);
                if !known.contains(&u.upload_id) && old {
                    match store.abort(&u.key, &u.upload_id).await {
                        Ok(()) => removed += 1,
                        Err(e) => {
                            tracing::warn!(key = %u.key, error = %e, "could not abort an orphaned upload")
                        }
                    }
                }
            }
        }
        Err(e) => tracing::debug!(error = %e, "the store does not list uploads"),
    }

    // Objects of messages that are gone or that moved to another key.
    if let Ok(objects) = store.list_keys(keys::PREFIX).await {
        for (key, modified) in objects {
            if modified.is_some_and(|t| now.saturating_sub(t) < grace_ms) {
                continue;
            }
            let wanted = match keys::message_of(&key) {
                None => false,
                Some(id) => match db.message(id).await {
                    Ok(Some(m)) => {
                        m.object_key
                            .as_deref()
                            .is_some_and(|k| keys::folder(k) == keys::folder(&key))
                            || key == legacy_captions_key(id)
                    }
                    Ok(None) => false,
                    Err(_) => true, // cannot tell: keep
                },
            };
            if !wanted {
                match store.delete(&key).await {
                    Ok(()) => removed += 1,
                    Err(e) => {
                        tracing::warn!(%key, error = %e, "could not remove an orphaned object")
                    }
                }
            }
        }
    }
    if removed > 0 {
        tracing::info!(
            removed,
            "janitor removed abandoned uploads and orphaned objects"
        );
    }
    Swept { removed, finished }
}

/// Sweeps now and then every `every` until the task is dropped.
pub fn spawn(
    state: crate::state::AppState,
    abandoned_after: Duration,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let swept = sweep(&state.db, &state.store, abandoned_after, ORPHAN_GRACE).await;
            for id in swept.finished {
                crate::notifications::notify_posted(&state, id).await;
            }
            tokio::time::sleep(every).await;
        }
    })
}
