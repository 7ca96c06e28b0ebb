//! The recorder app sends: "Send to" a space (remembered), `app --to` addressing it, "Urgent"
//! for one recording, and a saved destination that no longer works dropped with a notice.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use vidmsg_recorder::app::settings::Settings;
use vidmsg_recorder::app::{AppOptions, Phase, RecorderApp};
use vidmsg_tests::TestServer;

use crate::kit::{step_until, type_into};
use crate::recorder_app::{recorded_ms, test_settings};

#[tokio::test(flavor = "multi_thread")]
async fn send_to_a_space_records_into_it_and_is_remembered() -> anyhow::Result<()> {
    use vidmsg_recorder::recipients::Recipients;
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let (_, bob) = srv.account("bob").await?;
    srv.token("carol").await?;
    let eng = alice
        .create_space(&vidmsg_api::CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    alice.add_space_member(eng.id, "bob").await?;
    let path = test_settings(work.path(), srv.base_url())?;
    let message_id = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
        let options = AppOptions {
            settings_path: Some(path.clone()),
            token: Some(token),
            preview: false,
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(10), "the lists", |h| {
            h.query_by_label("#eng").is_some() && h.query_by_label("carol").is_some()
        });
        // The filter narrows the choices as one types.
        type_into(&mut h, "Send to", "en");
        h.run_steps(2);
        assert!(h.query_by_label("carol").is_none());
        h.get_by_label("#eng").click();
        h.run_steps(2);
        assert!(h.query_by_label("To: #eng").is_some());
        h.get_by_label("Record").click();
        step_until(&mut h, Duration::from_secs(30), "1 s recorded", |h| {
            recorded_ms(h) >= 1_000
        });
        assert!(h.query_by_label("Sending to #eng").is_some());
        h.get_by_label("Stop").click();
        step_until(&mut h, Duration::from_secs(30), "the link", |h| {
            h.query_by_label("Link ready").is_some()
        });
        assert!(h.query_by_label("Sent to #eng").is_some());
        let Phase::Done { message_id, .. } = &h.state().state().phase else {
            anyhow::bail!("not done")
        };
        let message_id = *message_id;
        drop(h);

        // A new start offers the same place first.
        let saved = Settings::load(&path)?;
        assert_eq!(saved.send_to, Some(Recipients::Space("eng".into())));
        let options = AppOptions {
            settings_path: Some(path),
            preview: false,
            ..Default::default()
        };
        let mut h2 = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        h2.run_steps(2);
        assert_eq!(
            h2.state().state().send_to.choice,
            Some(Recipients::Space("eng".into()))
        );
        assert!(h2.query_by_label("To: #eng").is_some());
        Ok(message_id)
    })
    .await??;
    let msg = bob.get_message(message_id).await?;
    let thread = bob.get_thread(msg.thread_id).await?;
    assert_eq!(thread.space.as_deref(), Some("eng"), "in eng's thread");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn started_with_to_a_space_it_records_into_it_and_urgent_marks_that_recording_only()
-> anyhow::Result<()> {
    use vidmsg_recorder::recipients::Recipients;
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let (_, bob) = srv.account("bob").await?;
    srv.token("carol").await?;
    let eng = alice
        .create_space(&vidmsg_api::CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    alice.add_space_member(eng.id, "bob").await?;
    let path = test_settings(work.path(), srv.base_url())?;
    // The remembered default is carol; the command line (`app --to space:eng`) wins.
    let mut s = Settings::load(&path)?;
    s.send_to = Some(Recipients::People(vec!["carol".into()]));
    s.countdown = 0;
    s.save(&path)?;
    let message_id = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
        let options = AppOptions {
            settings_path: Some(path.clone()),
            token: Some(token),
            preview: false,
            to: Some(Recipients::Space("eng".into())),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(10), "the lists", |h| {
            h.state().state().send_to.loaded
        });
        assert!(h.query_by_label("To: #eng").is_some());
        assert_eq!(h.state().state().notice, None, "#eng is fine");
        assert!(!h.state().state().send_to.urgent, "off by default");
        h.get_by_label("Urgent").hover();
        step_until(&mut h, Duration::from_secs(5), "the hover text", |h| {
            h.query_by_label("notifies at once, even during their quiet hours")
                .is_some()
        });

        h.get_by_label("Urgent").click();
        h.run_steps(2);
        assert!(h.state().state().send_to.urgent);
        h.get_by_label("Record").click();
        step_until(&mut h, Duration::from_secs(30), "1 s recorded", |h| {
            recorded_ms(h) >= 1_000
        });
        assert!(h.query_by_label("Sending to #eng").is_some());
        assert!(
            h.query_by_label("Marked urgent: notifies at once")
                .is_some()
        );
        h.get_by_label("Stop").click();
        step_until(&mut h, Duration::from_secs(30), "the link", |h| {
            h.query_by_label("Link ready").is_some()
        });
        let Phase::Done {
            message_id, urgent, ..
        } = &h.state().state().phase
        else {
            anyhow::bail!("not done")
        };
        assert!(*urgent, "the server marked it urgent");
        assert!(h.query_by_label("Marked urgent").is_some());
        let message_id = *message_id;

        // Not remembered: the next recording starts without it.
        h.get_by_label("New recording").click();
        h.run_steps(2);
        assert!(!h.state().state().send_to.urgent);
        assert!(h.query_by_label("Marked urgent").is_none());
        assert_eq!(
            Settings::load(&path)?.send_to,
            Some(Recipients::Space("eng".into())),
            "the place used becomes the default"
        );
        Ok(message_id)
    })
    .await??;
    let msg = bob.get_message(message_id).await?;
    assert!(msg.urgent, "bob sees it urgent");
    let thread = bob.get_thread(msg.thread_id).await?;
    assert_eq!(thread.space.as_deref(), Some("eng"), "in eng's thread");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_default_the_user_left_or_an_unknown_to_is_dropped_with_a_notice()
-> anyhow::Result<()> {
    use vidmsg_recorder::recipients::Recipients;
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let (_, bob) = srv.account("bob").await?;
    let design = bob
        .create_space(&vidmsg_api::CreateSpace {
            name: "design".into(),
            private: false,
        })
        .await?;
    alice.join_space(design.id).await?;
    let path = test_settings(work.path(), srv.base_url())?;
    let mut s = Settings::load(&path)?;
    s.send_to = Some(Recipients::Space("design".into()));
    s.recent_send_to = vec![
        Recipients::Space("design".into()),
        Recipients::People(vec!["bob".into()]),
    ];
    s.save(&path)?;
    // alice left #design since she last recorded to it.
    alice.remove_space_member(design.id, "alice").await?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let options = AppOptions {
            settings_path: Some(path.clone()),
            token: Some(token.clone()),
            preview: false,
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(10), "the notice", |h| {
            h.query_by_label_contains("#design is no longer available; choose where to send")
                .is_some()
        });
        assert_eq!(h.state().state().send_to.choice, None);
        assert!(h.query_by_label("To: only you").is_some());
        assert!(h.query_by_label("#design").is_none(), "not offered either");
        assert!(h.query_by_label("bob").is_some());
        let saved = Settings::load(&path)?;
        assert_eq!(saved.send_to, None, "forgotten");
        assert_eq!(
            saved.recent_send_to,
            [Recipients::People(vec!["bob".into()])]
        );
        drop(h);

        // `app --to` naming a space that does not exist: said, and the person chooses.
        let options = AppOptions {
            settings_path: Some(path),
            token: Some(token),
            preview: false,
            to: Some(Recipients::Space("nope".into())),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(10), "the notice", |h| {
            h.query_by_label_contains("there is no space #nope")
                .is_some()
        });
        assert_eq!(h.state().state().send_to.choice, None);
        Ok(())
    })
    .await??;
    Ok(())
}
