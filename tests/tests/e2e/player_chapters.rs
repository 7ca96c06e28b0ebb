//! The player shows titles and chapters made from the transcript (#14): a video posted without a
//! title shows its suggested title as such, and its author takes it with "Use this title"; the
//! chapters are marks on the seek bar and a list, and a click on a chapter seeks there. The
//! transcript, title and chapters are written through the database as the worker would (the
//! worker is off: the recognizer and the algorithms have their own tests; the clip is a real
//! uploaded MP4).

use std::time::Duration;

use egui_kittest::kittest::Queryable as _;
use vidmsg_api::{Chapter, CreateMessage, CreateThread, MessageKind, Segment};
use vidmsg_player::app::Action;
use vidmsg_server::db::{MessageSummary, TranscriptResult, now_ms};
use vidmsg_tests::TestServer;

use crate::kit::{signed_in_player, step_until};

#[tokio::test(flavor = "multi_thread")]
async fn the_player_shows_chapters_that_seek_and_takes_the_suggested_title() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let _root = srv.user("root").await?; // the first account (an admin); alice is not one
    let (alice_token, alice) = srv.account("alice").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Monthly".into(),
            members: vec![],
        })
        .await?;
    let msg = alice
        .create_message(
            t.id,
            &CreateMessage {
                kind: MessageKind::Video,
                title: None,
                body: None,
                parent_id: None,
                content_type: None,
                urgent: false,
            },
        )
        .await?;
    let dir = tempfile::tempdir()?;
    let clip = dir.path().join("clip.mp4");
    vidmsg_tests::media::make_mp4(&clip, 12, "ball", 300)?;
    vidmsg_tests::upload::upload_all(&alice, msg.id, &std::fs::read(&clip)?).await?;
    let db = srv.running.db().clone();
    let job = db
        .claim_job("test", now_ms(), 60_000, 3)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the upload queued no job"))?;
    let segments = vec![Segment {
        start_ms: 0,
        end_ms: 11_000,
        text: "Here is the monthly update on the launch, hiring and the office move.".into(),
        ..Default::default()
    }];
    let chapters = vec![
        Chapter {
            start_ms: 0,
            title: "Product launch".into(),
        },
        Chapter {
            start_ms: 4_000,
            title: "Hiring plan".into(),
        },
        Chapter {
            start_ms: 8_000,
            title: "Office move".into(),
        },
    ];
    db.set_summary(
        msg.id,
        &MessageSummary {
            suggested_title: Some("Monthly update on the launch".into()),
            chapters: chapters.clone(),
        },
        now_ms(),
    )
    .await?;
    let result = TranscriptResult {
        segments,
        duration_ms: Some(12_000),
        note: None,
        language: None,
    };
    anyhow::ensure!(db.finish_job(&job, "test", &result, now_ms()).await?);
    let ready = alice.get_message(msg.id).await?;
    assert_eq!(ready.chapters, chapters);
    assert_eq!(
        ready.suggested_title.as_deref(),
        Some("Monthly update on the launch")
    );

    let base = srv.base_url().to_string();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut h = signed_in_player(dir.path(), &base, &alice_token)?;
        h.state_mut().apply(Action::OpenMessage(ready));
        step_until(&mut h, Duration::from_secs(30), "playback", |h| {
            h.state()
                .current
                .as_ref()
                .is_some_and(|c| c.prerolled && c.frames_shown > 0)
        });
        h.run_steps(3);
        // The suggestion, shown as such, and the chapters as marks and as a list.
        h.get_by_label("Suggested: Monthly update on the launch");
        h.get_by_label("Chapters");
        for label in [
            "Chapter at 0:00: Product launch",
            "Chapter at 0:04: Hiring plan",
        ] {
            h.get_by_label(label);
        }
        h.get_by_label("Chapter at 0:08: Office move");

        // A click on a chapter in the list seeks there.
        h.get_by_label("0:08 Office move").click();
        step_until(&mut h, Duration::from_secs(15), "the seek to 0:08", |h| {
            h.state().current.as_ref().is_some_and(|c| {
                c.pending_seek.is_none() && c.position_ms().is_some_and(|p| p >= 7_900)
            })
        });
        let landed = h.state().position_ms().unwrap_or(-1);
        assert!(
            (7_900..=9_500).contains(&landed),
            "landed at {landed} ms, the chapter starts at 8000 ms"
        );
        // And a mark on the seek bar does too.
        h.get_by_label("Chapter at 0:04: Hiring plan").click();
        step_until(&mut h, Duration::from_secs(15), "the seek to 0:04", |h| {
            h.state()
                .position_ms()
                .is_some_and(|p| (3_900..=5_500).contains(&p))
        });

        // The author takes the suggested title.
        h.get_by_label("Use this title").click();
        step_until(&mut h, Duration::from_secs(10), "the new title", |h| {
            h.state()
                .current
                .as_ref()
                .is_some_and(|c| c.message.title == "Monthly update on the launch")
        });
        h.run_steps(3);
        assert!(h.query_by_label("Use this title").is_none());
        assert!(
            h.query_by_label_contains("Suggested:").is_none(),
            "a titled video shows no suggestion"
        );
        Ok(())
    })
    .await??;
    let now = alice.get_message(msg.id).await?;
    assert_eq!(now.title, "Monthly update on the launch");
    assert_eq!(now.suggested_title, None);
    Ok(())
}
