//! One video upload the way the recorder does it (and `tests/src/upload.rs`): create the
//! message, presign each part, `PUT` it to the presigned URL, complete with the ETags. Each step
//! is timed so the load table can show where an upload's time goes.

use std::time::{Duration, Instant};

use vidmsg_api::{Client, CompleteUpload, CompletedPart, CreateMessage, Id, MessageKind};

/// Parts of at least 5 MiB, as S3 requires of every part but the last.
pub const PART_SIZE: usize = 5 * 1024 * 1024;

/// How long each step of one upload took.
#[derive(Debug, Default, Clone)]
pub struct UploadTimes {
    pub create: Duration,
    pub presign: Vec<Duration>,
    pub put: Vec<Duration>,
    pub complete: Duration,
    pub total: Duration,
}

/// Bytes the server takes as an MP4 (it sniffs an `ftyp` box), padded to `len` with a
/// pattern; nothing decodes them (the benchmark's servers run without the worker).
pub fn fake_mp4(len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len.max(24));
    v.extend_from_slice(&24u32.to_be_bytes());
    v.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2mp41");
    let mut x: u32 = 0x9E37_79B9;
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len.max(24));
    v
}

/// Posts `bytes` as a new video message in `thread`; returns its id and the step times.
pub async fn upload_video(
    client: &Client,
    thread: Id,
    title: &str,
    bytes: &[u8],
) -> anyhow::Result<(Id, UploadTimes)> {
    let mut times = UploadTimes::default();
    let start = Instant::now();
    let msg = client
        .create_message(
            thread,
            &CreateMessage {
                kind: MessageKind::Video,
                title: Some(title.into()),
                body: None,
                parent_id: None,
                content_type: Some("video/mp4".into()),
                urgent: false,
            },
        )
        .await?;
    times.create = start.elapsed();
    let mut parts = Vec::new();
    for (i, chunk) in bytes.chunks(PART_SIZE).enumerate() {
        let n = i32::try_from(i + 1)?;
        let t = Instant::now();
        let urls = client.presign_parts(msg.id, &[n]).await?;
        let url = &urls
            .parts
            .first()
            .ok_or_else(|| anyhow::anyhow!("no presigned url for part {n}"))?
            .url;
        times.presign.push(t.elapsed());
        let t = Instant::now();
        let etag = client.put_part(url, chunk.to_vec()).await?;
        times.put.push(t.elapsed());
        parts.push(CompletedPart {
            part_number: n,
            etag,
        });
    }
    let t = Instant::now();
    client
        .complete_upload(
            msg.id,
            &CompleteUpload {
                parts,
                duration_ms: None,
            },
        )
        .await?;
    times.complete = t.elapsed();
    times.total = start.elapsed();
    Ok((msg.id, times))
}
