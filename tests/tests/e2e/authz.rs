//! Authorization matrix: two users, three threads (alice's, bob's, shared). Nobody reads, writes,
//! uploads to or presigns for a thread they are not in; in a shared thread only the author
//! touches an upload.

use vidmsg_api::{CompleteUpload, CompletedPart, CreateComment, CreateThread, PageQuery};
use vidmsg_tests::TestServer;

use crate::assert_api_err;
use crate::threads_and_messages::{text, video};

#[tokio::test]
async fn no_cross_member_read_write_upload_or_presign() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let a_only = TestServer::thread(&alice, "alice").await?;
    let b_only = TestServer::thread(&bob, "bob").await?;
    let shared = alice
        .create_thread(&CreateThread {
            title: "both".into(),
            members: vec!["bob".into()],
        })
        .await?;

    let mut listed: Vec<_> = alice
        .list_threads(&PageQuery::default())
        .await?
        .items
        .into_iter()
        .map(|t| t.id)
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, vec![a_only.id, shared.id]);
    let mut listed: Vec<_> = bob
        .list_threads(&PageQuery::default())
        .await?
        .items
        .into_iter()
        .map(|t| t.id)
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, vec![b_only.id, shared.id]);

    // Bob's private thread does not exist for alice: read, write, membership.
    assert_api_err(alice.get_thread(b_only.id).await, 404, "not_found");
    assert_api_err(
        alice.list_messages(b_only.id, &PageQuery::default()).await,
        404,
        "not_found",
    );
    assert_api_err(
        alice.create_message(b_only.id, &text("hi", None)).await,
        404,
        "not_found",
    );
    assert_api_err(
        alice.create_message(b_only.id, &video("v")).await,
        404,
        "not_found",
    );
    assert_api_err(alice.add_member(b_only.id, "alice").await, 404, "not_found");
    assert_api_err(alice.delete_thread(b_only.id).await, 404, "not_found");

    // Nor do the messages in it: no read, no upload, no presign, no feedback.
    let b_text = bob.create_message(b_only.id, &text("secret", None)).await?;
    let b_vid = bob.create_message(b_only.id, &video("private")).await?;
    let b_url = bob.presign_parts(b_vid.id, &[1]).await?.parts.remove(0).url;
    let etag = bob.put_part(&b_url, vec![1u8; 100]).await?;
    for id in [b_text.id, b_vid.id] {
        assert_api_err(alice.get_message(id).await, 404, "not_found");
        assert_api_err(alice.delete_message(id).await, 404, "not_found");
        assert_api_err(alice.list_comments(id).await, 404, "not_found");
        assert_api_err(
            alice
                .create_comment(
                    id,
                    &CreateComment {
                        at_ms: 0,
                        body: "x".into(),
                    },
                )
                .await,
            404,
            "not_found",
        );
        assert_api_err(alice.list_views(id).await, 404, "not_found");
        assert_api_err(alice.record_view(id, 0).await, 404, "not_found");
    }
    assert_api_err(alice.upload_state(b_vid.id).await, 404, "not_found");
    assert_api_err(alice.presign_parts(b_vid.id, &[2]).await, 404, "not_found");
    let complete = CompleteUpload {
        parts: vec![CompletedPart {
            part_number: 1,
            etag: etag.clone(),
        }],
        duration_ms: None,
    };
    assert_api_err(
        alice.complete_upload(b_vid.id, &complete).await,
        404,
        "not_found",
    );
    assert_api_err(alice.abort_upload(b_vid.id).await, 404, "not_found");
    // Replying into bob's thread through a parent id is refused too.
    assert_api_err(
        alice
            .create_message(a_only.id, &text("x", Some(b_text.id)))
            .await,
        422,
        "unprocessable",
    );

    // In the shared thread alice reads bob's video and comments, but the upload is bob's alone.
    let s_vid = bob.create_message(shared.id, &video("shared")).await?;
    assert_eq!(alice.get_message(s_vid.id).await?.author, "bob");
    alice
        .create_comment(
            s_vid.id,
            &CreateComment {
                at_ms: 0,
                body: "watching".into(),
            },
        )
        .await?;
    alice.record_view(s_vid.id, 0).await?;
    assert_api_err(alice.upload_state(s_vid.id).await, 403, "forbidden");
    assert_api_err(alice.presign_parts(s_vid.id, &[1]).await, 403, "forbidden");
    assert_api_err(
        alice.complete_upload(s_vid.id, &complete).await,
        403,
        "forbidden",
    );
    assert_api_err(alice.abort_upload(s_vid.id).await, 403, "forbidden");
    assert_api_err(alice.delete_message(s_vid.id).await, 403, "forbidden");
    assert_api_err(bob.delete_thread(shared.id).await, 403, "forbidden");

    // A presigned URL is for one part of one object: re-pointing it at another key fails.
    let forged = b_url.replace(
        &format!("messages/{}/", b_vid.id),
        &format!("messages/{}/", s_vid.id),
    );
    assert_ne!(forged, b_url);
    let resp = reqwest::Client::new()
        .put(&forged)
        .body(vec![2u8; 100])
        .send()
        .await?;
    assert_eq!(
        resp.status().as_u16(),
        403,
        "a re-pointed presigned URL is refused"
    );
    // And the store refuses unsigned requests outright.
    let resp = reqwest::get(format!(
        "{}/vidmsg/messages/{}/video",
        srv.base_url(),
        b_vid.id
    ))
    .await?;
    assert_eq!(resp.status().as_u16(), 403);

    // Nothing alice tried changed bob's upload.
    let state = bob.upload_state(b_vid.id).await?;
    assert_eq!(state.parts.len(), 1);
    assert_eq!(bob.get_thread(b_only.id).await?.members, vec!["bob"]);
    Ok(())
}
