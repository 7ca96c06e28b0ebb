//! Poster images of video messages: the worker has one made (in the poster child, see
//! [`super::poster_process`]) once the clip is in the store, puts it beside the video as
//! `poster.jpg` (`image/jpeg`) and records its key; the API hands out a short-lived URL of it
//! as `thumbnail_url`. A poster is a nicety: failing to make one is logged and never fails the
//! transcript; the message then simply has no thumbnail.

use vidmsg_api::MessageKind;

use super::decoder_process::DecoderSettings;
use crate::db::{Db, MessageRow, now_ms};
use crate::storage::{Served, Store};
use crate::videos::keys;

/// Makes, stores and records the poster of `message`'s video at `video_key`, read from `url`
/// (a presigned GET). Does nothing when the message already has one (a retried job).
pub async fn make_and_store(
    db: &Db,
    store: &Store,
    decoding: &DecoderSettings,
    message: &MessageRow,
    video_key: &str,
    url: &str,
) {
    if message.poster_key.is_some() {
        return;
    }
    let started = std::time::Instant::now();
    let (settings, location) = (decoding.clone(), url.to_string());
    let made = tokio::task::spawn_blocking(move || {
        super::poster_process::make_poster(&settings, &location)
    })
    .await;
    let jpeg = match made {
        Ok(Ok(jpeg)) => jpeg,
        Ok(Err(e)) => {
            tracing::warn!(message = message.id, detail = %e.detail(), "no poster for this video");
            return;
        }
        Err(e) => {
            tracing::warn!(message = message.id, error = %e, "the poster thread failed");
            return;
        }
    };
    let key = keys::poster_key(video_key);
    let bytes = jpeg.len();
    if let Err(e) = store.put(&key, jpeg, "image/jpeg").await {
        tracing::warn!(message = message.id, error = %e, "could not store the poster");
        return;
    }
    match db.set_poster(message.id, &key, now_ms()).await {
        Ok(()) => tracing::info!(
            message = message.id,
            bytes,
            secs = started.elapsed().as_secs_f32(),
            "poster made"
        ),
        // The stored object is in the video's folder: the janitor removes it with the video.
        Err(e) => tracing::warn!(message = message.id, error = %e, "could not record the poster"),
    }
}

/// A short-lived URL of the message's poster, if it has one. A URL that cannot be made only
/// leaves the thumbnail out.
pub async fn thumbnail_url(store: &Store, row: &MessageRow) -> Option<String> {
    let key = row.poster_key.as_deref()?;
    if row.kind != MessageKind::Video {
        return None;
    }
    let file_name = format!("vidmsg-{}.jpg", row.id);
    let served = Served {
        content_type: "image/jpeg",
        file_name: &file_name,
    };
    match store.presign_playback(key, &served).await {
        Ok(url) => Some(url),
        Err(e) => {
            tracing::warn!(message = row.id, error = %e, "could not sign the poster's URL");
            None
        }
    }
}
