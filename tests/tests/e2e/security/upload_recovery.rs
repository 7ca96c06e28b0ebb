//! Uploads that survive what goes wrong (issue #9, item 4): a kill -9 or a full disk while
//! assembling loses nothing and `complete` can be sent again; a lost upload is reopened and the
//! recorder sends it again; abandoned and orphaned data is removed by the janitor.

use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use vidmsg_api::{Client, CompletedPart, MessageStatus};
use vidmsg_server::Config;
use vidmsg_tests::TestServer;
use vidmsg_tests::hostile::{
    ServerProcess, SmallDisk, add_user, fragmented_mp4_like, free_port, ftyp_box, noise,
};
use vidmsg_tests::upload::{PART_SIZE, put_all, put_part, upload_all};

use super::uploads::{complete_body, download, stored_files};
use crate::assert_api_err;
use crate::threads_and_messages::video;

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
