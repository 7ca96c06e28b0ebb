//! Bad input gets the documented error and changes nothing.

use reqwest::Method;
use vidmsg_api::{Client, CompleteUpload, CompletedPart, CreateThread, MessageStatus, PageQuery};
use vidmsg_tests::TestServer;
use vidmsg_tests::media::big_mp4;
use vidmsg_tests::upload::{PART_SIZE, put_part};

use crate::assert_api_err;
use crate::threads_and_messages::video;

async fn raw(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> anyhow::Result<(u16, serde_json::Value)> {
    let mut rb = client.request(method, path)?;
    if let Some(b) = body {
        rb = rb.header("Content-Type", "application/json").body(b);
    }
    let resp = rb.send().await?;
    let status = resp.status().as_u16();
    let json = resp.json().await.unwrap_or(serde_json::Value::Null);
    Ok((status, json))
}

#[tokio::test]
async fn unknown_ids_malformed_json_and_oversize_bodies() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;

    assert_api_err(alice.get_thread(999).await, 404, "not_found");
    assert_api_err(alice.get_message(999).await, 404, "not_found");
    assert_api_err(alice.upload_state(999).await, 404, "not_found");
    assert_api_err(alice.presign_parts(999, &[1]).await, 404, "not_found");
    assert_api_err(alice.list_comments(999).await, 404, "not_found");

    let (s, j) = raw(&alice, Method::GET, "api/threads/not-a-number", None).await?;
    assert_eq!((s, j["error"].as_str()), (400, Some("bad_request")));

    let (s, j) = raw(
        &alice,
        Method::POST,
        "api/threads",
        Some(b"{\"title\": \"x\"".to_vec()),
    )
    .await?;
    assert_eq!(
        (s, j["error"].as_str()),
        (400, Some("bad_request")),
        "malformed JSON: {j}"
    );
    let (s, j) = raw(
        &alice,
        Method::POST,
        "api/threads",
        Some(b"{\"title\": 5}".to_vec()),
    )
    .await?;
    assert_eq!(
        (s, j["error"].as_str()),
        (422, Some("unprocessable")),
        "wrong shape: {j}"
    );
    let resp = alice
        .request(Method::POST, "api/threads")?
        .body("{\"title\":\"x\"}")
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 400, "JSON without a content type");

    let huge = serde_json::to_vec(&serde_json::json!({ "title": "x".repeat(2 * 1024 * 1024) }))?;
    let (s, j) = raw(&alice, Method::POST, "api/threads", Some(huge)).await?;
    assert_eq!(
        (s, j["error"].as_str()),
        (413, Some("payload_too_large")),
        "oversize: {j}"
    );

    assert_api_err(
        alice
            .create_thread(&CreateThread {
                title: "   ".into(),
                members: vec![],
            })
            .await,
        422,
        "unprocessable",
    );
    assert_api_err(
        alice
            .create_thread(&CreateThread {
                title: "x".repeat(301),
                members: vec![],
            })
            .await,
        422,
        "unprocessable",
    );

    let (s, _) = raw(&alice, Method::GET, "api/threads?limit=0", None).await?;
    assert_eq!(s, 400);
    let (s, _) = raw(&alice, Method::GET, "api/threads?limit=abc", None).await?;
    assert_eq!(s, 400);
    let (s, _) = raw(&alice, Method::GET, "api/threads?cursor=garbage", None).await?;
    assert_eq!(s, 400);

    assert!(
        alice
            .list_threads(&PageQuery::default())
            .await?
            .items
            .is_empty(),
        "nothing was created"
    );
    Ok(())
}

#[tokio::test]
async fn bad_part_numbers_and_wrong_etags_change_nothing() -> anyhow::Result<()> {
    let file = std::fs::read(big_mp4()?)?;
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Bad").await?;
    let msg = alice.create_message(t.id, &video("Bad")).await?;

    for bad in [
        vec![0],
        vec![10_001],
        vec![-3],
        vec![],
        (1..=101).collect::<Vec<i32>>(),
    ] {
        assert_api_err(
            alice.presign_parts(msg.id, &bad).await,
            422,
            "unprocessable",
        );
    }
    let (s, _) = raw(
        &alice,
        Method::POST,
        &format!("api/messages/{}/upload/parts", msg.id),
        Some(b"{\"part_numbers\": [1.5]}".to_vec()),
    )
    .await?;
    assert_eq!(s, 422);

    let e1 = put_part(&alice, msg.id, &file, 1).await?;
    let e2 = put_part(&alice, msg.id, &file, 2).await?;
    let n_parts = file.len().div_ceil(PART_SIZE);
    let mut parts = vec![
        CompletedPart {
            part_number: 1,
            etag: e1.clone(),
        },
        CompletedPart {
            part_number: 2,
            etag: e2.clone(),
        },
    ];
    for n in 3..=i32::try_from(n_parts)? {
        parts.push(CompletedPart {
            part_number: n,
            etag: put_part(&alice, msg.id, &file, n).await?,
        });
    }
    let before = alice.upload_state(msg.id).await?;
    let complete = |parts: Vec<CompletedPart>| CompleteUpload {
        parts,
        duration_ms: None,
    };

    // Wrong ETag, missing part, parts out of order, a listed part never uploaded, nothing at all.
    let mut wrong = parts.clone();
    wrong[1].etag = "\"0123456789abcdef0123456789abcdef\"".into();
    assert_api_err(
        alice.complete_upload(msg.id, &complete(wrong)).await,
        422,
        "unprocessable",
    );
    assert_api_err(
        alice
            .complete_upload(msg.id, &complete(parts[..2].to_vec()))
            .await,
        422,
        "unprocessable",
    );
    let mut swapped = parts.clone();
    swapped.swap(0, 1);
    assert_api_err(
        alice.complete_upload(msg.id, &complete(swapped)).await,
        422,
        "unprocessable",
    );
    let mut extra = parts.clone();
    extra.push(CompletedPart {
        part_number: i32::try_from(n_parts)? + 1,
        etag: e1.clone(),
    });
    assert_api_err(
        alice.complete_upload(msg.id, &complete(extra)).await,
        422,
        "unprocessable",
    );
    assert_api_err(
        alice.complete_upload(msg.id, &complete(vec![])).await,
        422,
        "unprocessable",
    );
    assert_api_err(
        alice
            .complete_upload(
                msg.id,
                &CompleteUpload {
                    parts: parts.clone(),
                    duration_ms: Some(-5),
                },
            )
            .await,
        422,
        "unprocessable",
    );

    // Nothing changed: still uploading, every part still there with the same ETag.
    assert_eq!(
        alice.get_message(msg.id).await?.status,
        MessageStatus::Uploading
    );
    assert_eq!(alice.upload_state(msg.id).await?.parts, before.parts);

    // The right list completes; a second complete is a conflict.
    let done = alice
        .complete_upload(msg.id, &complete(parts.clone()))
        .await?;
    assert_eq!(done.status, MessageStatus::Processing);
    assert_api_err(
        alice.complete_upload(msg.id, &complete(parts)).await,
        409,
        "conflict",
    );
    Ok(())
}

#[tokio::test]
async fn small_parts_before_the_last_are_refused_and_the_upload_stays_resumable()
-> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Small").await?;
    let msg = alice.create_message(t.id, &video("Small")).await?;
    let urls = alice.presign_parts(msg.id, &[1, 2]).await?;
    let e1 = alice.put_part(&urls.parts[0].url, vec![1u8; 1000]).await?;
    let e2 = alice.put_part(&urls.parts[1].url, vec![2u8; 1000]).await?;
    let parts = vec![
        CompletedPart {
            part_number: 1,
            etag: e1,
        },
        CompletedPart {
            part_number: 2,
            etag: e2,
        },
    ];
    assert_api_err(
        alice
            .complete_upload(
                msg.id,
                &CompleteUpload {
                    parts,
                    duration_ms: None,
                },
            )
            .await,
        422,
        "unprocessable",
    );
    assert_eq!(alice.upload_state(msg.id).await?.parts.len(), 2);

    // Re-sending part 1 at full size makes the same upload completable.
    // A part that starts like an MP4 (complete only accepts videos).
    let mut big = vidmsg_tests::hostile::ftyp_box();
    big.resize(PART_SIZE, 3);
    let e1 = alice
        .put_part(
            &alice.presign_parts(msg.id, &[1]).await?.parts[0].url,
            big.clone(),
        )
        .await?;
    let state = alice.upload_state(msg.id).await?;
    let e2 = state.parts[1].etag.clone();
    let parts = vec![
        CompletedPart {
            part_number: 1,
            etag: e1,
        },
        CompletedPart {
            part_number: 2,
            etag: e2,
        },
    ];
    let done = alice
        .complete_upload(
            msg.id,
            &CompleteUpload {
                parts,
                duration_ms: None,
            },
        )
        .await?;
    assert_eq!(done.size_bytes, Some(i64::try_from(PART_SIZE + 1000)?));
    Ok(())
}
