//! The client side of the upload protocol, done the way the recorder does it: presign, plain
//! HTTP `PUT`s of ≥ 5 MiB parts, complete with the ETags.

use vidmsg_api::{Client, CompleteUpload, CompletedPart, Id, Message};

pub const PART_SIZE: usize = 5 * 1024 * 1024;

/// Splits `bytes` into parts of `PART_SIZE` (the last one smaller).
pub fn parts(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.chunks(PART_SIZE).collect()
}

/// Presigns and PUTs part `n` (1-based) of `bytes`; returns its ETag.
pub async fn put_part(
    client: &Client,
    message: Id,
    bytes: &[u8],
    n: i32,
) -> anyhow::Result<String> {
    let idx = usize::try_from(n - 1)?;
    let chunk = parts(bytes)
        .get(idx)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("no part {n}"))?
        .to_vec();
    let urls = client.presign_parts(message, &[n]).await?;
    let url = &urls
        .parts
        .first()
        .ok_or_else(|| anyhow::anyhow!("no url"))?
        .url;
    Ok(client.put_part(url, chunk).await?)
}

/// Uploads every part of `bytes`; returns the parts to complete with.
pub async fn put_all(
    client: &Client,
    message: Id,
    bytes: &[u8],
) -> anyhow::Result<Vec<CompletedPart>> {
    let mut done = Vec::new();
    for n in 1..=parts(bytes).len() {
        let n = i32::try_from(n)?;
        done.push(CompletedPart {
            part_number: n,
            etag: put_part(client, message, bytes, n).await?,
        });
    }
    Ok(done)
}

/// Uploads every part of `bytes` and completes.
pub async fn upload_all(client: &Client, message: Id, bytes: &[u8]) -> anyhow::Result<Message> {
    let done = put_all(client, message, bytes).await?;
    Ok(client
        .complete_upload(
            message,
            &CompleteUpload {
                parts: done,
                duration_ms: None,
            },
        )
        .await?)
}

/// Posts `bytes` as a video message titled `title` in a new thread titled `thread_title`.
pub async fn post_video(
    client: &Client,
    thread_title: &str,
    title: &str,
    bytes: &[u8],
) -> anyhow::Result<Message> {
    let thread = client
        .create_thread(&vidmsg_api::CreateThread {
            title: thread_title.into(),
            members: vec![],
        })
        .await?;
    let msg = client
        .create_message(
            thread.id,
            &vidmsg_api::CreateMessage {
                kind: vidmsg_api::MessageKind::Video,
                title: Some(title.into()),
                body: None,
                parent_id: None,
                content_type: Some("video/mp4".into()),
                urgent: false,
            },
        )
        .await?;
    upload_all(client, msg.id, bytes).await
}
