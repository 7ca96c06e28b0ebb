//! Timestamped comments, reactions and views on a video message.

use vidmsg_api::{CreateComment, CreateReaction, CreateThread};
use vidmsg_tests::TestServer;

use crate::assert_api_err;
use crate::threads_and_messages::{text, video};

#[tokio::test]
async fn comments_reactions_and_views_on_a_video() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Review".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let v = alice.create_message(t.id, &video("Demo")).await?;

    let c2 = bob
        .create_comment(
            v.id,
            &CreateComment {
                at_ms: 9_000,
                body: "nice transition".into(),
            },
        )
        .await?;
    let c1 = alice
        .create_comment(
            v.id,
            &CreateComment {
                at_ms: 1_500,
                body: "typo here".into(),
            },
        )
        .await?;
    assert_eq!(c2.author, "bob");
    let comments = alice.list_comments(v.id).await?;
    assert_eq!(
        comments.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![c1.id, c2.id],
        "ordered by position"
    );

    let r = bob
        .create_reaction(
            v.id,
            &CreateReaction {
                at_ms: 2_000,
                emoji: "🎉".into(),
            },
        )
        .await?;
    assert_eq!(r.emoji, "🎉");
    assert_eq!(alice.list_reactions(v.id).await?.len(), 1);

    assert_eq!(bob.record_view(v.id, 4_000).await?.watched_ms, 4_000);
    assert_eq!(
        bob.record_view(v.id, 2_000).await?.watched_ms,
        4_000,
        "the furthest position is kept"
    );
    assert_eq!(bob.record_view(v.id, 7_000).await?.watched_ms, 7_000);
    alice.record_view(v.id, 100).await?;
    let views = alice.list_views(v.id).await?;
    assert_eq!(views.len(), 2);
    assert_eq!(
        views.iter().find(|w| w.user == "bob").map(|w| w.watched_ms),
        Some(7_000)
    );

    // Bad positions and bodies, and comments on a text message.
    assert_api_err(
        bob.create_comment(
            v.id,
            &CreateComment {
                at_ms: -1,
                body: "x".into(),
            },
        )
        .await,
        422,
        "unprocessable",
    );
    assert_api_err(
        bob.create_comment(
            v.id,
            &CreateComment {
                at_ms: 0,
                body: " ".into(),
            },
        )
        .await,
        422,
        "unprocessable",
    );
    assert_api_err(
        bob.create_reaction(
            v.id,
            &CreateReaction {
                at_ms: 0,
                emoji: "".into(),
            },
        )
        .await,
        422,
        "unprocessable",
    );
    let note = alice.create_message(t.id, &text("just text", None)).await?;
    assert_api_err(
        bob.create_comment(
            note.id,
            &CreateComment {
                at_ms: 0,
                body: "x".into(),
            },
        )
        .await,
        422,
        "unprocessable",
    );
    assert_eq!(
        alice.list_comments(v.id).await?.len(),
        2,
        "refused input changed nothing"
    );
    Ok(())
}
