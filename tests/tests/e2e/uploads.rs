//! The upload protocol with a real MP4: presigned multipart PUTs, complete, Range GET, resume,
//! abort.

use vidmsg_api::{Client, CompleteUpload, CompletedPart, CreateThread, MessageStatus};
use vidmsg_tests::TestServer;
use vidmsg_tests::media::big_mp4;
use vidmsg_tests::upload::{PART_SIZE, parts, put_part, upload_all};

use crate::assert_api_err;
use crate::threads_and_messages::video;

async fn range_get(
    http: &reqwest::Client,
    url: &str,
    start: usize,
    len: usize,
) -> anyhow::Result<(u16, Vec<u8>)> {
    let resp = http
        .get(url)
        .header("Range", format!("bytes={start}-{}", start + len - 1))
        .send()
        .await?;
    let status = resp.status().as_u16();
    Ok((status, resp.bytes().await?.to_vec()))
}

#[tokio::test]
async fn a_real_mp4_uploads_in_parts_and_plays_back_with_range() -> anyhow::Result<()> {
    let file = std::fs::read(big_mp4()?)?;
    assert!(
        file.len() >= 12 * 1024 * 1024,
        "test clip is {} bytes",
        file.len()
    );
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Clips".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let msg = alice.create_message(t.id, &video("Snow")).await?;
    assert!(
        msg.video_url.is_none(),
        "no URL before the upload completes"
    );

    let n_parts = parts(&file).len();
    assert!(n_parts >= 3);
    let mut done = Vec::new();
    for n in 1..=n_parts {
        let n = i32::try_from(n)?;
        done.push(CompletedPart {
            part_number: n,
            etag: put_part(&alice, msg.id, &file, n).await?,
        });
        let state = alice.upload_state(msg.id).await?;
        assert_eq!(
            state.parts.len(),
            done.len(),
            "the server reports every stored part"
        );
    }
    let ready = alice
        .complete_upload(
            msg.id,
            &CompleteUpload {
                parts: done,
                duration_ms: Some(10_000),
            },
        )
        .await?;
    assert_eq!(ready.status, MessageStatus::Processing);
    assert_eq!(ready.size_bytes, Some(i64::try_from(file.len())?));
    assert_eq!(ready.duration_ms, Some(10_000));

    // Another member gets the same message with a presigned URL that serves Range requests.
    let seen = bob.get_message(msg.id).await?;
    assert_eq!(
        (seen.thread_id, seen.status),
        (t.id, MessageStatus::Processing)
    );
    let url = seen.video_url.expect("video_url once uploaded");
    let http = reqwest::Client::new();
    let start = PART_SIZE + 12_345; // straddles nothing special: the middle of part 2
    let (status, bytes) = range_get(&http, &url, start, 100_000).await?;
    assert_eq!(status, 206);
    assert_eq!(
        bytes,
        file[start..start + 100_000],
        "bytes in the middle match byte for byte"
    );
    let boundary = 2 * PART_SIZE - 500; // across the part 2/3 boundary
    let (_, bytes) = range_get(&http, &url, boundary, 1_000).await?;
    assert_eq!(bytes, file[boundary..boundary + 1_000]);
    let whole = http.get(&url).send().await?.bytes().await?;
    assert_eq!(whole.len(), file.len());
    assert!(whole == file, "the whole object equals the file");

    // Once complete, the upload is closed.
    assert_api_err(alice.upload_state(msg.id).await, 409, "conflict");
    assert_api_err(alice.presign_parts(msg.id, &[1]).await, 409, "conflict");

    // Deleting the message deletes the object.
    alice.delete_message(msg.id).await?;
    let gone = http.get(&url).send().await?;
    assert!(
        gone.status().is_client_error(),
        "object still served after delete: {}",
        gone.status()
    );
    Ok(())
}

#[tokio::test]
async fn an_upload_resumes_after_the_client_is_dropped_between_parts() -> anyhow::Result<()> {
    let file = std::fs::read(big_mp4()?)?;
    let srv = TestServer::spawn().await?;
    let token = srv.token("alice").await?;
    let (msg_id, etag1) = {
        let first = Client::new(srv.base_url(), Some(token.clone()))?;
        let t = TestServer::thread(&first, "Resume").await?;
        let msg = first.create_message(t.id, &video("Crashy")).await?;
        let etag = put_part(&first, msg.id, &file, 1).await?;
        (msg.id, etag)
        // `first` (and its connection pool) is gone here, like a recorder that crashed.
    };

    let second = Client::new(srv.base_url(), Some(token))?;
    let state = second.upload_state(msg_id).await?;
    assert_eq!(state.parts.len(), 1);
    assert_eq!(state.parts[0].part_number, 1);
    assert_eq!(state.parts[0].size, i64::try_from(PART_SIZE)?);
    assert_eq!(
        state.parts[0].etag.trim_matches('"'),
        etag1.trim_matches('"')
    );
    assert_eq!(state.min_part_size, i64::try_from(PART_SIZE)?);

    let mut done = vec![CompletedPart {
        part_number: 1,
        etag: state.parts[0].etag.clone(),
    }];
    for n in 2..=i32::try_from(parts(&file).len())? {
        done.push(CompletedPart {
            part_number: n,
            etag: put_part(&second, msg_id, &file, n).await?,
        });
    }
    let msg = second
        .complete_upload(
            msg_id,
            &CompleteUpload {
                parts: done,
                duration_ms: None,
            },
        )
        .await?;
    let url = msg.video_url.expect("video_url");
    let whole = reqwest::get(&url).await?.bytes().await?;
    assert!(whole == file, "resumed upload equals the file");
    Ok(())
}

#[tokio::test]
async fn a_part_put_again_replaces_the_first_try() -> anyhow::Result<()> {
    let file = std::fs::read(big_mp4()?)?;
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Retry").await?;
    let msg = alice.create_message(t.id, &video("Retry")).await?;
    // A first try of part 1 with wrong bytes (a network glitch), then the real one.
    let urls = alice.presign_parts(msg.id, &[1]).await?;
    alice
        .put_part(&urls.parts[0].url, vec![0u8; PART_SIZE])
        .await?;
    let msg = upload_all(&alice, msg.id, &file).await?;
    let whole = reqwest::get(msg.video_url.expect("url"))
        .await?
        .bytes()
        .await?;
    assert!(whole == file);
    Ok(())
}

#[tokio::test]
async fn abort_discards_the_upload_and_the_message() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Abort").await?;
    let msg = alice.create_message(t.id, &video("Oops")).await?;
    let urls = alice.presign_parts(msg.id, &[1]).await?;
    alice.put_part(&urls.parts[0].url, vec![7u8; 1000]).await?;
    alice.abort_upload(msg.id).await?;
    assert_api_err(alice.get_message(msg.id).await, 404, "not_found");
    assert_api_err(alice.upload_state(msg.id).await, 404, "not_found");
    // The part URL no longer accepts data.
    let again = reqwest::Client::new()
        .put(&urls.parts[0].url)
        .body(vec![1u8; 10])
        .send()
        .await?;
    assert!(
        !again.status().is_success(),
        "PUT after abort: {}",
        again.status()
    );
    assert_eq!(alice.get_thread(t.id).await?.message_count, 0);
    Ok(())
}
