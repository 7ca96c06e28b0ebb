//! Threads, members, messages, nested replies and pagination.

use vidmsg_api::{CreateMessage, CreateThread, MessageKind, MessageStatus, PageQuery};
use vidmsg_tests::TestServer;

use crate::assert_api_err;

pub fn text(body: &str, parent_id: Option<i64>) -> CreateMessage {
    CreateMessage {
        kind: MessageKind::Text,
        title: None,
        body: Some(body.into()),
        parent_id,
        content_type: None,
        urgent: false,
    }
}

pub fn video(title: &str) -> CreateMessage {
    CreateMessage {
        kind: MessageKind::Video,
        title: Some(title.into()),
        body: None,
        parent_id: None,
        content_type: None,
        urgent: false,
    }
}

#[tokio::test]
async fn threads_have_members_and_newest_activity_comes_first() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let _carol = srv.user("carol").await?;

    let t = alice
        .create_thread(&CreateThread {
            title: "  Launch plan ".into(),
            members: vec!["bob".into()],
        })
        .await?;
    assert_eq!(t.title, "Launch plan");
    assert_eq!(t.created_by, "alice");
    assert_eq!(t.members, vec!["alice", "bob"]);
    assert_eq!(bob.get_thread(t.id).await?.id, t.id);

    let t = alice.add_member(t.id, "carol").await?;
    assert_eq!(t.members.len(), 3);
    assert_api_err(alice.add_member(t.id, "nobody").await, 422, "unprocessable");
    assert_api_err(
        alice
            .create_thread(&CreateThread {
                title: "x".into(),
                members: vec!["ghost".into()],
            })
            .await,
        422,
        "unprocessable",
    );

    // Paginate five threads two at a time; a new message moves a thread to the front.
    let mut ids = vec![t.id];
    for i in 0..4 {
        ids.push(
            alice
                .create_thread(&CreateThread {
                    title: format!("t{i}"),
                    members: vec![],
                })
                .await?
                .id,
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    alice.create_message(ids[0], &text("bump", None)).await?;
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = alice
            .list_threads(&PageQuery {
                limit: Some(2),
                cursor: cursor.clone(),
            })
            .await?;
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|t| t.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5, "every thread once: {seen:?}");
    assert_eq!(
        seen[0], ids[0],
        "the thread with the newest message comes first"
    );
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 5);
    // Bob sees only the thread he is in.
    let bobs = bob.list_threads(&PageQuery::default()).await?;
    assert_eq!(
        bobs.items.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    Ok(())
}

#[tokio::test]
async fn messages_nest_replies_and_deleting_removes_the_subtree() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Design".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let other = TestServer::thread(&alice, "Other").await?;

    let root = alice
        .create_message(t.id, &text("What do we ship first?\nDetails below.", None))
        .await?;
    assert_eq!(root.status, MessageStatus::Ready);
    assert_eq!(root.kind, MessageKind::Text);
    assert_eq!(root.title, "What do we ship first?");
    assert!(root.video_url.is_none());
    let reply = bob
        .create_message(t.id, &text("The recorder.", Some(root.id)))
        .await?;
    let nested = alice
        .create_message(t.id, &text("Agreed.", Some(reply.id)))
        .await?;
    let vid = bob.create_message(t.id, &video("Walkthrough")).await?;
    assert_eq!(vid.status, MessageStatus::Uploading);
    assert_eq!(vid.author, "bob");

    let page = alice.list_messages(t.id, &PageQuery::default()).await?;
    let ids: Vec<_> = page.items.iter().map(|m| m.id).collect();
    assert_eq!(
        ids,
        vec![root.id, reply.id, nested.id, vid.id],
        "posting order"
    );
    assert_eq!(page.items[0].reply_count, 1);
    assert_eq!(page.items[1].parent_id, Some(root.id));
    assert_eq!(page.items[2].parent_id, Some(reply.id));
    assert_eq!(alice.get_thread(t.id).await?.message_count, 4);

    let first = alice
        .list_messages(
            t.id,
            &PageQuery {
                limit: Some(3),
                cursor: None,
            },
        )
        .await?;
    assert_eq!(first.items.len(), 3);
    let rest = alice
        .list_messages(
            t.id,
            &PageQuery {
                limit: Some(3),
                cursor: first.next_cursor,
            },
        )
        .await?;
    assert_eq!(
        rest.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![vid.id]
    );
    assert!(rest.next_cursor.is_none());

    // A parent must be in the same thread; a text message needs text.
    assert_api_err(
        alice
            .create_message(other.id, &text("x", Some(root.id)))
            .await,
        422,
        "unprocessable",
    );
    assert_api_err(
        alice.create_message(t.id, &text("   ", None)).await,
        422,
        "unprocessable",
    );

    // Only the author deletes; deleting removes the replies below.
    assert_api_err(bob.delete_message(root.id).await, 403, "forbidden");
    alice.delete_message(root.id).await?;
    for id in [root.id, reply.id, nested.id] {
        assert_api_err(alice.get_message(id).await, 404, "not_found");
    }
    assert_eq!(alice.get_message(vid.id).await?.id, vid.id);

    // Only the creator deletes a thread.
    assert_api_err(bob.delete_thread(t.id).await, 403, "forbidden");
    alice.delete_thread(t.id).await?;
    assert_api_err(bob.get_thread(t.id).await, 404, "not_found");
    assert_api_err(bob.get_message(vid.id).await, 404, "not_found");
    Ok(())
}
