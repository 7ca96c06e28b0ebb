//! Object storage, always spoken to as S3 through `aws-sdk-s3`: the embedded endpoint and any
//! external S3 server (Garage, MinIO, AWS) take the same code path.

pub mod embedded;
mod transfer;

pub use transfer::ObjectInfo;

use std::time::Duration;

use aws_sdk_s3::config::{
    Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use vidmsg_api::UploadedPart;

/// Where the store is and how to sign for it.
#[derive(Debug, Clone)]
pub struct S3Settings {
    /// Base URL of the S3 API, as clients (recorder, player) reach it: presigned URLs carry it.
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
    /// How long presigned upload-part URLs stay valid.
    pub presign_ttl: Duration,
    /// How long presigned playback URLs stay valid (short: a saved link dies soon).
    pub media_url_ttl: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The store could not be reached or timed out.
    #[error("object storage unreachable: {0}")]
    Unavailable(String),
    /// The store answered with an S3 error code.
    #[error("object storage refused {op}: {code}: {message}")]
    Rejected {
        op: &'static str,
        code: String,
        message: String,
    },
    #[error("could not presign: {0}")]
    Presign(String),
}

impl StorageError {
    pub fn code(&self) -> Option<&str> {
        match self {
            StorageError::Rejected { code, .. } => Some(code),
            _ => None,
        }
    }
}

fn sdk_err<
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
>(
    op: &'static str,
) -> impl Fn(SdkError<E, R>) -> StorageError {
    move |e| match &e {
        SdkError::ServiceError(se) => StorageError::Rejected {
            op,
            code: se.err().code().unwrap_or("Unknown").to_string(),
            message: se.err().message().unwrap_or_default().to_string(),
        },
        // Dispatch failures, timeouts, unreadable responses: the store may be back later.
        _ => StorageError::Unavailable(format!(
            "{op}: {}",
            aws_smithy_types::error::display::DisplayErrorContext(&e)
        )),
    }
}

/// Handle to the bucket that holds every video and caption.
#[derive(Debug, Clone)]
pub struct Store {
    client: aws_sdk_s3::Client,
    bucket: String,
    presign_ttl: Duration,
    media_url_ttl: Duration,
}

/// A part of an open upload as the store lists it.
#[derive(Debug, Clone)]
pub struct StoredPart {
    pub part_number: i32,
    pub etag: String,
    pub size: i64,
    pub last_modified_ms: Option<i64>,
}

/// A multipart upload the store holds open.
#[derive(Debug, Clone)]
pub struct OpenUpload {
    pub key: String,
    pub upload_id: String,
    /// When it was started, if the store says.
    pub initiated_ms: Option<i64>,
}

/// How a stored video is served: its exact type and a download name.
#[derive(Debug, Clone)]
pub struct Served<'a> {
    pub content_type: &'a str,
    pub file_name: &'a str,
}

fn millis(t: &aws_smithy_types::DateTime) -> Option<i64> {
    t.to_millis().ok()
}

impl Store {
    pub fn new(s: &S3Settings) -> Self {
        let creds = Credentials::new(&s.access_key, &s.secret_key, None, None, "vidmsg-config");
        let config = aws_sdk_s3::Config::builder()
            .region(Region::new(s.region.clone()))
            .endpoint_url(s.endpoint.trim_end_matches('/'))
            .force_path_style(true)
            .credentials_provider(creds)
            // Presigned part URLs must not demand checksum headers a plain HTTP PUT lacks.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .build();
        Self {
            client: aws_sdk_s3::Client::from_conf(config),
            bucket: s.bucket.clone(),
            presign_ttl: s.presign_ttl,
            media_url_ttl: s.media_url_ttl,
        }
    }

    /// How long playback URLs stay valid.
    pub fn media_url_ttl(&self) -> Duration {
        self.media_url_ttl
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn presign_ttl(&self) -> Duration {
        self.presign_ttl
    }

    /// Answers when the store is reachable and the bucket exists (the health check).
    pub async fn check(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(sdk_err("HeadBucket"))
    }

    /// Creates the bucket if it does not exist yet.
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(_)) => match self
                .client
                .create_bucket()
                .bucket(&self.bucket)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => {
                    let e = sdk_err("CreateBucket")(e);
                    // Another server created it between our two calls.
                    if matches!(
                        e.code(),
                        Some("BucketAlreadyOwnedByYou" | "BucketAlreadyExists")
                    ) {
                        Ok(())
                    } else {
                        Err(e)
                    }
                }
            },
            Err(e) => Err(sdk_err("HeadBucket")(e)),
        }
    }

    pub async fn create_multipart(
        &self,
        key: &str,
        content_type: &str,
    ) -> Result<String, StorageError> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(sdk_err("CreateMultipartUpload"))?;
        out.upload_id.ok_or_else(|| StorageError::Rejected {
            op: "CreateMultipartUpload",
            code: "NoUploadId".into(),
            message: "the store returned no upload id".into(),
        })
    }

    fn presigning(&self) -> Result<PresigningConfig, StorageError> {
        PresigningConfig::expires_in(self.presign_ttl)
            .map_err(|e| StorageError::Presign(e.to_string()))
    }

    /// A URL that accepts a plain `PUT` of one part.
    pub async fn presign_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: i32,
    ) -> Result<String, StorageError> {
        let req = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(part_number)
            .presigned(self.presigning()?)
            .await
            .map_err(|e| StorageError::Presign(e.to_string()))?;
        Ok(req.uri().to_string())
    }

    /// A short-lived URL that serves the object with `GET` (and HTTP Range), with `served`'s
    /// exact type and an attachment-safe disposition whatever the object's stored metadata says.
    pub async fn presign_playback(
        &self,
        key: &str,
        served: &Served<'_>,
    ) -> Result<String, StorageError> {
        let ttl = PresigningConfig::expires_in(self.media_url_ttl)
            .map_err(|e| StorageError::Presign(e.to_string()))?;
        let req = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_type(served.content_type)
            .response_content_disposition(format!("inline; filename=\"{}\"", served.file_name))
            .presigned(ttl)
            .await
            .map_err(|e| StorageError::Presign(e.to_string()))?;
        Ok(req.uri().to_string())
    }

    /// A URL for the server's own readers (the transcription worker's decoder): valid as long as
    /// upload URLs, since decoding a long clip can take longer than a playback URL lives.
    pub async fn presign_get(&self, key: &str) -> Result<String, StorageError> {
        let req = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(self.presigning()?)
            .await
            .map_err(|e| StorageError::Presign(e.to_string()))?;
        Ok(req.uri().to_string())
    }

    /// The first `len` bytes of an object (fewer if it is shorter).
    pub async fn read_prefix(&self, key: &str, len: u64) -> Result<Vec<u8>, StorageError> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(format!("bytes=0-{}", len.saturating_sub(1)))
            .send()
            .await
            .map_err(sdk_err("GetObject"))?;
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| StorageError::Unavailable(format!("GetObject: {e}")))?;
        let mut bytes = body.into_bytes().to_vec();
        bytes.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        Ok(bytes)
    }

    /// Every multipart upload the store holds open in the bucket.
    pub async fn list_uploads(&self) -> Result<Vec<OpenUpload>, StorageError> {
        let mut uploads = Vec::new();
        let (mut key_marker, mut id_marker): (Option<String>, Option<String>) = (None, None);
        loop {
            let out = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .set_key_marker(key_marker.clone())
                .set_upload_id_marker(id_marker.clone())
                .send()
                .await
                .map_err(sdk_err("ListMultipartUploads"))?;
            for u in out.uploads() {
                if let (Some(key), Some(id)) = (u.key(), u.upload_id()) {
                    uploads.push(OpenUpload {
                        key: key.to_string(),
                        upload_id: id.to_string(),
                        initiated_ms: u.initiated().and_then(millis),
                    });
                }
            }
            let next = (
                out.next_key_marker().map(str::to_string),
                out.next_upload_id_marker().map(str::to_string),
            );
            if out.is_truncated() == Some(true)
                && next.0.is_some()
                && next != (key_marker.clone(), id_marker.clone())
            {
                (key_marker, id_marker) = next;
            } else {
                break;
            }
        }
        Ok(uploads)
    }

    /// Keys under `prefix` with their last-modified times.
    pub async fn list_keys(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, Option<i64>)>, StorageError> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_continuation_token(token.clone())
                .send()
                .await
                .map_err(sdk_err("ListObjectsV2"))?;
            for o in out.contents() {
                if let Some(k) = o.key() {
                    keys.push((k.to_string(), o.last_modified().and_then(millis)));
                }
            }
            match out.next_continuation_token() {
                Some(t) if out.is_truncated() == Some(true) && Some(t) != token.as_deref() => {
                    token = Some(t.to_string())
                }
                _ => break,
            }
        }
        Ok(keys)
    }

    /// Every part the store holds for an open upload, by part number.
    pub async fn list_parts(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StorageError> {
        Ok(self
            .list_stored_parts(key, upload_id)
            .await?
            .into_iter()
            .map(|p| UploadedPart {
                part_number: p.part_number,
                etag: p.etag,
                size: p.size,
            })
            .collect())
    }

    /// Like [`Store::list_parts`], with each part's time.
    pub async fn list_stored_parts(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<Vec<StoredPart>, StorageError> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .list_parts()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(upload_id)
                .set_part_number_marker(marker.clone())
                .send()
                .await
                .map_err(sdk_err("ListParts"))?;
            for p in out.parts() {
                parts.push(StoredPart {
                    part_number: p.part_number().unwrap_or_default(),
                    etag: p.e_tag().map(normalize_etag).unwrap_or_default(),
                    size: p.size().unwrap_or_default(),
                    last_modified_ms: p.last_modified().and_then(millis),
                });
            }
            match (out.is_truncated(), out.next_part_number_marker()) {
                (Some(true), Some(next)) if Some(next) != marker.as_deref() => {
                    marker = Some(next.to_string())
                }
                _ => break,
            }
        }
        parts.sort_by_key(|p| p.part_number);
        parts.dedup_by_key(|p| p.part_number);
        Ok(parts)
    }

    pub async fn complete(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[(i32, String)],
    ) -> Result<(), StorageError> {
        let completed = CompletedMultipartUpload::builder()
            .set_parts(Some(
                parts
                    .iter()
                    .map(|(n, etag)| {
                        CompletedPart::builder()
                            .part_number(*n)
                            .e_tag(format!("\"{}\"", normalize_etag(etag)))
                            .build()
                    })
                    .collect(),
            ))
            .build();
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(completed)
            .send()
            .await
            .map_err(sdk_err("CompleteMultipartUpload"))?;
        Ok(())
    }

    pub async fn abort(&self, key: &str, upload_id: &str) -> Result<(), StorageError> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(sdk_err("AbortMultipartUpload"))?;
        Ok(())
    }

    /// Size in bytes of a stored object.
    pub async fn size(&self, key: &str) -> Result<i64, StorageError> {
        let out = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(sdk_err("HeadObject"))?;
        Ok(out.content_length().unwrap_or_default())
    }

    pub async fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(body.into())
            .send()
            .await
            .map_err(sdk_err("PutObject"))?;
        Ok(())
    }

    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(sdk_err("DeleteObject"))?;
        Ok(())
    }
}

/// ETags compare without their quotes (and without a weak marker).
pub fn normalize_etag(etag: &str) -> String {
    etag.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn etags_compare_without_quotes() {
        assert_eq!(super::normalize_etag("\"abc\""), "abc");
        assert_eq!(super::normalize_etag("abc"), "abc");
        assert_eq!(super::normalize_etag("W/\"abc\""), "abc");
    }
}
