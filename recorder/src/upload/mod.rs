//! Upload while recording: the spool file grows; every time 5 MiB more than was sent is on
//! disk, that slice goes to a presigned part URL. Failures are retried with backoff and nothing
//! is lost (the bytes stay in the spool file); the parts sent so far are saved in `upload.json`
//! beside it, so an upload resumes after a crash or restart. On stop only the tail part and
//! `complete` remain.

pub mod recover;

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use vidmsg_api::{Client, ClientError, CompleteUpload, CompletedPart, Id, Message, MessageStatus};

/// S3's minimum size of every part but the last.
pub const PART_SIZE: u64 = 5 * 1024 * 1024;

/// What has been sent, saved after every part.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UploadState {
    pub server: String,
    pub message_id: Id,
    pub thread_id: Id,
    pub parts: Vec<SentPart>,
    /// Set once the server assembled the video.
    pub completed: bool,
    pub duration_ms: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
    /// Unix seconds at which the recording began.
    #[serde(default)]
    pub started_at: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentPart {
    pub part_number: i32,
    pub offset: u64,
    pub size: u64,
    pub etag: String,
}

impl UploadState {
    pub fn sent_bytes(&self) -> u64 {
        self.parts.last().map_or(0, |p| p.offset + p.size)
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
    }

    /// Writes atomically (temp file + rename) so a crash never leaves half a state file.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

pub struct Uploader {
    client: Client,
    spool: PathBuf,
    state_path: PathBuf,
    pub state: UploadState,
}

impl Uploader {
    pub fn new(client: Client, spool: PathBuf, state_path: PathBuf, state: UploadState) -> Self {
        Self {
            client,
            spool,
            state_path,
            state,
        }
    }

    fn read_slice(&self, offset: u64, len: u64) -> anyhow::Result<Vec<u8>> {
        let mut f = std::fs::File::open(&self.spool)?;
        f.seek(SeekFrom::Start(offset))?;
        let mut buf = vec![0u8; usize::try_from(len)?];
        f.read_exact(&mut buf)?;
        Ok(buf)
    }

    /// Sends one part (with the server's presigned URL) and records it.
    async fn send_part(&mut self, offset: u64, len: u64) -> anyhow::Result<()> {
        let n = i32::try_from(self.state.parts.len() + 1)?;
        let bytes = self.read_slice(offset, len)?;
        let urls = self
            .client
            .presign_parts(self.state.message_id, &[n])
            .await?;
        let url = urls
            .parts
            .first()
            .map(|p| p.url.clone())
            .ok_or_else(|| anyhow::anyhow!("no URL for part {n}"))?;
        let etag = self.client.put_part(&url, bytes).await?;
        self.state.parts.push(SentPart {
            part_number: n,
            offset,
            size: len,
            etag,
        });
        self.state.save(&self.state_path)?;
        tracing::debug!(part = n, offset, len, "part uploaded");
        Ok(())
    }

    /// Sends every full part on disk (and, when `last`, the tail too).
    pub async fn send_ready(&mut self, last: bool) -> anyhow::Result<()> {
        loop {
            let len = std::fs::metadata(&self.spool).map(|m| m.len()).unwrap_or(0);
            let sent = self.state.sent_bytes();
            let rest = len.saturating_sub(sent);
            if rest >= PART_SIZE && !(last && rest < 2 * PART_SIZE) {
                self.send_part(sent, PART_SIZE).await?;
            } else if last && rest > 0 {
                // The tail (under 10 MiB) goes as the last part, which may be any size.
                self.send_part(sent, rest).await?;
                return Ok(());
            } else {
                return Ok(());
            }
        }
    }

    /// Like [`Uploader::send_ready`], retrying with backoff for up to `patience`.
    pub async fn send_ready_retrying(
        &mut self,
        last: bool,
        patience: Duration,
    ) -> anyhow::Result<()> {
        let deadline = std::time::Instant::now() + patience;
        let mut wait = Duration::from_millis(500);
        loop {
            match self.send_ready(last).await {
                Ok(()) => return Ok(()),
                Err(e) if std::time::Instant::now() + wait < deadline => {
                    tracing::warn!(error = %e, "upload failed; retrying in {:?} (the recording is safe on disk)", wait);
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Aligns the parts recorded here with what the server holds: a part the server lacks (or
    /// holds with another ETag) and every part after it are sent again. Returns the message if
    /// the server already assembled the video (a `complete` whose answer was lost).
    pub async fn sync_with_server(&mut self) -> anyhow::Result<Option<Message>> {
        let id = self.state.message_id;
        match self.client.upload_state(id).await {
            Ok(held) => {
                let keep = self
                    .state
                    .parts
                    .iter()
                    .take_while(|p| {
                        held.parts.iter().any(|h| {
                            h.part_number == p.part_number
                                && i64::try_from(p.size).is_ok_and(|s| s == h.size)
                                && (h.etag.is_empty()
                                    || h.etag.trim_matches('"') == p.etag.trim_matches('"'))
                        })
                    })
                    .count();
                if keep < self.state.parts.len() {
                    tracing::warn!(
                        kept = keep,
                        resend = self.state.parts.len() - keep,
                        "the server lacks parts sent earlier; sending them again from the local copy"
                    );
                    self.state.parts.truncate(keep);
                    self.state.save(&self.state_path)?;
                }
                Ok(None)
            }
            Err(ClientError::Api { status: 409, .. }) => {
                let m = self.client.get_message(id).await?;
                anyhow::ensure!(
                    m.status != MessageStatus::Uploading,
                    "message {id} is uploading but the server has no open upload for it"
                );
                self.state.completed = true;
                self.state.save(&self.state_path)?;
                Ok(Some(m))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Sends the tail and asks the server to assemble the video. If the server lost parts (a
    /// crash while it assembled them), they are sent again from the spool and it completes.
    pub async fn finish(
        &mut self,
        duration_ms: Option<i64>,
        patience: Duration,
    ) -> anyhow::Result<Message> {
        self.state.duration_ms = duration_ms.or(self.state.duration_ms);
        let mut attempts = 0;
        loop {
            attempts += 1;
            self.send_ready_retrying(true, patience).await?;
            let parts = self
                .state
                .parts
                .iter()
                .map(|p| CompletedPart {
                    part_number: p.part_number,
                    etag: p.etag.clone(),
                })
                .collect();
            let body = CompleteUpload {
                parts,
                duration_ms: self.state.duration_ms,
            };
            match self
                .client
                .complete_upload(self.state.message_id, &body)
                .await
            {
                Ok(msg) => {
                    self.state.completed = true;
                    self.state.save(&self.state_path)?;
                    return Ok(msg);
                }
                // The server lost parts or already assembled them: look, put right, try again.
                // If looking fails too, the server's own answer says best what went wrong.
                Err(
                    e @ ClientError::Api {
                        status: 409 | 422, ..
                    },
                ) if attempts < 3 => match self.sync_with_server().await {
                    Ok(Some(msg)) => return Ok(msg),
                    Ok(None) => {}
                    Err(_) => return Err(e.into()),
                },
                Err(e) => return Err(e.into()),
            }
        }
    }
}
