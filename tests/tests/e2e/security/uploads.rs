//! Uploads (issue #9, items 1–4 and 7): only MP4 and WebM become messages; ids and URLs never
//! reach someone else's bytes; a crash or a full disk while assembling loses nothing; storage is
//! bounded; media is served with exact types, `nosniff` and a disposition.

use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use vidmsg_api::{
    Client, CompleteUpload, CompletedPart, CreateMessage, MessageKind, MessageStatus,
};
use vidmsg_server::Config;
use vidmsg_tests::TestServer;
use vidmsg_tests::hostile::{
    ServerProcess, SmallDisk, add_user, fragmented_mp4_like, free_port, ftyp_box, noise,
};
use vidmsg_tests::upload::{PART_SIZE, put_all, put_part, upload_all};

use crate::assert_api_err;
use crate::threads_and_messages::video;

fn complete_body(parts: &[CompletedPart]) -> CompleteUpload {
    CompleteUpload {
        parts: parts.to_vec(),
        duration_ms: None,
    }
}

/// Files stored under the embedded store's objects for message `id` (any key of it).
fn stored_files(data_dir: &std::path::Path, id: i64) -> Vec<std::path::PathBuf> {
    let dir = data_dir.join(format!("objects/vidmsg/messages/{id}"));
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

async fn download(url: &str) -> anyhow::Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
    let r = reqwest::get(url).await?;
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Ok((status, headers, r.bytes().await?.to_vec()))
}

#[tokio::test]
async fn a_playlist_or_any_non_video_is_refused_at_complete_and_nothing_reaches_out()
-> anyhow::Result<()> {
    // A listener the playlist points at: nothing may ever connect to it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let srv = TestServer::spawn_transcribing().await?;
    let (alice, bob) = (srv.user("alice").await?, srv.user("bob").await?);

    // Bob's private video, whose file a playlist could name.
    let bob_thread = TestServer::thread(&bob, "Private").await?;
    let bob_msg = bob.create_message(bob_thread.id, &video("secret")).await?;
    let mut bob_bytes = ftyp_box();
    bob_bytes.extend(noise(1000, 1));
    upload_all(&bob, bob_msg.id, &bob_bytes).await?;
    let bob_file = stored_files(srv.data_dir.path(), bob_msg.id)
        .into_iter()
        .find(|p| p.ends_with("video"))
        .ok_or_else(|| anyhow::anyhow!("bob's video is not stored"))?;

    let t = TestServer::thread(&alice, "Hostile").await?;
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        (
            "playlist to a loopback listener",
            format!("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:{port}/x.ts\n#EXT-X-ENDLIST\n")
                .into_bytes(),
        ),
        (
            "playlist to another user's file",
            format!("#EXTM3U\n#EXTINF:10,\nfile://{}\n#EXT-X-ENDLIST\n", bob_file.display()).into_bytes(),
        ),
        ("random bytes", noise(70_000, 7)),
        ("a web page", b"<html><script>alert(1)</script></html>".to_vec()),
        ("empty-ish", vec![0u8; 3]),
    ];
    for (what, bytes) in hostile {
        let m = alice.create_message(t.id, &video(what)).await?;
        let parts = put_all(&alice, m.id, &bytes).await?;
        let r = alice.complete_upload(m.id, &complete_body(&parts)).await;
        match &r {
            Err(vidmsg_api::ClientError::Api { status: 422, body }) => {
                assert!(
                    body.message.contains("MP4") && body.message.contains("WebM"),
                    "{what}: the refusal says what is accepted: {}",
                    body.message
                );
            }
            other => panic!("{what}: expected 422, got {other:?}"),
        }
        // Nothing stored, no message left behind.
        assert_api_err(alice.get_message(m.id).await, 404, "not_found");
        assert!(
            stored_files(srv.data_dir.path(), m.id).is_empty(),
            "{what}: bytes left behind"
        );
    }
    // The worker never got a job, and nothing connected to the listener.
    let waited = tokio::time::timeout(Duration::from_secs(3), listener.accept()).await;
    assert!(
        waited.is_err(),
        "something connected to the playlist's target"
    );
    assert_eq!(alice.get_thread(t.id).await?.message_count, 0);
    Ok(())
}

#[tokio::test]
async fn media_types_are_exact_and_served_with_nosniff_and_a_disposition() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Types").await?;
    for bad in [
        "video/mp4, text/html",
        "text/html",
        "video/mp4; codecs=avc1",
        "video/mp4\r\nX-A: b",
        "video/",
    ] {
        let r = alice
            .create_message(
                t.id,
                &CreateMessage {
                    content_type: Some(bad.into()),
                    ..video("typed")
                },
            )
            .await;
        assert_api_err(r, 422, "unprocessable");
    }
    // A WebM declared as MP4 is served as what it is.
    let m = alice
        .create_message(
            t.id,
            &CreateMessage {
                content_type: Some("video/mp4".into()),
                ..video("mkv")
            },
        )
        .await?;
    let mut mkv = vec![0x1A, 0x45, 0xDF, 0xA3];
    mkv.extend(noise(5000, 3));
    let done = upload_all(&alice, m.id, &mkv).await?;
    assert_eq!(done.content_type.as_deref(), Some("video/webm"));
    let url = done
        .video_url
        .ok_or_else(|| anyhow::anyhow!("no video url"))?;
    let (status, headers, body) = download(&url).await?;
    assert_eq!(status, 200);
    assert_eq!(body, mkv);
    assert_eq!(headers["content-type"], "video/webm");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str()?;
    assert!(
        disposition.starts_with("inline; filename=\"vidmsg-"),
        "{disposition}"
    );
    // API answers carry nosniff too.
    let r = reqwest::get(format!("{}/api/health", srv.base_url())).await?;
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    Ok(())
}

#[tokio::test]
async fn ids_are_never_reused_and_an_old_url_never_serves_new_bytes() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let (alice, bob) = (srv.user("alice").await?, srv.user("bob").await?);
    let ta = TestServer::thread(&alice, "Alice's").await?;
    let first = alice.create_message(ta.id, &video("to delete")).await?;
    let mut a_bytes = ftyp_box();
    a_bytes.extend(noise(4000, 10));
    let a = upload_all(&alice, first.id, &a_bytes).await?;
    let old_url = a
        .video_url
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no url"))?;
    assert!(
        a.video_url_expires_in_s.is_some_and(|s| s <= 600),
        "playback URLs are short-lived"
    );
    // The key has a random folder: the URL does not follow from the id.
    let path = reqwest::Url::parse(&old_url)?.path().to_string();
    let folder = path.split('/').rev().nth(1).unwrap_or_default();
    assert!(
        folder.len() == 32 && folder.chars().all(|c| c.is_ascii_hexdigit()),
        "{path}"
    );

    alice.delete_message(first.id).await?;
    alice.delete_thread(ta.id).await?;
    assert!(
        stored_files(srv.data_dir.path(), first.id).is_empty(),
        "objects go with the message"
    );

    let tb = TestServer::thread(&bob, "Bob's").await?;
    assert!(tb.id > ta.id, "thread id {} reused", tb.id);
    let second = bob.create_message(tb.id, &video("private")).await?;
    assert!(second.id > first.id, "message id {} reused", second.id);
    let mut b_bytes = ftyp_box();
    b_bytes.extend(noise(4000, 11));
    upload_all(&bob, second.id, &b_bytes).await?;

    let (status, _, body) = download(&old_url).await?;
    assert!(matches!(status, 403 | 404), "old URL answered {status}");
    assert_ne!(body, b_bytes);
    Ok(())
}

#[tokio::test]
async fn storage_is_bounded_with_the_numbers_in_the_message() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    config.limits.max_part_bytes = 6 << 20;
    config.limits.max_message_bytes = 12 << 20;
    config.limits.user_quota_bytes = Some(20 << 20);
    config.limits.max_recording_ms = 60_000;
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;

    let me = alice.me_with_limits().await?;
    assert_eq!(me.user.name, "alice");
    assert_eq!(me.limits.max_recording_secs, 60);
    assert_eq!(me.limits.quota_bytes, Some(20 << 20));
    assert_eq!(
        (me.limits.max_part_bytes, me.limits.used_bytes),
        (6 << 20, 0)
    );

    let t = TestServer::thread(&alice, "Bounded").await?;
    // A part over the cap is refused by the store before it is written.
    let m = alice.create_message(t.id, &video("big part")).await?;
    let url = alice.presign_parts(m.id, &[1]).await?.parts[0].url.clone();
    let mut seven = ftyp_box();
    seven.extend(noise(7 << 20, 20));
    assert!(
        alice.put_part(&url, seven).await.is_err(),
        "a 7 MiB part was accepted"
    );
    assert!(alice.upload_state(m.id).await?.parts.is_empty());

    // Too long a recording.
    let mut five = ftyp_box();
    five.extend(noise(PART_SIZE - 24 + 100, 21));
    let parts = put_all(&alice, m.id, &five).await?;
    let mut body = complete_body(&parts);
    body.duration_ms = Some(61_000);
    let r = alice.complete_upload(m.id, &body).await;
    assert_api_err(r, 422, "unprocessable");

    // A video over the per-message cap: 413, and the upload stays open.
    let mut thirteen = ftyp_box();
    thirteen.extend(noise(13 << 20, 22));
    let m2 = alice.create_message(t.id, &video("too big")).await?;
    let parts2 = put_all(&alice, m2.id, &thirteen).await?;
    match alice.complete_upload(m2.id, &complete_body(&parts2)).await {
        Err(vidmsg_api::ClientError::Api { status: 413, body }) => {
            assert!(body.message.contains("12.0 MiB"), "{}", body.message)
        }
        other => panic!("expected 413, got {other:?}"),
    }
    assert_eq!(alice.upload_state(m2.id).await?.parts.len(), 3);
    alice.abort_upload(m2.id).await?;

    // The quota: 11 MiB fits, 11 more do not (507, numbers), until the first is deleted.
    let mut eleven = ftyp_box();
    eleven.extend(noise(11 << 20, 23));
    let one = alice.create_message(t.id, &video("one")).await?;
    upload_all(&alice, one.id, &eleven).await?;
    assert_eq!(
        alice.me_with_limits().await?.limits.used_bytes,
        eleven.len() as i64
    );
    let two = alice.create_message(t.id, &video("two")).await?;
    let parts = put_all(&alice, two.id, &eleven).await?;
    match alice.complete_upload(two.id, &complete_body(&parts)).await {
        Err(vidmsg_api::ClientError::Api { status: 507, body }) => {
            assert!(
                body.message.contains("20.0 MiB") && body.message.contains("delete"),
                "{}",
                body.message
            )
        }
        other => panic!("expected 507, got {other:?}"),
    }
    alice.delete_message(one.id).await?;
    let two = alice
        .complete_upload(two.id, &complete_body(&parts))
        .await?;
    assert_eq!(two.status, MessageStatus::Processing);
    Ok(())
}

#[tokio::test]
async fn kill_9_while_assembling_loses_nothing_and_complete_again_finishes() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let port = free_port()?;
    let mut server = ServerProcess::start(data.path(), port).await?;
    let token = add_user(data.path(), "alice")?;
    let alice = Client::new(&server.url, Some(token.clone()))?;
    let t = TestServer::thread(&alice, "Crash").await?;
    let m = alice.create_message(t.id, &video("big")).await?;
    // 5 parts of 40 MiB: assembling takes long enough to be caught in the middle.
    let part = 40 << 20;
    let mut bytes = ftyp_box();
    bytes.extend(noise(5 * part - 24, 30));
    let urls = alice.presign_parts(m.id, &[1, 2, 3, 4, 5]).await?;
    let mut done = Vec::new();
    for (i, chunk) in bytes.chunks(part).enumerate() {
        done.push(CompletedPart {
            part_number: i32::try_from(i + 1)?,
            etag: alice.put_part(&urls.parts[i].url, chunk.to_vec()).await?,
        });
    }
    let body = complete_body(&done);
    let completing = {
        let (alice, body) = (alice.clone(), body.clone());
        tokio::spawn(async move { alice.complete_upload(m.id, &body).await })
    };
    // Kill it once the assembly is under way: the temp file has some bytes but not all.
    let objects = data.path().join("objects");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let assembling = std::fs::read_dir(&objects)?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp."))
            .any(|e| {
                e.metadata()
                    .is_ok_and(|md| md.len() > (10 << 20) && md.len() < (150 << 20))
            });
        if assembling {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the assembly never started"
        );
        anyhow::ensure!(
            !completing.is_finished(),
            "complete finished before it could be interrupted"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill_9()?;
    let _ = completing.await;

    let _server = ServerProcess::start(data.path(), port).await?;
    let m1 = alice.get_message(m.id).await?;
    // Either the upload is open with all its parts again, or it was finished at start.
    if m1.status == MessageStatus::Uploading {
        let held = alice.upload_state(m.id).await?;
        assert_eq!(
            held.parts.len(),
            5,
            "parts after the crash: {:?}",
            held.parts
        );
    }
    let finished = match alice.complete_upload(m.id, &body).await {
        Ok(msg) => msg,
        Err(vidmsg_api::ClientError::Api { status: 409, .. }) => alice.get_message(m.id).await?,
        Err(e) => return Err(e.into()),
    };
    assert_eq!(finished.status, MessageStatus::Processing);
    assert_eq!(finished.size_bytes, Some(bytes.len() as i64));
    let url = finished
        .video_url
        .ok_or_else(|| anyhow::anyhow!("no url"))?;
    let mut got = Vec::with_capacity(bytes.len());
    let mut resp = reqwest::get(&url).await?;
    while let Some(chunk) = resp.chunk().await? {
        got.extend_from_slice(&chunk);
    }
    assert!(got == bytes, "the stored video differs from what was sent");
    // Nothing of the upload is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&objects)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".upload") || n.starts_with(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    Ok(())
}

#[tokio::test]
async fn a_lost_upload_is_reopened_and_the_recorder_sends_it_again() -> anyhow::Result<()> {
    use vidmsg_recorder::upload::{SentPart, UploadState, recover};

    // The data dir outlives the first server: it is restarted on it.
    let data = tempfile::tempdir()?;
    let data_path = data.path().to_path_buf();
    let mut config = Config::for_data_dir(&data_path);
    config.worker = false;
    let srv = TestServer::spawn_with(config.clone(), tempfile::tempdir()?).await?;
    let token = srv.token("alice").await?;
    let alice = Client::new(srv.base_url(), Some(token.clone()))?;
    let t = TestServer::thread(&alice, "Lost").await?;
    let m = alice.create_message(t.id, &video("recorded")).await?;

    // What the recorder leaves on disk: the spool and the parts it sent.
    let folder = tempfile::tempdir()?;
    let spool = fragmented_mp4_like(12 << 20, 40);
    std::fs::write(folder.path().join("recording.mp4"), &spool)?;
    let mut sent = Vec::new();
    for (i, chunk) in spool.chunks(PART_SIZE).take(2).enumerate() {
        let n = i32::try_from(i + 1)?;
        let url = alice.presign_parts(m.id, &[n]).await?.parts[0].url.clone();
        sent.push(SentPart {
            part_number: n,
            offset: (i * PART_SIZE) as u64,
            size: chunk.len() as u64,
            etag: alice.put_part(&url, chunk.to_vec()).await?,
        });
    }

    // The store loses the upload (parts and id) while the server is down.
    let TestServer { running, .. } = srv;
    running.stop().await?;
    for e in std::fs::read_dir(data_path.join("objects"))?.flatten() {
        if e.file_name().to_string_lossy().starts_with(".upload") {
            std::fs::remove_file(e.path())?;
        }
    }
    let srv = TestServer::spawn_with(config, tempfile::tempdir()?).await?;
    let state = UploadState {
        server: srv.base_url().to_string(),
        message_id: m.id,
        thread_id: t.id,
        parts: sent,
        completed: false,
        duration_ms: Some(10_000),
        title: Some("recorded".into()),
        started_at: 0,
    };
    state.save(&folder.path().join("upload.json"))?;
    // The server reopened the upload at start: it holds no part now.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match alice_on(&srv, &token)?.upload_state(m.id).await {
            Ok(s) if s.parts.is_empty() => break,
            _ if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            other => anyhow::bail!("the upload was not reopened: {other:?}"),
        }
    }
    let done = recover::recover(folder.path(), state, &token).await?;
    assert_eq!(done.status, MessageStatus::Processing);
    assert_eq!(done.size_bytes, Some(spool.len() as i64));
    let url = done.video_url.ok_or_else(|| anyhow::anyhow!("no url"))?;
    let (_, _, got) = download(&url).await?;
    assert!(got == spool, "the re-sent video differs from the recording");
    drop(data);
    Ok(())
}

fn alice_on(srv: &TestServer, token: &str) -> anyhow::Result<Client> {
    Ok(Client::new(srv.base_url(), Some(token.to_string()))?)
}

#[tokio::test]
async fn a_full_disk_while_assembling_is_a_clear_507_and_the_upload_survives() -> anyhow::Result<()>
{
    // 60 MiB: room for the parts (30 MiB) but not for a second copy of them.
    let disk = SmallDisk::mount(60)?;
    let data = tempfile::tempdir_in(&disk.dir)?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Full").await?;
    let m = alice.create_message(t.id, &video("big")).await?;
    let mut bytes = ftyp_box();
    bytes.extend(noise(30 << 20, 50));
    let parts = put_all(&alice, m.id, &bytes).await?;
    match alice.complete_upload(m.id, &complete_body(&parts)).await {
        Err(vidmsg_api::ClientError::Api { status: 507, body }) => {
            assert!(
                body.message.contains("disk is full") && body.message.contains("again"),
                "{}",
                body.message
            );
        }
        other => panic!("expected 507, got {other:?}"),
    }
    assert_eq!(
        alice.get_message(m.id).await?.status,
        MessageStatus::Uploading
    );
    assert_eq!(alice.upload_state(m.id).await?.parts.len(), parts.len());

    // An admin frees space: the same complete now finishes with every byte.
    disk.grow(200)?;
    let done = alice.complete_upload(m.id, &complete_body(&parts)).await?;
    let (_, _, got) = download(&done.video_url.ok_or_else(|| anyhow::anyhow!("no url"))?).await?;
    assert!(got == bytes);
    drop(srv);
    Ok(())
}

#[tokio::test]
async fn aborting_a_gone_upload_succeeds_and_the_janitor_removes_abandoned_and_orphaned_data()
-> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Janitor").await?;
    let objects = srv.data_dir.path().join("objects");

    // The store lost an upload: abort is still a success.
    let gone = alice.create_message(t.id, &video("gone")).await?;
    for e in std::fs::read_dir(&objects)?.flatten() {
        if e.file_name().to_string_lossy().starts_with(".upload") {
            std::fs::remove_file(e.path())?;
        }
    }
    alice.abort_upload(gone.id).await?;
    assert_api_err(alice.get_message(gone.id).await, 404, "not_found");

    // An abandoned upload with a part, and an object no message owns.
    let abandoned = alice.create_message(t.id, &video("abandoned")).await?;
    let mut bytes = ftyp_box();
    bytes.extend(noise(1000, 60));
    put_part(&alice, abandoned.id, &bytes, 1).await?;
    let kept = alice.create_message(t.id, &video("kept")).await?;
    upload_all(&alice, kept.id, &bytes).await?;
    let store = srv.running.store();
    store
        .put(
            "messages/999999/0123/video",
            b"orphan".to_vec(),
            "video/mp4",
        )
        .await?;

    let removed = vidmsg_server::videos::janitor::sweep(
        srv.running.db(),
        store,
        Duration::ZERO,
        Duration::ZERO,
    )
    .await
    .removed;
    assert!(removed >= 2, "removed {removed}");
    assert_api_err(alice.get_message(abandoned.id).await, 404, "not_found");
    let leftovers: Vec<_> = std::fs::read_dir(&objects)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".upload"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(
        stored_files(srv.data_dir.path(), 999_999).is_empty(),
        "orphan kept"
    );
    // What a message still needs stays.
    assert!(!stored_files(srv.data_dir.path(), kept.id).is_empty());
    let mut f = tokio::fs::File::open(
        stored_files(srv.data_dir.path(), kept.id)
            .into_iter()
            .find(|p| p.ends_with("video"))
            .ok_or_else(|| anyhow::anyhow!("kept video gone"))?,
    )
    .await?;
    let mut head = Vec::new();
    f.read_to_end(&mut head).await?;
    assert_eq!(head, bytes);
    Ok(())
}

#[tokio::test]
async fn a_message_kind_text_needs_no_storage() -> anyhow::Result<()> {
    // Quota and limits never stand in the way of text replies.
    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    config.limits.user_quota_bytes = Some(0);
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Text").await?;
    let m = alice
        .create_message(
            t.id,
            &CreateMessage {
                kind: MessageKind::Text,
                title: None,
                body: Some("hello".into()),
                parent_id: None,
                content_type: None,
                urgent: false,
            },
        )
        .await?;
    assert_eq!(m.status, MessageStatus::Ready);
    Ok(())
}
