//! The objects a backup's rows name: which keys (a message's video, its captions beside it, its
//! poster), what the store says of each, and copies of their bytes to and from `objects/`.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::{Map, Value};

use super::manifest::ObjectEntry;
use super::{BackupError, Result};
use crate::storage::Store;
use crate::videos::keys;

/// HEADs (and copies) run this many at a time.
const PARALLEL: usize = 8;

/// A key a `messages` row names.
pub(super) struct ObjectRef {
    pub key: String,
    pub kind: &'static str,
    pub message_id: i64,
}

/// The objects one `messages` row stands for. A video's object exists once its upload is
/// complete (not while `uploading`); the worker writes the captions beside it before it marks
/// the message `ready`; the poster is wherever `poster_key` says.
pub(super) fn refs_of_message(row: &Map<String, Value>) -> Vec<ObjectRef> {
    let text = |c: &str| row.get(c).and_then(Value::as_str);
    let message_id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
    let mut refs = Vec::new();
    if let Some(video) = text("object_key")
        && text("status") != Some("uploading")
    {
        refs.push(ObjectRef {
            key: video.to_string(),
            kind: "video",
            message_id,
        });
        if text("status") == Some("ready") {
            refs.push(ObjectRef {
                key: keys::captions_key(video),
                kind: "captions",
                message_id,
            });
        }
    }
    if let Some(poster) = text("poster_key") {
        refs.push(ObjectRef {
            key: poster.to_string(),
            kind: "poster",
            message_id,
        });
    }
    refs
}

/// What the store says of each key (once per key, in key order); `size` stays `None` for a key
/// the store lacks. A store that cannot be asked fails the backup.
pub(super) async fn inspect(store: &Store, refs: Vec<ObjectRef>) -> Result<Vec<ObjectEntry>> {
    let unique: BTreeMap<String, ObjectRef> =
        refs.into_iter().map(|r| (r.key.clone(), r)).collect();
    futures_util::stream::iter(unique.into_values())
        .map(|r| async move {
            let info = store
                .head(&r.key)
                .await
                .map_err(|source| BackupError::Storage {
                    key: r.key.clone(),
                    source,
                })?;
            Ok(ObjectEntry {
                size: info.as_ref().map(|i| i.size),
                etag: info.as_ref().and_then(|i| i.etag.clone()),
                content_type: info.and_then(|i| i.content_type),
                key: r.key,
                kind: r.kind.to_string(),
                message_id: r.message_id,
                file: None,
            })
        })
        .buffered(PARALLEL)
        .try_collect()
        .await
}

/// Where a key's bytes go under the backup folder. Keys are the server's own
/// (`messages/ID/RANDOM/NAME`), but one from a damaged row must never name a path outside it.
fn local_name(key: &str) -> Result<String> {
    let safe = !key.is_empty()
        && !key.contains('\\')
        && Path::new(key)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(format!("objects/{key}"))
    } else {
        Err(BackupError::Format(format!(
            "object key {key:?} cannot be a file name"
        )))
    }
}

/// Copies every object the store holds into `dir/objects/KEY` (a temporary name, then renamed)
/// and records where; returns the bytes copied.
pub(super) async fn copy_out(store: &Store, dir: &Path, items: &mut [ObjectEntry]) -> Result<u64> {
    let jobs =
        items
            .iter_mut()
            .filter(|i| i.size.is_some())
            .map(|item| async move {
                let name = local_name(&item.key)?;
                let path = dir.join(&name);
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .map_err(BackupError::io(format!("creating {}", parent.display())))?;
                }
                let tmp = path.with_extension("part");
                let n = store.download(&item.key, &tmp).await.map_err(|source| {
                    BackupError::Storage {
                        key: item.key.clone(),
                        source,
                    }
                })?;
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(BackupError::io(format!("naming {}", path.display())))?;
                item.file = Some(name);
                Ok::<u64, BackupError>(n)
            });
    let sizes: Vec<u64> = futures_util::stream::iter(jobs)
        .buffer_unordered(PARALLEL)
        .try_collect()
        .await?;
    Ok(sizes.iter().sum())
}

/// Puts every copied object back into the store, unless the store already holds it with the
/// backed-up size (a second run does not upload again); returns how many were uploaded.
pub(super) async fn copy_in(store: &Store, dir: &Path, items: &[ObjectEntry]) -> Result<usize> {
    let jobs = items.iter().filter_map(|item| {
        let file = item.file.as_ref()?;
        Some(async move {
            let storage = |source| BackupError::Storage {
                key: item.key.clone(),
                source,
            };
            if local_name(&item.key)? != *file {
                return Err(BackupError::Format(format!(
                    "object {} is said to be in {file}",
                    item.key
                )));
            }
            let held = store.head(&item.key).await.map_err(storage)?;
            if held.is_some_and(|h| Some(h.size) == item.size) {
                return Ok(0);
            }
            let kind = item
                .content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            store
                .upload_file(&item.key, &dir.join(file), kind)
                .await
                .map_err(storage)?;
            Ok(1)
        })
    });
    let done: Vec<usize> = futures_util::stream::iter(jobs)
        .buffer_unordered(PARALLEL)
        .try_collect()
        .await?;
    Ok(done.iter().sum())
}

/// Every object of the manifest the store lacks or holds with another size, as `KEY (why)`.
pub(super) async fn verify(store: &Store, items: &[ObjectEntry]) -> Result<Vec<String>> {
    let found: Vec<Option<String>> = futures_util::stream::iter(items)
        .map(|item| async move {
            let held = store
                .head(&item.key)
                .await
                .map_err(|source| BackupError::Storage {
                    key: item.key.clone(),
                    source,
                })?;
            Ok::<_, BackupError>(match (held, item.size) {
                (None, _) => Some(format!("{} (missing)", item.key)),
                (Some(h), Some(want)) if h.size != want => Some(format!(
                    "{} ({} bytes, the backup had {want})",
                    item.key, h.size
                )),
                _ => None,
            })
        })
        .buffered(PARALLEL)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}
