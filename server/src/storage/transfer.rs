//! Whole-object reads and writes for `backup` and `restore`: what the store says of an object
//! (HEAD), and copies between the store and local files, streamed so a 4 GiB video never sits
//! in memory.

use std::path::Path;

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::primitives::ByteStream;
use tokio::io::AsyncWriteExt as _;

use super::{StorageError, Store, normalize_etag, sdk_err};

/// What HEAD says of a stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: i64,
    /// Without quotes ([`normalize_etag`]).
    pub etag: Option<String>,
    pub content_type: Option<String>,
}

impl Store {
    /// The object's size, ETag and type; `None` when the bucket has no such key.
    pub async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, StorageError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(ObjectInfo {
                size: out.content_length().unwrap_or_default(),
                etag: out.e_tag().map(normalize_etag),
                content_type: out.content_type().map(str::to_string),
            })),
            Err(SdkError::ServiceError(se)) if se.err().is_not_found() => Ok(None),
            Err(e) => Err(sdk_err("HeadObject")(e)),
        }
    }

    /// Writes the object's bytes to `path` (created or truncated); returns how many.
    pub async fn download(&self, key: &str, path: &Path) -> Result<u64, StorageError> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(sdk_err("GetObject"))?;
        let local = |e: std::io::Error| {
            StorageError::Unavailable(format!("GetObject: writing {}: {e}", path.display()))
        };
        let mut file = tokio::fs::File::create(path).await.map_err(local)?;
        let mut body = out.body;
        let mut written = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| StorageError::Unavailable(format!("GetObject: {e}")))?;
            file.write_all(&chunk).await.map_err(local)?;
            written += chunk.len() as u64;
        }
        file.sync_all().await.map_err(local)?;
        Ok(written)
    }

    /// Stores the file at `path` under `key` in one PUT (S3 takes up to 5 GiB so; a video is at
    /// most `max_message_mib`, 4 GiB by default).
    pub async fn upload_file(
        &self,
        key: &str,
        path: &Path,
        content_type: &str,
    ) -> Result<(), StorageError> {
        let body = ByteStream::from_path(path).await.map_err(|e| {
            StorageError::Unavailable(format!("PutObject: reading {}: {e}", path.display()))
        })?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(body)
            .send()
            .await
            .map_err(sdk_err("PutObject"))?;
        Ok(())
    }
}
