//! Uploads (issue #9, items 1–4 and 7): only MP4 and WebM become messages; ids and URLs never
//! reach someone else's bytes; storage is bounded; media is served with exact types, `nosniff`
//! and a disposition. What survives a crash, a full disk or an abandoned upload is in
//! `upload_recovery`.

use std::time::Duration;

use vidmsg_api::{CompleteUpload, CompletedPart, CreateMessage, MessageKind, MessageStatus};
use vidmsg_server::Config;
use vidmsg_tests::TestServer;
use vidmsg_tests::hostile::{ftyp_box, noise};
use vidmsg_tests::upload::{PART_SIZE, put_all, upload_all};

use crate::assert_api_err;
use crate::threads_and_messages::video;

pub(super) fn complete_body(parts: &[CompletedPart]) -> CompleteUpload {
    CompleteUpload {
        parts: parts.to_vec(),
        duration_ms: None,
    }
}

/// Files stored under the embedded store's objects for message `id` (any key of it).
pub(super) fn stored_files(data_dir: &std::path::Path, id: i64) -> Vec<std::path::PathBuf> {
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

pub(super) async fn download(
    url: &str,
) -> anyhow::Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
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
