//! The embedded S3 endpoint: s3s-fs over `DATA/objects`, served by the API's own listener for
//! every non-`/api` path, so one `vidmsg-server` is a complete install.
//!
//! s3s-fs 0.14 lists parts without their ETags; real S3 servers return them, and the upload
//! protocol checks a client's ETags against them before completing. So this wrapper remembers
//! each part's ETag in a side folder (outside the bucket tree) when the part is stored, and
//! fills them into `ListParts`. Every other operation is s3s-fs's own.

use std::path::{Path, PathBuf};

use s3s::auth::SimpleAuth;
use s3s::dto;
use s3s::service::{S3Service, S3ServiceBuilder};
use s3s::{S3, S3Request, S3Response, S3Result};

/// Access key pair of the embedded endpoint, created once and kept in the data dir.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EmbeddedCredentials {
    pub access_key: String,
    pub secret_key: String,
}

impl EmbeddedCredentials {
    /// Reads `path`, or creates it with a new random key pair (mode 0600).
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        if path.exists() {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            return serde_json::from_str(&text)
                .with_context(|| format!("parsing {}", path.display()));
        }
        let creds = Self {
            access_key: format!("VM{}", hex::encode_upper(random_bytes::<9>())),
            secret_key: hex::encode(random_bytes::<24>()),
        };
        let text = serde_json::to_string_pretty(&creds)?;
        write_private(path, &text).with_context(|| format!("writing {}", path.display()))?;
        Ok(creds)
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    use rand::RngCore;
    let mut b = [0u8; N];
    rand::rng().fill_bytes(&mut b);
    b
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// s3s-fs plus remembered part ETags.
pub struct EmbeddedStore {
    fs: s3s_fs::FileSystem,
    etags_dir: PathBuf,
}

impl EmbeddedStore {
    /// Objects live under `objects_dir` (one folder per bucket); part ETags under `etags_dir`.
    pub fn new(objects_dir: &Path, etags_dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(objects_dir)?;
        std::fs::create_dir_all(etags_dir)?;
        let fs = s3s_fs::FileSystem::new(objects_dir)
            .map_err(|e| anyhow::anyhow!("opening {}: {e:?}", objects_dir.display()))?;
        Ok(Self {
            fs,
            etags_dir: etags_dir.to_path_buf(),
        })
    }

    fn etag_path(&self, upload_id: &str, part: i32) -> Option<PathBuf> {
        // Upload ids are UUIDs from s3s-fs; refuse anything that could escape the folder.
        let safe =
            !upload_id.is_empty() && upload_id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        safe.then(|| self.etags_dir.join(upload_id).join(part.to_string()))
    }

    async fn forget_upload(&self, upload_id: &str) {
        if let Some(dir) = self
            .etag_path(upload_id, 0)
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            let _ = tokio::fs::remove_dir_all(dir).await;
        }
    }

    /// An HTTP service speaking S3 for this store, accepting one key pair (SigV4, presigned too).
    pub fn into_service(self, creds: &EmbeddedCredentials) -> S3Service {
        let mut builder = S3ServiceBuilder::new(self);
        builder.set_auth(SimpleAuth::from_single(
            creds.access_key.clone(),
            creds.secret_key.clone(),
        ));
        builder.build()
    }
}

macro_rules! s3_impl {
    ($ty:ty; delegate { $($name:ident: $input:ident => $output:ident),* $(,)? } $($own:item)*) => {
        #[async_trait::async_trait]
        impl S3 for $ty {
            $(
                async fn $name(&self, req: S3Request<dto::$input>) -> S3Result<S3Response<dto::$output>> {
                    self.fs.$name(req).await
                }
            )*
            $($own)*
        }
    };
}

s3_impl! { EmbeddedStore;
    delegate {
        create_bucket: CreateBucketInput => CreateBucketOutput,
        head_bucket: HeadBucketInput => HeadBucketOutput,
        list_buckets: ListBucketsInput => ListBucketsOutput,
        delete_bucket: DeleteBucketInput => DeleteBucketOutput,
        get_bucket_location: GetBucketLocationInput => GetBucketLocationOutput,
        get_object: GetObjectInput => GetObjectOutput,
        head_object: HeadObjectInput => HeadObjectOutput,
        put_object: PutObjectInput => PutObjectOutput,
        copy_object: CopyObjectInput => CopyObjectOutput,
        delete_object: DeleteObjectInput => DeleteObjectOutput,
        delete_objects: DeleteObjectsInput => DeleteObjectsOutput,
        list_objects: ListObjectsInput => ListObjectsOutput,
        list_objects_v2: ListObjectsV2Input => ListObjectsV2Output,
        create_multipart_upload: CreateMultipartUploadInput => CreateMultipartUploadOutput,
    }

    async fn upload_part(&self, req: S3Request<dto::UploadPartInput>) -> S3Result<S3Response<dto::UploadPartOutput>> {
        let upload_id = req.input.upload_id.clone();
        let part = req.input.part_number;
        let resp = self.fs.upload_part(req).await?;
        if let (Some(path), Some(etag)) = (self.etag_path(&upload_id, part), resp.output.e_tag.as_ref()) {
            let write = async {
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                tokio::fs::write(&path, etag.value()).await
            };
            if let Err(e) = write.await {
                tracing::warn!(error = %e, "could not remember the ETag of part {part}");
            }
        }
        Ok(resp)
    }

    async fn list_parts(&self, req: S3Request<dto::ListPartsInput>) -> S3Result<S3Response<dto::ListPartsOutput>> {
        let upload_id = req.input.upload_id.clone();
        let mut resp = self.fs.list_parts(req).await?;
        if let Some(parts) = resp.output.parts.as_mut() {
            parts.sort_by_key(|p| p.part_number);
            for p in parts.iter_mut() {
                let Some(path) = p.part_number.and_then(|n| self.etag_path(&upload_id, n)) else { continue };
                if let Ok(v) = tokio::fs::read_to_string(&path).await {
                    p.e_tag = Some(dto::ETag::Strong(v));
                }
            }
        }
        Ok(resp)
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<dto::CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<dto::CompleteMultipartUploadOutput>> {
        let upload_id = req.input.upload_id.clone();
        let resp = self.fs.complete_multipart_upload(req).await?;
        self.forget_upload(&upload_id).await;
        Ok(resp)
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<dto::AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<dto::AbortMultipartUploadOutput>> {
        let upload_id = req.input.upload_id.clone();
        let resp = self.fs.abort_multipart_upload(req).await?;
        self.forget_upload(&upload_id).await;
        Ok(resp)
    }
}
