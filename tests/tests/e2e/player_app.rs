//! The player against a real server holding a real, transcribed clip: driven through its UI
//! with egui_kittest (sign in, open a thread, search a phrase and land on its second, speed,
//! text reply, comment mark, server push), and its real window playing under Xvfb.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::kit::{step_until, type_into};
use vidmsg_api::{Client, CreateMessage, CreateThread, MessageKind, SearchQuery};
use vidmsg_player::app::settings::Settings;
use vidmsg_player::app::{AppOptions, PlayerApp, View};
use vidmsg_tests::TestServer;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::{post_video, upload_all};

const SENTENCES: [&str; 3] = [
    "Welcome to the weekly product update for the design team.",
    "The budget for the next quarter is still under review.",
    "Please send your comments before the end of Thursday.",
];

/// A thread "Product" with one transcribed video message; returns (client, thread, message).
async fn library_with_a_clip(alice: &Client, dir: &std::path::Path) -> anyhow::Result<(i64, i64)> {
    let thread = TestServer::thread(alice, "Product").await?;
    let clip = make_clip(dir, "update", &SENTENCES, 600, 900)?;
    let msg = alice
        .create_message(
            thread.id,
            &CreateMessage {
                kind: MessageKind::Video,
                title: Some("Weekly update".into()),
                body: None,
                parent_id: None,
                content_type: Some("video/mp4".into()),
                urgent: false,
            },
        )
        .await?;
    upload_all(alice, msg.id, &std::fs::read(&clip.path)?).await?;
    TestServer::wait_ready(alice, msg.id, Duration::from_secs(180)).await?;
    Ok((thread.id, msg.id))
}

fn position(h: &Harness<'_, PlayerApp>) -> Option<i64> {
    h.state().position_ms()
}

/// Position advance (ms) over `wall` of real time.
fn advance_over(h: &mut Harness<'_, PlayerApp>, wall: Duration) -> i64 {
    h.step();
    let (start, t0) = (position(h).unwrap_or(0), Instant::now());
    while t0.elapsed() < wall {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    position(h).unwrap_or(0) - start
}

#[tokio::test(flavor = "multi_thread")]
async fn the_player_finds_a_phrase_plays_from_it_and_takes_replies() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let srv = TestServer::spawn_transcribing().await?;
    let (token, alice) = srv.account("alice").await?;
    let (thread_id, message_id) = library_with_a_clip(&alice, dir.path()).await?;
    let hits = alice
        .search(&SearchQuery {
            q: "budget".into(),
            ..Default::default()
        })
        .await?
        .hits;
    let hit_ms = hits
        .first()
        .map(|h| h.start_ms)
        .ok_or_else(|| anyhow::anyhow!("the server found no 'budget'"))?;
    let bob = srv.user("bob").await?;
    alice.add_member(thread_id, "bob").await?;
    let settings = dir.path().join("player.json");
    Settings {
        server: srv.base_url().to_string(),
        ..Settings::default()
    }
    .save(&settings)?;

    let (bob2, token2) = (bob.clone(), token.clone());
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let options = AppOptions {
            settings_path: Some(settings.clone()),
            audio_sink: Some("fakesink".into()),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
        assert_eq!(h.state().view, View::SignIn);
        h.get_by_label("Use an API token").click();
        h.run_steps(1);
        type_into(&mut h, "API token", &token2);
        h.get_by_label("Sign in").click();
        step_until(&mut h, Duration::from_secs(10), "the library", |h| {
            h.state().view == View::Library && !h.state().threads.is_empty()
        });
        assert_eq!(
            Settings::load(&settings)?.token,
            token2,
            "signed in and saved"
        );

        // Open the thread: the video message is listed with its length.
        h.get_by_label("Product").click();
        step_until(
            &mut h,
            Duration::from_secs(10),
            "the thread's messages",
            |h| h.query_by_label_contains("Weekly update").is_some(),
        );

        // Search a phrase; choosing the hit plays the message from that second.
        type_into(&mut h, "Search", "budget");
        h.get_by_label("Go").click();
        step_until(&mut h, Duration::from_secs(10), "search results", |h| {
            h.query_by_label_contains("[budget]").is_some()
        });
        h.get_by_label_contains("[budget]").click();
        step_until(
            &mut h,
            Duration::from_secs(30),
            "playback at the hit",
            |h| {
                h.state()
                    .current
                    .as_ref()
                    .is_some_and(|c| c.prerolled && c.pending_seek.is_none() && c.frames_shown > 0)
                    && position(h).is_some()
            },
        );
        let landed = position(&h).unwrap_or(-1);
        assert!(
            (landed - hit_ms).abs() <= 500,
            "landed at {landed} ms, the hit is at {hit_ms} ms"
        );
        assert_eq!(
            h.state().current.as_ref().map(|c| c.message.id),
            Some(message_id)
        );
        step_until(
            &mut h,
            Duration::from_secs(10),
            "the transcript panel",
            |h| h.query_by_label("Transcript").is_some(),
        );

        // Speed: at 2× the position moves about twice as fast as at 1×.
        let at_1x = advance_over(&mut h, Duration::from_secs(2));
        h.state_mut().seek_to(Duration::ZERO, true);
        h.get_by_label("Speed").click();
        h.run_steps(2);
        h.get_by_label("2×").click();
        h.run_steps(2);
        assert_eq!(h.state().settings.speed, 2.0);
        std::thread::sleep(Duration::from_millis(300));
        let at_2x = advance_over(&mut h, Duration::from_secs(2));
        let ratio = at_2x as f64 / at_1x.max(1) as f64;
        assert!(
            (1.5..=2.6).contains(&ratio),
            "1×: {at_1x} ms, 2×: {at_2x} ms in 2 s (ratio {ratio:.2})"
        );

        // A comment at the current second becomes a mark on the seek bar.
        h.get_by_label("Pause").click();
        h.run_steps(2);
        assert!(h.query_by_label("Play").is_some(), "paused");
        type_into(&mut h, "Comment", "Nice chart here");
        h.get_by_label("Post comment").click();
        step_until(&mut h, Duration::from_secs(10), "the comment mark", |h| {
            h.query_by_label_contains("by alice: Nice chart here")
                .is_some()
        });

        // A text reply appears in the thread.
        type_into(&mut h, "Reply", "Thanks, looks good");
        h.get_by_label("Send").click();
        step_until(&mut h, Duration::from_secs(10), "the reply", |h| {
            h.query_by_label("Thanks, looks good").is_some()
        });

        // Server push: bob's reply and reaction arrive without a reload.
        let (bob3, parent) = (bob2.clone(), message_id);
        rt.block_on(async move {
            bob3.create_message(
                thread_id,
                &CreateMessage {
                    kind: MessageKind::Text,
                    title: Some("From bob".into()),
                    body: Some("Bob was here".into()),
                    parent_id: Some(parent),
                    content_type: None,
                    urgent: false,
                },
            )
            .await?;
            bob3.create_reaction(
                parent,
                &vidmsg_api::CreateReaction {
                    at_ms: 1_000,
                    emoji: "🎉".into(),
                },
            )
            .await?;
            anyhow::Ok(())
        })?;
        step_until(&mut h, Duration::from_secs(15), "bob's pushed reply", |h| {
            h.query_by_label("Bob was here").is_some()
        });
        step_until(
            &mut h,
            Duration::from_secs(15),
            "bob's pushed reaction mark",
            |h| h.query_by_label_contains("by bob: 🎉").is_some(),
        );
        Ok(())
    })
    .await??;

    // How far alice watched was recorded (on pause), and the comment is on the server.
    let views = alice.list_views(message_id).await?;
    assert!(
        views.iter().any(|v| v.user == "alice" && v.watched_ms > 0),
        "{views:?}"
    );
    let comments = alice.list_comments(message_id).await?;
    assert!(
        comments
            .iter()
            .any(|c| c.body == "Nice chart here" && c.author == "alice")
    );
    Ok(())
}

#[tokio::test]
async fn unread_counts_and_the_event_feed_follow_new_messages() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Plans".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let mut feed = alice.events(None).await?;
    let post = |c: &Client, body: &str| {
        let (c, body) = (c.clone(), body.to_string());
        async move {
            c.create_message(
                t.id,
                &CreateMessage {
                    kind: MessageKind::Text,
                    title: Some(body.clone()),
                    body: Some(body),
                    parent_id: None,
                    content_type: None,
                    urgent: false,
                },
            )
            .await
        }
    };
    post(&bob, "one").await?;
    post(&bob, "two").await?;
    post(&alice, "mine").await?;
    let threads = alice.list_threads(&Default::default()).await?.items;
    assert_eq!(threads[0].unread_count, 2, "bob's two, not alice's own");
    assert_eq!(alice.get_thread(t.id).await?.unread_count, 2);
    // The feed pushes each message once (and the thread's new activity).
    let mut bodies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while bodies.len() < 3 && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), feed.next()).await {
            Ok(Some(Ok(vidmsg_api::ServerEvent::Message { message }))) => {
                bodies.push(message.body.unwrap_or_default())
            }
            Ok(Some(Ok(_))) => {}
            other => anyhow::bail!(
                "feed ended: {:?}",
                other.map(|o| o.map(|r| r.map(|e| e.kind())))
            ),
        }
    }
    bodies.sort();
    assert_eq!(bodies, ["mine", "one", "two"]);
    alice.mark_read(t.id).await?;
    assert_eq!(alice.get_thread(t.id).await?.unread_count, 0);
    assert_eq!(
        bob.get_thread(t.id).await?.unread_count,
        1,
        "alice's message is new to bob"
    );
    // Outsiders get nothing about the thread.
    let carol = srv.user("carol").await?;
    let mut carol_feed = carol.events(Some(0)).await?;
    let got = tokio::time::timeout(Duration::from_secs(3), carol_feed.next()).await;
    assert!(
        got.is_err(),
        "carol saw {:?}",
        got.ok().flatten().map(|e| e.map(|e| e.kind()))
    );
    Ok(())
}

#[tokio::test]
async fn the_player_window_plays_a_clip_under_xvfb() -> anyhow::Result<()> {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir()?;
    let desk = vidmsg_tests::desktop::Desktop::start(1280, 800)?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let clip = dir.path().join("clip.mp4");
    vidmsg_tests::media::make_mp4(&clip, 12, "ball", 1_500)?;
    let msg = post_video(&alice, "Window", "Moving ball", &std::fs::read(&clip)?).await?;
    let mut app = std::process::Command::new(vidmsg_tests::server::binary("vidmsg-player")?)
        .args([
            "--server",
            srv.base_url(),
            "--token",
            &token,
            "--open",
            &msg.id.to_string(),
            "--report",
            "--audio-sink",
            "fakesink",
        ])
        .env("DISPLAY", &desk.display)
        .env("VIDMSG_PLAYER_CONFIG", dir.path().join("player.json"))
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    let stderr = app
        .stderr
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let frames = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let Some(e) = v["error"].as_str() {
                return Err(anyhow::anyhow!("player error: {e}"));
            }
            if let Some(f) = v["frames_shown"].as_u64().filter(|f| *f > 0) {
                seen.push(f);
                if seen.len() >= 4 {
                    return Ok(seen);
                }
            }
        }
        Err(anyhow::anyhow!(
            "the player stopped reporting; frames so far {seen:?}"
        ))
    });
    let frames = tokio::time::timeout(Duration::from_secs(60), frames).await???;
    assert!(
        frames.windows(2).all(|w| w[1] > w[0]),
        "the frame counter advances: {frames:?}"
    );
    let shot = vidmsg_tests::screen::screenshot_path("player");
    let stats = vidmsg_tests::screen::screenshot(&desk.display, &shot, 1280, 800)?;
    let _ = app.kill();
    let _ = app.wait();
    eprintln!(
        "player window screenshot {}: {stats:?}, frames {frames:?}",
        shot.display()
    );
    assert!(
        stats.lit > 0.2 && stats.stddev > 10.0,
        "the window drew something: {stats:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_video_that_cannot_play_shows_a_message_not_a_crash() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    // It starts like an MP4 (so the server takes it), and then no demuxer can read it.
    let mut broken = vidmsg_tests::hostile::ftyp_box();
    broken.extend_from_slice(b"this is not an mp4 file, just some bytes that no demuxer knows");
    let msg = post_video(&alice, "Broken", "Not a video", &broken).await?;
    let dir = tempfile::tempdir()?;
    let settings = dir.path().join("player.json");
    Settings {
        server: srv.base_url().to_string(),
        token,
        ..Settings::default()
    }
    .save(&settings)?;
    tokio::task::spawn_blocking(move || {
        let options = AppOptions {
            settings_path: Some(settings),
            audio_sink: Some("fakesink".into()),
            open: Some(msg.id),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(20), "the playback error", |h| {
            h.query_by_label_contains("Cannot play this video")
                .is_some()
        });
        // The app keeps working: the thread is listed and can be opened.
        assert!(h.query_all_by_label("Broken").count() >= 1);
    })
    .await?;
    Ok(())
}

#[tokio::test]
async fn playback_seeks_in_a_fragmented_recording_over_http() -> anyhow::Result<()> {
    // The recorder writes fragmented MP4; over plain HTTP qtdemux could not seek in it until the
    // player read through a download buffer. 12 s, one fragment per second, like a recording.
    let dir = tempfile::tempdir()?;
    let clip = dir.path().join("fragmented.mp4");
    let status = std::process::Command::new("gst-launch-1.0")
        .args([
            "-q",
            "videotestsrc",
            "num-buffers=360",
            "pattern=ball",
            "!",
            "video/x-raw,width=640,height=360,framerate=30/1",
        ])
        .args([
            "!",
            "x264enc",
            "speed-preset=ultrafast",
            "key-int-max=60",
            "!",
            "h264parse",
            "!",
            "mp4mux",
            "fragment-duration=1000",
            "streamable=true",
        ])
        .args(["!", "filesink", &format!("location={}", clip.display())])
        .status()?;
    anyhow::ensure!(status.success());
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let msg = post_video(&alice, "Seek", "Fragments", &std::fs::read(&clip)?).await?;
    let url = alice
        .get_message(msg.id)
        .await?
        .video_url
        .ok_or_else(|| anyhow::anyhow!("no video_url"))?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut p = vidmsg_media::Playback::open(&url, Some("fakesink"))?;
        let wait =
            |p: &mut vidmsg_media::Playback, at_least: Duration| -> anyhow::Result<Duration> {
                let deadline = Instant::now() + Duration::from_secs(20);
                loop {
                    for ev in p.poll() {
                        if let vidmsg_media::PlaybackEvent::Error(e) = ev {
                            anyhow::bail!("playback error: {e}");
                        }
                    }
                    if let Some(pts) = p
                        .frames
                        .take()
                        .and_then(|f| f.pts)
                        .filter(|t| *t >= at_least)
                    {
                        return Ok(pts);
                    }
                    anyhow::ensure!(
                        Instant::now() < deadline,
                        "no frame at or after {at_least:?}"
                    );
                    std::thread::sleep(Duration::from_millis(5));
                }
            };
        wait(&mut p, Duration::ZERO)?;
        p.seek(Duration::from_secs(8));
        let at = wait(&mut p, Duration::from_millis(7_900))?;
        assert!(at < Duration::from_millis(8_200), "landed at {at:?}");
        assert_eq!(p.duration().map(|d| d.as_secs()), Some(12));
        Ok(())
    })
    .await??;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_player_signs_in_with_a_name_and_password_and_signs_out() -> anyhow::Result<()> {
    const PASSWORD: &str = "ana's long password";
    let dir = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    vidmsg_server::admin::add_user_with_password(srv.running.db(), "ana", false, PASSWORD).await?;
    let (_, alice) = srv.account("alice").await?;
    let thread = TestServer::thread(&alice, "Welcome").await?;
    alice.add_member(thread.id, "ana").await?;
    let settings = dir.path().join("player.json");
    let url = srv.base_url().to_string();
    Settings {
        server: url.clone(),
        ..Settings::default()
    }
    .save(&settings)?;

    let path = settings.clone();
    let token = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let options = AppOptions {
            settings_path: Some(path.clone()),
            audio_sink: Some("fakesink".into()),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
        assert_eq!(h.state().view, View::SignIn);
        // A new user signs in with a name and password (the form's first way in).
        assert_eq!(
            h.state().signin.server,
            url,
            "the saved server is filled in"
        );
        type_into(&mut h, "Name", "ana");
        // One letter short: wrong.
        type_into(&mut h, "Password", &PASSWORD[..PASSWORD.len() - 1]);
        h.get_by_label("Sign in").click();
        step_until(&mut h, Duration::from_secs(10), "the refusal", |h| {
            h.query_by_label_contains("wrong name or password")
                .is_some()
        });
        assert_eq!(h.state().view, View::SignIn, "still on the form");
        assert!(Settings::load(&path)?.token.is_empty());

        // The typed password is kept after a refusal: finish it.
        type_into(&mut h, "Password", &PASSWORD[PASSWORD.len() - 1..]);
        h.get_by_label("Sign in").click();
        step_until(&mut h, Duration::from_secs(10), "the inbox", |h| {
            h.state().view == View::Library && !h.state().threads.is_empty()
        });
        assert!(h.query_by_label("signed in as ana").is_some());
        assert!(h.query_by_label("Welcome").is_some());
        let saved = std::fs::read_to_string(&path)?;
        assert!(!saved.contains(PASSWORD), "the password is never saved");
        let token = Settings::load(&path)?.token;
        assert!(token.starts_with("vm_"), "the session's token is saved");

        // Signing out forgets the token here and revokes it on the server.
        h.get_by_label("Sign out").click();
        h.run_steps(2);
        assert_eq!(h.state().view, View::SignIn);
        assert!(Settings::load(&path)?.token.is_empty());
        Ok(token)
    })
    .await??;
    let revoked = Client::new(srv.base_url(), Some(token))?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match revoked.me().await {
            Err(e) if e.status() == Some(401) => break,
            r => anyhow::ensure!(Instant::now() < deadline, "still valid: {r:?}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
