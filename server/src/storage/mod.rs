//! Object storage, always spoken to as S3 through `aws-sdk-s3`: the embedded endpoint and any
//! external S3 server (Garage, MinIO, AWS) take the same code path.

pub mod embedded;

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
    /// How long presigned URLs stay valid.
    pub presign_ttl: Duration,
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
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn presign_ttl(&self) -> Duration {
        self.presign_ttl
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

    /// A URL that serves the object with `GET` (and HTTP Range).
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

    /// Every part the store holds for an open upload, by part number.
    pub async fn list_parts(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StorageError> {
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
                parts.push(UploadedPart {
                    part_number: p.part_number().unwrap_or_default(),
                    etag: p.e_tag().map(normalize_etag).unwrap_or_default(),
                    size: p.size().unwrap_or_default(),
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
