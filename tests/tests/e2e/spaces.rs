//! Spaces and the one visibility rule (issue #11): a thread posted to a space is seen by the
//! space's members (those who join later too), a direct thread by its people, and the thread
//! list, GET, search, the event feed and unread counts all agree.

use std::collections::BTreeSet;
use std::time::Duration;

use vidmsg_api::{
    Client, CreateInvite, CreateMessage, CreateSpace, Id, JoinRequest, Message, MessageKind,
    NewThread, PageQuery, SearchQuery, Segment, ServerEvent, ThreadVisibility,
};
use vidmsg_server::db::{Db, FinishedUpload, NewMessage, TranscriptResult, now_ms};
use vidmsg_tests::TestServer;

use crate::assert_api_err;

async fn text(client: &Client, thread: Id, body: &str) -> anyhow::Result<Message> {
    let req: CreateMessage = serde_json::from_value(serde_json::json!({
        "kind": "text", "body": body,
    }))?;
    Ok(client.create_message(thread, &req).await?)
}

/// Titles of the threads `client` lists.
async fn listed(client: &Client) -> anyhow::Result<BTreeSet<String>> {
    let page = client.list_threads(&PageQuery::default()).await?;
    Ok(page.items.into_iter().map(|t| t.title).collect())
}

/// Message ids `client` finds for `q`.
async fn found(client: &Client, q: &str) -> anyhow::Result<BTreeSet<Id>> {
    let r = client
        .search(&SearchQuery {
            q: q.into(),
            ..Default::default()
        })
        .await?;
    Ok(r.hits.into_iter().map(|h| h.message_id).collect())
}

/// Thread ids the event feed brings `client` from `since` (what arrives within a few seconds).
async fn fed(client: &Client, since: i64) -> anyhow::Result<BTreeSet<Id>> {
    let mut feed = client.events(Some(since)).await?;
    let mut ids = BTreeSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, feed.next()).await {
        match ev? {
            ServerEvent::Thread { thread } => {
                ids.insert(thread.id);
            }
            ServerEvent::Message { message } => {
                ids.insert(message.thread_id);
            }
            _ => {}
        }
    }
    Ok(ids)
}

/// A transcribed video in `thread`, written through the database as the worker would (the
/// worker is off in these tests): search then has something to find. `language`: the one the
/// worker heard (`None`: unknown, read as English).
pub(crate) async fn transcribed(
    db: &Db,
    thread: Id,
    author: Id,
    words: &str,
    language: Option<&str>,
) -> anyhow::Result<Id> {
    let now = now_ms();
    let id = db
        .insert_message(&NewMessage {
            thread_id: thread,
            author_id: author,
            kind: MessageKind::Video,
            title: words.into(),
            body: None,
            parent_id: None,
            status: vidmsg_api::MessageStatus::Uploading,
            content_type: Some("video/mp4".into()),
            urgent: false,
            now_ms: now,
        })
        .await?;
    db.set_upload(id, &format!("test/{id}"), "upload", now)
        .await?;
    let done = FinishedUpload {
        size_bytes: 1,
        duration_ms: Some(1_000),
        content_type: "video/mp4".into(),
    };
    anyhow::ensure!(db.finish_upload(id, &done, now).await?);
    let job = db
        .claim_job("test", now, 60_000, 3)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no job queued"))?;
    let result = TranscriptResult {
        segments: vec![Segment {
            start_ms: 0,
            end_ms: 1_000,
            text: words.into(),
            words: None,
        }],
        duration_ms: Some(1_000),
        note: None,
        language: language.map(str::to_string),
    };
    anyhow::ensure!(db.finish_job(&job, "test", &result, now).await?);
    Ok(id)
}

#[tokio::test]
async fn spaces_decide_who_sees_a_thread_everywhere() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let db = srv.running.db().clone();
    let alice = srv.user("alice").await?; // the first account: an admin
    let bob = srv.user("bob").await?;
    let carol = srv.user("carol").await?;
    let alice_id = alice.me().await?.id;
    let start = now_ms();

    let eng = alice
        .create_space(&CreateSpace {
            name: "#eng".into(),
            private: false,
        })
        .await?;
    assert_eq!(
        (eng.name.as_str(), eng.private, eng.joined),
        ("eng", false, true)
    );
    assert_eq!(eng.members, ["alice"]);
    let design = alice
        .create_space(&CreateSpace {
            name: "design".into(),
            private: true,
        })
        .await?;
    assert_api_err(
        bob.create_space(&CreateSpace {
            name: "ENG".into(),
            private: false,
        })
        .await,
        409,
        "conflict",
    );
    assert_api_err(
        bob.create_space(&CreateSpace {
            name: "no spaces".into(),
            private: false,
        })
        .await,
        422,
        "unprocessable",
    );

    // Bob joins eng; carol does not. Nobody but alice sees the private space.
    let joined = bob.join_space(eng.id).await?;
    assert_eq!(joined.members, ["alice", "bob"]);
    assert_eq!(joined.member_count, 2);
    let names = |s: Vec<vidmsg_api::Space>| {
        s.into_iter()
            .map(|s| (s.name, s.joined))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(alice.list_spaces().await?),
        [("design".to_string(), true), ("eng".to_string(), true)]
    );
    assert_eq!(names(bob.list_spaces().await?), [("eng".to_string(), true)]);
    assert_eq!(
        names(carol.list_spaces().await?),
        [("eng".to_string(), false)]
    );

    // Posting to a space needs membership; not both a space and people.
    assert_api_err(
        carol
            .new_thread(&NewThread {
                title: "x".into(),
                space_id: Some(eng.id),
                people: vec![],
            })
            .await,
        403,
        "forbidden",
    );
    assert_api_err(
        carol
            .new_thread(&NewThread {
                title: "x".into(),
                space_id: Some(design.id),
                people: vec![],
            })
            .await,
        404,
        "not_found",
    );
    assert_api_err(
        alice
            .new_thread(&NewThread {
                title: "x".into(),
                space_id: Some(eng.id),
                people: vec!["bob".into()],
            })
            .await,
        422,
        "unprocessable",
    );

    let in_eng = alice
        .new_thread(&NewThread {
            title: "Eng sync".into(),
            space_id: Some(eng.id),
            people: vec![],
        })
        .await?;
    assert_eq!(in_eng.visibility, ThreadVisibility::Space);
    assert_eq!(
        (in_eng.space_id, in_eng.space.as_deref()),
        (Some(eng.id), Some("eng"))
    );
    assert_eq!(in_eng.members, ["alice", "bob"]);
    let eng_msg = text(&alice, in_eng.id, "standup notes").await?;
    let eng_video = transcribed(&db, in_eng.id, alice_id, "the build is green again", None).await?;

    let to_carol = alice
        .new_thread(&NewThread {
            title: "For carol".into(),
            space_id: None,
            people: vec!["carol".into()],
        })
        .await?;
    assert_eq!(to_carol.visibility, ThreadVisibility::People);
    assert_eq!(to_carol.space_id, None);
    let carol_msg = text(&alice, to_carol.id, "just between us").await?;
    let carol_video = transcribed(
        &db,
        to_carol.id,
        alice_id,
        "the build is green for carol",
        None,
    )
    .await?;

    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(listed(&alice).await?, set(&["Eng sync", "For carol"]));
    assert_eq!(listed(&bob).await?, set(&["Eng sync"]));
    assert_eq!(listed(&carol).await?, set(&["For carol"]));

    // GET: what one does not see does not exist.
    bob.get_thread(in_eng.id).await?;
    bob.get_message(eng_msg.id).await?;
    assert_api_err(bob.get_thread(to_carol.id).await, 404, "not_found");
    assert_api_err(bob.get_message(carol_msg.id).await, 404, "not_found");
    assert_api_err(carol.get_thread(in_eng.id).await, 404, "not_found");
    assert_api_err(carol.get_message(eng_msg.id).await, 404, "not_found");
    assert_api_err(
        carol.list_messages(in_eng.id, &PageQuery::default()).await,
        404,
        "not_found",
    );
    assert_api_err(carol.transcript(eng_video).await, 404, "not_found");

    // Unread counts follow the same rule.
    assert_eq!(bob.get_thread(in_eng.id).await?.unread_count, 2);

    // Search.
    let both = BTreeSet::from([eng_video, carol_video]);
    assert_eq!(found(&alice, "build green").await?, both);
    assert_eq!(
        found(&bob, "build green").await?,
        BTreeSet::from([eng_video])
    );
    assert_eq!(
        found(&carol, "build green").await?,
        BTreeSet::from([carol_video])
    );

    // The event feed.
    assert_eq!(
        fed(&alice, start).await?,
        BTreeSet::from([in_eng.id, to_carol.id])
    );
    assert_eq!(fed(&bob, start).await?, BTreeSet::from([in_eng.id]));
    assert_eq!(fed(&carol, start).await?, BTreeSet::from([to_carol.id]));

    // People of a space thread are the space's: adding to the thread is refused.
    assert_api_err(alice.add_member(in_eng.id, "carol").await, 409, "conflict");

    // Carol joins eng later and sees its old threads (and what is in them).
    carol.join_space(eng.id).await?;
    assert_eq!(listed(&carol).await?, set(&["Eng sync", "For carol"]));
    carol.get_message(eng_msg.id).await?;
    assert_eq!(found(&carol, "build green").await?, both);
    assert_eq!(
        carol.get_thread(in_eng.id).await?.members,
        ["alice", "bob", "carol"]
    );

    // The private space: carol can neither join nor see it, until alice adds her.
    assert_api_err(carol.join_space(design.id).await, 403, "forbidden");
    assert_api_err(carol.get_space(design.id).await, 404, "not_found");
    assert_api_err(
        carol.add_space_member(design.id, "bob").await,
        404,
        "not_found",
    );
    bob.join_space(eng.id).await?; // joining twice is fine
    alice.add_space_member(design.id, "carol").await?;
    let seen = carol.get_space(design.id).await?;
    assert!(seen.joined && seen.private);
    // A member who is neither its creator nor an admin may not add people to a private space.
    assert_api_err(
        carol.add_space_member(design.id, "bob").await,
        403,
        "forbidden",
    );
    let in_design = alice
        .new_thread(&NewThread {
            title: "Mockups".into(),
            space_id: Some(design.id),
            people: vec![],
        })
        .await?;
    carol.get_thread(in_design.id).await?;
    assert_api_err(bob.get_thread(in_design.id).await, 404, "not_found");

    // Leaving removes visibility; only the creator or an admin removes others.
    assert_api_err(
        carol.remove_space_member(eng.id, "bob").await,
        403,
        "forbidden",
    );
    carol.remove_space_member(eng.id, "carol").await?;
    assert_eq!(listed(&carol).await?, set(&["For carol", "Mockups"]));
    assert_api_err(carol.get_thread(in_eng.id).await, 404, "not_found");
    assert_eq!(
        found(&carol, "build green").await?,
        BTreeSet::from([carol_video])
    );
    alice.remove_space_member(design.id, "carol").await?;
    assert_api_err(carol.get_thread(in_design.id).await, 404, "not_found");
    assert_api_err(carol.get_space(design.id).await, 404, "not_found");

    // People for pickers.
    let people = bob.list_users().await?;
    let names: Vec<_> = people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    assert_eq!(people[0].role, vidmsg_api::Role::Admin);
    Ok(())
}

#[tokio::test]
async fn an_invite_into_spaces_puts_the_joiner_in_them() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let eng = alice
        .create_space(&CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    let design = alice
        .create_space(&CreateSpace {
            name: "design".into(),
            private: true,
        })
        .await?;
    let old = alice
        .new_thread(&NewThread {
            title: "Before you came".into(),
            space_id: Some(eng.id),
            people: vec![],
        })
        .await?;

    // Bob may not invite into a space he cannot see, nor into one he has not joined.
    let invite_to = |spaces: &[&str]| CreateInvite {
        spaces: spaces.iter().map(|s| s.to_string()).collect(),
    };
    assert_api_err(
        bob.create_invite(&invite_to(&["design"])).await,
        422,
        "unprocessable",
    );
    assert_api_err(
        bob.create_invite(&invite_to(&["eng"])).await,
        403,
        "forbidden",
    );
    assert_api_err(
        alice.create_invite(&invite_to(&["nowhere"])).await,
        422,
        "unprocessable",
    );

    let invite = alice
        .create_invite(&invite_to(&["#eng", &design.id.to_string()]))
        .await?;
    let dana = srv
        .anonymous()
        .join(&JoinRequest {
            code: invite.url.clone(),
            name: "dana".into(),
            password: "a long enough password".into(),
        })
        .await?;
    let dana = Client::new(srv.base_url(), Some(dana.token))?;
    let spaces: Vec<_> = dana
        .list_spaces()
        .await?
        .into_iter()
        .map(|s| (s.name, s.joined))
        .collect();
    assert_eq!(
        spaces,
        [("design".to_string(), true), ("eng".to_string(), true)]
    );
    dana.get_thread(old.id).await?;
    Ok(())
}
