//! The player fixes a wrong word (#14): the author opens a transcribed video, clicks "Edit
//! transcript", retypes a segment and saves; the transcript says "edited" and shows the new word,
//! search finds it (and no longer the old one), and "Restore original" brings the machine text
//! back. The transcript is written through the database as the worker would (the worker is off:
//! the recognizer is not under test here, the clip is a real uploaded MP4).

use std::time::Duration;

use eframe::egui;
use egui_kittest::kittest::Queryable as _;
use vidmsg_api::{CreateThread, SearchQuery, Segment};
use vidmsg_player::app::Action;
use vidmsg_server::db::{TranscriptResult, now_ms};
use vidmsg_tests::TestServer;

use crate::kit::{signed_in_player, step_until, type_into};
use crate::threads_and_messages::video;

#[tokio::test(flavor = "multi_thread")]
async fn the_author_fixes_a_word_in_the_player_and_restores_it() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let _root = srv.user("root").await?; // the first account (an admin); alice is not one
    let (alice_token, alice) = srv.account("alice").await?;
    let (bob_token, _bob) = srv.account("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Planning".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let msg = alice.create_message(t.id, &video("Budget plan")).await?;
    let dir = tempfile::tempdir()?;
    let clip = dir.path().join("clip.mp4");
    vidmsg_tests::media::make_mp4(&clip, 3, "ball", 300)?;
    vidmsg_tests::upload::upload_all(&alice, msg.id, &std::fs::read(&clip)?).await?;
    let db = srv.running.db().clone();
    let job = db
        .claim_job("test", now_ms(), 60_000, 3)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the upload queued no job"))?;
    let result = TranscriptResult {
        segments: vec![
            Segment {
                start_ms: 0,
                end_ms: 1_400,
                text: "The budget review is on Monday.".into(),
                ..Default::default()
            },
            Segment {
                start_ms: 1_500,
                end_ms: 2_900,
                text: "Send the slides before noon.".into(),
                ..Default::default()
            },
        ],
        duration_ms: Some(3_000),
        note: None,
        language: None,
    };
    anyhow::ensure!(db.finish_job(&job, "test", &result, now_ms()).await?);
    let ready = alice.get_message(msg.id).await?;

    let base = srv.base_url().to_string();
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut h = signed_in_player(dir.path(), &base, &alice_token)?;
        // Bob watches the same message in his player: not offered to edit it, and it follows
        // the author's edits through the event feed.
        let bob_dir = tempfile::tempdir()?;
        let mut b = signed_in_player(bob_dir.path(), &base, &bob_token)?;
        b.state_mut().apply(Action::OpenMessage(ready.clone()));
        step_until(&mut b, Duration::from_secs(15), "bob's transcript", |b| {
            b.state()
                .current
                .as_ref()
                .is_some_and(|c| c.transcript.len() == 2)
        });
        b.run_steps(3);
        assert!(!b.state().may_edit_transcript());
        assert!(b.query_by_label("Edit transcript").is_none());
        h.state_mut().apply(Action::OpenMessage(ready));
        step_until(&mut h, Duration::from_secs(15), "the transcript", |h| {
            h.state()
                .current
                .as_ref()
                .is_some_and(|c| c.transcript.len() == 2)
        });
        h.run_steps(3);
        assert!(h.query_by_label("edited").is_none());
        assert!(h.query_by_label("Restore original").is_none());

        // Edit: retype the first segment, save.
        h.get_by_label("Edit transcript").click();
        h.run_steps(3);
        assert!(h.state().editing_transcript());
        h.get_by_label_contains("Segment 1 at").focus();
        h.run_steps(1);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.run_steps(1);
        h.get_by_label_contains("Segment 1 at")
            .type_text("The budget review is on Tuesday.");
        h.run_steps(2);
        assert_eq!(
            h.state().transcript_editor.drafts[0].text,
            "The budget review is on Tuesday."
        );
        h.get_by_label("Save").click();
        step_until(
            &mut h,
            Duration::from_secs(10),
            "the saved transcript",
            |h| {
                h.state().current.as_ref().is_some_and(|c| {
                    c.edited.is_some() && c.transcript[0].text == "The budget review is on Tuesday."
                }) && !h.state().editing_transcript()
            },
        );
        h.run_steps(3);
        h.get_by_label("edited");
        assert!(h.query_all_by_label_contains("Tuesday").next().is_some());
        assert!(h.query_all_by_label_contains("Monday").next().is_none());
        let c = h.state().current.as_ref().expect("open");
        assert_eq!(c.edited.as_ref().map(|e| e.by.as_str()), Some("alice"));
        assert_eq!(c.transcript[1].text, "Send the slides before noon.");
        // The captions were read again: they say it too.
        step_until(&mut h, Duration::from_secs(10), "the new captions", |h| {
            h.state()
                .current
                .as_ref()
                .is_some_and(|c| c.cues.iter().any(|q| q.text.contains("Tuesday")))
        });

        step_until(
            &mut b,
            Duration::from_secs(15),
            "bob's player to follow",
            |b| {
                b.state().current.as_ref().is_some_and(|c| {
                    c.edited.is_some() && c.transcript[0].text == "The budget review is on Tuesday."
                })
            },
        );
        b.run_steps(3);
        b.get_by_label("edited");
        assert!(b.query_by_label("Restore original").is_none());

        // Search finds the new word, in this message.
        type_into(&mut h, "Search", "tuesday");
        h.get_by_label("Go").click();
        step_until(&mut h, Duration::from_secs(10), "the hit", |h| {
            h.state()
                .search_hits
                .as_ref()
                .is_some_and(|hits| hits.iter().any(|x| x.message_id == msg.id))
        });
        let monday = rt.block_on(alice.search(&SearchQuery {
            q: "monday".into(),
            ..Default::default()
        }))?;
        assert!(monday.hits.is_empty(), "{:?}", monday.hits);

        // Restore asks first; "Keep corrections" changes nothing. Then Restore: the machine
        // text is back, and the open search no longer finds the new word.
        h.get_by_label("Restore original").click();
        h.run_steps(2);
        h.get_by_label("Keep corrections").click();
        h.run_steps(2);
        assert!(
            h.state()
                .current
                .as_ref()
                .is_some_and(|c| c.edited.is_some())
        );
        assert!(h.query_by_label("Keep corrections").is_none());
        h.get_by_label("Restore original").click();
        h.run_steps(2);
        h.get_by_label("Restore").click();
        step_until(
            &mut h,
            Duration::from_secs(10),
            "the machine transcript",
            |h| {
                h.state().current.as_ref().is_some_and(|c| {
                    c.edited.is_none() && c.transcript[0].text == "The budget review is on Monday."
                }) && h.state().search_hits.as_ref().is_some_and(Vec::is_empty)
            },
        );
        h.run_steps(3);
        assert!(h.query_by_label("edited").is_none());
        Ok(())
    })
    .await??;
    Ok(())
}
