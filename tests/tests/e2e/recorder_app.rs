//! The recorder app, driven through its UI with egui_kittest against a real server (sign in,
//! preview, record, pause, resume, stop, settings), and its real window under Xvfb.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use vidmsg_recorder::app::egui;

use crate::kit::{step_until, type_into};
use egui_kittest::kittest::Queryable as _;
use vidmsg_api::MessageStatus;
use vidmsg_recorder::app::settings::{Quality, Settings};
use vidmsg_recorder::app::{Action, AppOptions, Phase, RecorderApp, View};
use vidmsg_tests::TestServer;
use vidmsg_tests::desktop::Desktop;

pub(crate) fn recorded_ms(h: &Harness<'_, RecorderApp>) -> u64 {
    match &h.state().state().phase {
        Phase::Recording(r) => r.recorded_ms,
        _ => 0,
    }
}

/// Settings for a machine without camera or screen to spare: test sources, no microphone.
pub(crate) fn test_settings(dir: &Path, server: &str) -> anyhow::Result<std::path::PathBuf> {
    let path = dir.join("recorder.json");
    let s = Settings {
        server: server.to_string(),
        token: String::new(),
        screen: "test".into(),
        camera: "test".into(),
        mic: "none".into(),
        quality: Quality::P720,
        countdown: 1,
        recordings_dir: dir.join("recordings").to_string_lossy().into_owned(),
        ..Settings::default()
    };
    s.save(&path)?;
    Ok(path)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recorder_app_signs_in_records_with_a_pause_and_saves_settings() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let settings_path = test_settings(work.path(), "")?;
    let url = srv.base_url().to_string();
    let path = settings_path.clone();
    let (message_id, expected_ms) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<(i64, u64)> {
            let options = AppOptions {
                settings_path: Some(path.clone()),
                preview: true,
                ..Default::default()
            };
            let mut h = Harness::builder()
                .with_size([960.0, 720.0])
                .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));

            // First run: sign in. A wrong token is refused with a message.
            assert_eq!(h.state().state().view, View::SignIn);
            h.get_by_label("Use an API token").click();
            h.run_steps(1);
            type_into(&mut h, "Server URL", &url);
            type_into(&mut h, "API token", "vm_wrong");
            h.run_steps(2);
            h.get_by_label("Sign in").click();
            step_until(&mut h, Duration::from_secs(10), "the sign-in error", |h| {
                h.query_by_label_contains("Could not sign in").is_some()
            });
            assert_eq!(h.state().state().view, View::SignIn);
            let mut draft = h.state().state().draft.clone();
            draft.token = token.clone();
            h.state_mut().apply(Action::EditDraft(Box::new(draft)));
            h.run_steps(2);
            h.get_by_label("Sign in").click();
            step_until(&mut h, Duration::from_secs(10), "the main view", |h| {
                h.state().state().view == View::Main
            });
            assert!(h.query_by_label_contains("signed in as alice").is_some());
            assert_eq!(Settings::load(&path)?.token, token, "the token is saved");

            // The preview shows the composition (test screen + bubble) before recording.
            step_until(&mut h, Duration::from_secs(20), "preview frames", |h| {
                h.state().preview().is_some_and(|p| p.frames.frames() >= 3)
                    && h.state().state().preview.texture.is_some()
            });

            // Record, pause 2 s, resume, stop.
            type_into(&mut h, "Title", "Recorded in the app");
            h.run_steps(2);
            h.get_by_label("Record").click();
            step_until(&mut h, Duration::from_secs(10), "the countdown", |h| {
                h.query_by_label_contains("Recording in").is_some()
            });
            step_until(&mut h, Duration::from_secs(30), "2 s recorded", |h| {
                recorded_ms(h) >= 2_000
            });
            assert!(
                h.state().preview().is_none(),
                "the preview gives the sources to the recording"
            );
            h.get_by_label("Pause").click();
            step_until(&mut h, Duration::from_secs(5), "paused", |h| {
                h.query_by_label("Resume").is_some()
                    && h.query_by_label_contains("Paused at").is_some()
            });
            std::thread::sleep(Duration::from_secs(2));
            let paused_ms = recorded_ms(&h);
            h.get_by_label("Resume").click();
            let resumed = Instant::now();
            step_until(&mut h, Duration::from_secs(5), "resumed", |h| {
                h.query_by_label("Pause").is_some()
            });
            step_until(&mut h, Duration::from_secs(30), "2 s more", |h| {
                recorded_ms(h) >= paused_ms + 2_000
            });
            h.get_by_label("Stop").click();
            let after_ms = resumed.elapsed().as_millis() as u64;
            step_until(&mut h, Duration::from_secs(30), "the link", |h| {
                h.query_by_label("Link ready").is_some()
            });
            let Phase::Done {
                message_id,
                url: link,
                ..
            } = &h.state().state().phase
            else {
                anyhow::bail!("not done")
            };
            assert!(link.ends_with(&format!("/v/{message_id}")));
            let message_id = *message_id;
            assert_eq!(
                h.query_all_by_label("Copy link").count(),
                2,
                "on the link and in recent recordings"
            );
            assert!(
                h.query_by_label("Recorded in the app").is_some(),
                "listed under recent recordings"
            );
            assert!(h.query_by_label("uploaded").is_some());

            // Settings: choose a quality, save; a second start keeps it and is signed in.
            h.get_by_label("New recording").click();
            h.run_steps(2);
            h.get_by_label("Settings").click();
            h.run_steps(2);
            h.get_by_label("Quality").click();
            h.run_steps(2);
            h.get_by_label("1080p 60 fps").click();
            h.run_steps(2);
            h.get_by_label("Save").click();
            h.run_steps(2);
            assert_eq!(h.state().state().view, View::Main);
            drop(h);
            assert_eq!(Settings::load(&path)?.quality, Quality::P1080x60);
            let options = AppOptions {
                settings_path: Some(path.clone()),
                preview: false,
                ..Default::default()
            };
            let h2 = Harness::builder()
                .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
            assert_eq!(h2.state().state().view, View::Main, "still signed in");
            assert_eq!(h2.state().state().settings.quality, Quality::P1080x60);
            Ok((message_id, paused_ms + after_ms))
        })
        .await??;

    let msg = alice.get_message(message_id).await?;
    assert_eq!(msg.status, MessageStatus::Processing);
    assert_eq!(msg.title, "Recorded in the app");
    let dur = msg.duration_ms.unwrap_or(0) as u64;
    // What was recorded before the pause plus what came after the resume: the 2 s between are
    // not in the video.
    assert!(
        dur.abs_diff(expected_ms) <= 700,
        "duration {dur} ms, expected {expected_ms} ms without the pause"
    );
    Ok(())
}

#[tokio::test]
async fn the_recorder_window_draws_under_xvfb() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let desk = Desktop::start(1280, 800)?;
    let srv = TestServer::spawn().await?;
    let token = srv.token("alice").await?;
    let settings = test_settings(work.path(), srv.base_url())?;
    let mut app = std::process::Command::new(vidmsg_tests::server::binary("vidmsg-recorder")?)
        .args(["--token", &token])
        .env("DISPLAY", &desk.display)
        .env("VIDMSG_RECORDER_CONFIG", &settings)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let shot = vidmsg_tests::screen::screenshot_path("recorder");
    let mut stats = None;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if let Some(status) = app.try_wait()? {
            let mut err = String::new();
            use std::io::Read as _;
            app.stderr.take().map(|mut e| e.read_to_string(&mut err));
            anyhow::bail!("the recorder window exited ({status}): {err}");
        }
        let s = vidmsg_tests::screen::screenshot(&desk.display, &shot, 1280, 800)?;
        // The window is up once a good part of the screen is lit and not flat.
        if s.lit > 0.2 && s.stddev > 10.0 {
            stats = Some(s);
            break;
        }
    }
    let _ = app.kill();
    let _ = app.wait();
    let stats =
        stats.ok_or_else(|| anyhow::anyhow!("the window never drew (see {})", shot.display()))?;
    eprintln!("recorder window screenshot {}: {stats:?}", shot.display());
    assert_eq!(
        Settings::load(&settings)?.token,
        token,
        "--token signs the app in and is saved"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_in_reply_mode_records_a_reply_and_a_close_mid_recording_finishes_it()
-> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "Reviews").await?;
    let parent = alice
        .create_message(
            t.id,
            &vidmsg_api::CreateMessage {
                kind: vidmsg_api::MessageKind::Text,
                title: Some("Look at this".into()),
                body: Some("Look at this".into()),
                parent_id: None,
                content_type: None,
                urgent: false,
            },
        )
        .await?;
    let path = test_settings(work.path(), srv.base_url())?;
    let reply_id = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
        // Signed in from the command line (`--token`), in reply mode, no countdown.
        let mut s = Settings::load(&path)?;
        s.countdown = 0;
        s.save(&path)?;
        let options = AppOptions {
            settings_path: Some(path),
            reply_to: Some(parent.id),
            token: Some(token),
            preview: false,
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        assert_eq!(h.state().state().view, View::Main);
        assert!(h.query_by_label_contains("replying to message").is_some());
        h.get_by_label("Record").click();
        step_until(&mut h, Duration::from_secs(30), "1 s recorded", |h| {
            recorded_ms(h) >= 1_000
        });
        // Closing the window mid-recording does not lose it: the app stops, uploads the tail,
        // shows the link, and only then closes.
        h.input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .events
            .push(egui::ViewportEvent::Close);
        h.step();
        assert!(h.state().state().close_when_done, "the close was held back");
        step_until(
            &mut h,
            Duration::from_secs(30),
            "the link and the close",
            |h| {
                h.query_by_label("Link ready").is_some()
                    && h.output()
                        .viewport_output
                        .get(&egui::ViewportId::ROOT)
                        .is_some_and(|v| v.commands.contains(&egui::ViewportCommand::Close))
            },
        );
        let Phase::Done { message_id, .. } = h.state().state().phase else {
            anyhow::bail!("not done")
        };
        Ok(message_id)
    })
    .await??;
    let reply = alice.get_message(reply_id).await?;
    assert_eq!((reply.thread_id, reply.parent_id), (t.id, Some(parent.id)));
    assert_eq!(reply.kind, vidmsg_api::MessageKind::Video);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_recorder_app_joins_with_an_invite_link_and_the_link_is_single_use()
-> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (_, alice) = srv.account("alice").await?;
    let invite = alice
        .create_invite(&vidmsg_api::CreateInvite::default())
        .await?;
    // No server in the settings: it comes from the link.
    let path = test_settings(work.path(), "")?;
    let url = srv.base_url().to_string();
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let options = AppOptions {
            settings_path: Some(path.clone()),
            preview: false,
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([960.0, 720.0])
            .build_eframe(|cc| RecorderApp::new(&cc.egui_ctx, options).expect("app"));
        assert_eq!(h.state().state().view, View::SignIn);
        let join = |h: &mut Harness<'_, RecorderApp>| {
            h.get_by_label("Join with an invite").click();
            h.run_steps(1);
            type_into(h, "Invite link", &invite.url);
            type_into(h, "Name", "bob");
            type_into(h, "Password", "bob's long password");
            h.get_by_label("Join").click();
        };
        join(&mut h);
        step_until(&mut h, Duration::from_secs(10), "the main view", |h| {
            h.state().state().view == View::Main
        });
        assert!(h.query_by_label_contains("signed in as bob").is_some());
        assert!(h.state().state().signin.password.is_empty(), "forgotten");
        // The saved settings hold the server from the link and a token that works.
        let saved = Settings::load(&path)?;
        assert_eq!(saved.server, url);
        assert!(!std::fs::read_to_string(&path)?.contains("bob's long password"));
        let me =
            rt.block_on(vidmsg_api::Client::new(&saved.server, Some(saved.token.clone()))?.me())?;
        assert_eq!(me.name, "bob");

        // Signed out, the same link is refused: ask for a new one.
        h.get_by_label("Settings").click();
        h.run_steps(2);
        h.get_by_label("Sign out").click();
        h.run_steps(2);
        assert_eq!(h.state().state().view, View::SignIn);
        assert!(
            Settings::load(&path)?.token.is_empty(),
            "forgotten on sign-out"
        );
        join(&mut h);
        step_until(&mut h, Duration::from_secs(10), "the refusal", |h| {
            h.query_by_label_contains("ask for a new one").is_some()
        });
        assert_eq!(h.state().state().view, View::SignIn);
        Ok(())
    })
    .await??;
    // The account is real: bob signs in with the password he chose.
    let bob = srv
        .anonymous()
        .sign_in(&vidmsg_api::CreateSession {
            name: "bob".into(),
            password: "bob's long password".into(),
        })
        .await?;
    assert_eq!(bob.user.name, "bob");
    Ok(())
}
