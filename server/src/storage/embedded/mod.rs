//! The embedded S3 endpoint: s3s-fs over `DATA/objects`, served by the API's own listener for
//! every non-`/api` path, so one `vidmsg-server` is a complete install.
//!
//! This wrapper fills what s3s-fs 0.14 lacks or gets wrong, so the server can treat it like any
//! real S3 server:
//! - `ListParts` with ETags (remembered per part in `DATA/part-etags/`, outside the bucket tree);
//! - a crash-safe `CompleteMultipartUpload` (see [`journal`]) that first checks the disk has room;
//! - `NoSuchUpload` (not 403/500) for an upload that is gone, so clients and the server can tell;
//! - a part size cap, enforced before any byte is written;
//! - `ListMultipartUploads`, read from s3s-fs's own upload files;
//! - the `response-content-type` / `response-content-disposition` overrides of presigned GETs.

mod journal;
mod listing;

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

/// s3s-fs plus remembered part ETags, safe assembly and the other fixes listed above.
pub struct EmbeddedStore {
    fs: s3s_fs::FileSystem,
    root: PathBuf,
    etags_dir: PathBuf,
    journal_dir: PathBuf,
    max_part_bytes: i64,
}

/// Room kept free on the disk beyond what an assembly needs.
const DISK_MARGIN: u64 = 16 * 1024 * 1024;

impl EmbeddedStore {
    /// The store of a data dir: objects under `DATA/objects` (one folder per bucket), part ETags
    /// under `DATA/part-etags`, assembly links under `DATA/assembly` (same disk: hard links).
    /// Finishes or undoes any assembly a crash interrupted.
    pub fn open(data_dir: &Path, max_part_bytes: i64) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let objects_dir = data_dir.join("objects");
        let etags_dir = data_dir.join("part-etags");
        let journal_dir = data_dir.join("assembly");
        for d in [&objects_dir, &etags_dir, &journal_dir] {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
        }
        let root = objects_dir
            .canonicalize()
            .with_context(|| format!("opening {}", objects_dir.display()))?;
        let restored = journal::recover(&root, &journal_dir).with_context(|| {
            format!(
                "recovering interrupted uploads in {}",
                journal_dir.display()
            )
        })?;
        for id in restored {
            tracing::warn!(upload = %id, "an upload's assembly was interrupted; its parts are back and it can be completed again");
        }
        let fs = s3s_fs::FileSystem::new(&root)
            .map_err(|e| anyhow::anyhow!("opening {}: {e:?}", root.display()))?;
        Ok(Self {
            fs,
            root,
            etags_dir,
            journal_dir,
            max_part_bytes,
        })
    }

    /// Upload ids are UUIDs from s3s-fs; anything else could name a path.
    fn valid_upload_id(upload_id: &str) -> bool {
        !upload_id.is_empty()
            && upload_id.len() <= 64
            && upload_id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    }

    /// The upload is open: its id file exists.
    fn upload_is_open(&self, upload_id: &str) -> bool {
        Self::valid_upload_id(upload_id)
            && self.root.join(format!(".upload-{upload_id}.json")).exists()
    }

    fn require_open(&self, upload_id: &str) -> S3Result<()> {
        if self.upload_is_open(upload_id) {
            Ok(())
        } else {
            Err(s3s::s3_error!(
                NoSuchUpload,
                "the upload does not exist: it was completed, aborted or discarded"
            ))
        }
    }

    fn part_path(&self, upload_id: &str, part: i32) -> PathBuf {
        self.root
            .join(format!(".upload_id-{upload_id}.part-{part}"))
    }

    /// Bytes free for this process on the store's disk.
    fn free_bytes(&self) -> Option<u64> {
        let st = rustix::fs::statvfs(&self.root).ok()?;
        Some(st.f_bavail.saturating_mul(st.f_frsize))
    }

    fn etag_path(&self, upload_id: &str, part: i32) -> Option<PathBuf> {
        Self::valid_upload_id(upload_id)
            .then(|| self.etags_dir.join(upload_id).join(part.to_string()))
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
        head_object: HeadObjectInput => HeadObjectOutput,
        put_object: PutObjectInput => PutObjectOutput,
        copy_object: CopyObjectInput => CopyObjectOutput,
        delete_object: DeleteObjectInput => DeleteObjectOutput,
        delete_objects: DeleteObjectsInput => DeleteObjectsOutput,
        list_objects: ListObjectsInput => ListObjectsOutput,
        list_objects_v2: ListObjectsV2Input => ListObjectsV2Output,
        create_multipart_upload: CreateMultipartUploadInput => CreateMultipartUploadOutput,
    }

    async fn get_object(&self, req: S3Request<dto::GetObjectInput>) -> S3Result<S3Response<dto::GetObjectOutput>> {
        // Real S3 serves a presigned GET with the type and disposition it was signed with.
        let content_type = req.input.response_content_type.clone();
        let disposition = req.input.response_content_disposition.clone();
        let mut resp = self.fs.get_object(req).await?;
        if content_type.is_some() {
            resp.output.content_type = content_type;
        }
        if disposition.is_some() {
            resp.output.content_disposition = disposition;
        }
        Ok(resp)
    }

    async fn list_multipart_uploads(
        &self,
        req: S3Request<dto::ListMultipartUploadsInput>,
    ) -> S3Result<S3Response<dto::ListMultipartUploadsOutput>> {
        let bucket = req.input.bucket.clone();
        let uploads = listing::open_uploads(&self.root, &bucket)
            .map_err(|e| s3s::s3_error!(e, InternalError, "listing uploads"))?;
        let uploads = uploads
            .into_iter()
            .filter(|u| self.upload_is_open(&u.upload_id))
            .map(|u| dto::MultipartUpload {
                key: Some(u.key),
                upload_id: Some(u.upload_id),
                initiated: u.initiated.map(dto::Timestamp::from),
                ..Default::default()
            })
            .collect();
        Ok(S3Response::new(dto::ListMultipartUploadsOutput {
            bucket: Some(bucket),
            is_truncated: Some(false),
            uploads: Some(uploads),
            ..Default::default()
        }))
    }

    async fn upload_part(&self, req: S3Request<dto::UploadPartInput>) -> S3Result<S3Response<dto::UploadPartOutput>> {
        let upload_id = req.input.upload_id.clone();
        let part = req.input.part_number;
        self.require_open(&upload_id)?;
        match req.input.content_length {
            None => return Err(s3s::s3_error!(MissingContentLength, "send the part with a Content-Length")),
            Some(n) if n > self.max_part_bytes => {
                return Err(s3s::s3_error!(
                    EntityTooLarge,
                    "a part may hold at most {} bytes; this one has {n}",
                    self.max_part_bytes
                ));
            }
            Some(_) => {}
        }
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
        self.require_open(&upload_id)?;
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
        self.require_open(&upload_id)?;
        let object = self.root.join(&req.input.bucket).join(&req.input.key);
        // Assembly needs room for a full copy: the parts stay until the object is in place.
        let needed: u64 = req
            .input
            .multipart_upload
            .as_ref()
            .and_then(|m| m.parts.as_ref())
            .map(|parts| {
                parts
                    .iter()
                    .filter_map(|p| p.part_number)
                    .filter_map(|n| std::fs::metadata(self.part_path(&upload_id, n)).ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        if let Some(free) = self.free_bytes()
            && free < needed.saturating_add(DISK_MARGIN)
        {
            return Err(insufficient_storage(needed, free));
        }
        let (root, journal_dir) = (self.root.clone(), self.journal_dir.clone());
        let (id, target) = (upload_id.clone(), object.clone());
        blocking(move || journal::protect(&root, &journal_dir, &id, &target)).await?;
        match self.fs.complete_multipart_upload(req).await {
            Ok(resp) => {
                let (journal_dir, id) = (self.journal_dir.clone(), upload_id.clone());
                blocking(move || journal::commit(&journal_dir, &id, &object)).await?;
                self.forget_upload(&upload_id).await;
                Ok(resp)
            }
            Err(e) => {
                let (root, journal_dir, id) = (self.root.clone(), self.journal_dir.clone(), upload_id.clone());
                if let Err(re) = blocking(move || journal::restore(&root, &journal_dir, &id)).await {
                    tracing::error!(upload = %upload_id, error = ?re, "could not restore the parts of a failed assembly; they stay linked in the assembly folder and come back at the next start");
                }
                let full = self.free_bytes().is_some_and(|f| f < needed.saturating_add(DISK_MARGIN));
                tracing::warn!(upload = %upload_id, error = ?e, "assembly failed; the upload is open again");
                Err(if full { insufficient_storage(needed, self.free_bytes().unwrap_or(0)) } else { e })
            }
        }
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<dto::AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<dto::AbortMultipartUploadOutput>> {
        let upload_id = req.input.upload_id.clone();
        self.require_open(&upload_id)?;
        let resp = self.fs.abort_multipart_upload(req).await?;
        self.forget_upload(&upload_id).await;
        Ok(resp)
    }
}

/// S3 code the server maps to 507.
pub const INSUFFICIENT_STORAGE: &str = "InsufficientStorage";

fn insufficient_storage(needed: u64, free: u64) -> s3s::S3Error {
    let mut e = s3s::S3Error::with_message(
        s3s::S3ErrorCode::Custom(INSUFFICIENT_STORAGE.into()),
        format!("the store's disk is full: assembling needs {needed} bytes, {free} are free"),
    );
    e.set_status_code(axum::http::StatusCode::INSUFFICIENT_STORAGE);
    e
}

/// Runs file work off the async threads; an I/O error becomes an S3 internal error.
async fn blocking(f: impl FnOnce() -> std::io::Result<()> + Send + 'static) -> S3Result<()> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(s3s::s3_error!(
            e,
            InternalError,
            "assembly bookkeeping failed"
        )),
        Err(e) => Err(s3s::s3_error!(InternalError, "assembly task failed: {e}")),
    }
}
