//! The player's notifications and hours (#11), driven through its UI with egui_kittest against
//! the real server: alice's urgent message reaches bob's player as a badge and as a desktop
//! notification that a real daemon (dunst on a private session bus, on an Xvfb display)
//! receives, and bob opens it from the list; messages held through bob's quiet hours arrive as
//! one digest when they end (the server's clock is moved, never slept on); and bob sets his
//! time zone and quiet hours.
//!
//! The player sends desktop notifications to the session bus that `DBUS_SESSION_BUS_ADDRESS`
//! names, as a desktop app does, and a test may not change its own process's environment: so
//! bob's player runs in a copy of this test binary whose environment names the daemon's bus
//! ([`bobs_player_on_the_daemons_bus`], which does nothing when run on its own), while the test
//! that starts it holds the server, posts as alice and checks what the daemon received.

use std::path::Path;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::kit::step_until;
use vidmsg_api::{Client, CreateMessage, Id, MessageKind, NewThread, QuietHours, UpdateMe};
use vidmsg_player::app::settings::Settings;
use vidmsg_player::app::{AppOptions, PlayerApp, View};
use vidmsg_server::clock::Clock;
use vidmsg_tests::TestServer;
use vidmsg_tests::desktop::Desktop;
use vidmsg_tests::notifications_daemon::NotificationDaemon;

/// What the test hands bob's player process.
const SERVER: &str = "VIDMSG_TEST_NOTIFY_SERVER";
const TOKEN: &str = "VIDMSG_TEST_NOTIFY_TOKEN";
/// A file the player creates once it is signed in and live.
const READY: &str = "VIDMSG_TEST_NOTIFY_READY";
/// The badge to wait for, and the desktop popups that must have gone out by then.
const UNSEEN: &str = "VIDMSG_TEST_NOTIFY_UNSEEN";
const POPUPS: &str = "VIDMSG_TEST_NOTIFY_POPUPS";
/// A notification to open from the list afterwards (text of its row), if any.
const OPEN: &str = "VIDMSG_TEST_NOTIFY_OPEN";

/// The test that runs bob's player, by its path in this binary.
const BOBS_PLAYER: &str = "player_notifications::bobs_player_on_the_daemons_bus";

/// What bob's player must show before it exits.
struct Expect<'a> {
    unseen: i64,
    popups: u32,
    open: Option<&'a str>,
}

/// Runs bob's player on `daemon`'s bus; once it is live, `act` runs (alice posts, the clock
/// moves); fails unless the player saw what `expect` says.
async fn with_bobs_player(
    daemon: &NotificationDaemon,
    srv: &TestServer,
    token: &str,
    expect: Expect<'_>,
    act: impl AsyncFnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let ready = dir.path().join("ready");
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args([BOBS_PLAYER, "--exact", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env("DBUS_SESSION_BUS_ADDRESS", &daemon.address)
        .env(SERVER, srv.base_url())
        .env(TOKEN, token)
        .env(READY, &ready)
        .env(UNSEEN, expect.unseen.to_string())
        .env(POPUPS, expect.popups.to_string())
        .env(OPEN, expect.open.unwrap_or_default())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !ready.exists() {
        if child.try_wait()?.is_some() || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if ready.exists() {
        act().await?;
    }
    let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output()).await??;
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    anyhow::ensure!(out.status.success(), "bob's player failed:\n{log}");
    anyhow::ensure!(log.contains("1 passed"), "bob's player did not run:\n{log}");
    Ok(())
}

async fn post(alice: &Client, thread: Id, title: &str, urgent: bool) -> anyhow::Result<Id> {
    let m = alice
        .create_message(
            thread,
            &CreateMessage {
                kind: MessageKind::Text,
                title: Some(title.into()),
                body: Some(format!("{title}, in a few words.")),
                parent_id: None,
                content_type: None,
                urgent,
            },
        )
        .await?;
    Ok(m.id)
}

fn ms(rfc3339: &str) -> anyhow::Result<i64> {
    Ok(rfc3339.parse::<jiff::Timestamp>()?.as_millisecond())
}

async fn direct_thread(alice: &Client, title: &str) -> anyhow::Result<Id> {
    let t = alice
        .new_thread(&NewThread {
            title: title.into(),
            space_id: None,
            people: vec!["bob".into()],
        })
        .await?;
    Ok(t.id)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_message_reaches_bobs_badge_and_desktop() -> anyhow::Result<()> {
    let desk = Desktop::start(1024, 768)?;
    let daemon = NotificationDaemon::start(&desk.display)?;
    let srv = TestServer::spawn().await?;
    let (bob_token, bob) = srv.account("bob").await?;
    let alice = srv.user("alice").await?;
    let thread = direct_thread(&alice, "Design").await?;

    let expect = Expect {
        unseen: 1,
        popups: 1,
        open: Some("Urgent — alice · Ship the fix tonight"),
    };
    with_bobs_player(&daemon, &srv, &bob_token, expect, async || {
        post(&alice, thread, "Ship the fix tonight", true).await?;
        Ok(())
    })
    .await?;

    // The daemon got the player's Notify call: who sent it, marked urgent, critical urgency.
    let call = daemon.wait_for_notify(Duration::from_secs(10), |c| c.app_name == "vidmsg")?;
    assert_eq!(call.summary, "Urgent — from alice: Ship the fix tonight");
    assert_eq!(call.body, "in Design");
    assert_eq!(call.urgency, Some(2), "critical: {call:?}");
    assert_eq!(
        daemon.notify_calls().len(),
        1,
        "{:?}",
        daemon.notify_calls()
    );
    // dunst took it and shows it (a critical notification stays until closed).
    assert_eq!(daemon.displayed()?, 1);
    // Opening it in the player marked it seen on the server.
    let left = bob.notifications().await?;
    assert_eq!(left.unseen, 0, "{left:?}");
    assert_eq!(left.items.len(), 1);
    assert!(left.items[0].seen && left.items[0].urgent);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_held_through_quiet_hours_arrive_as_one_digest() -> anyhow::Result<()> {
    let desk = Desktop::start(1024, 768)?;
    let daemon = NotificationDaemon::start(&desk.display)?;
    // 20:00 in Berlin, inside bob's quiet hours; they end at 09:00 in Berlin.
    let evening = ms("2026-01-14T19:00:00Z")?;
    let morning = ms("2026-01-15T08:00:00Z")?;
    let clock = Clock::manual(evening);
    let srv = TestServer::spawn_with_clock(clock.clone()).await?;
    let (bob_token, bob) = srv.account("bob").await?;
    bob.update_me(&UpdateMe {
        time_zone: Some(Some("Europe/Berlin".into())),
        quiet_hours: Some(Some(QuietHours {
            start: "18:00".into(),
            end: "09:00".into(),
        })),
    })
    .await?;
    let alice = srv.user("alice").await?;
    let design = direct_thread(&alice, "Design").await?;
    let budget = direct_thread(&alice, "Budget").await?;

    let expect = Expect {
        unseen: 3,
        popups: 1,
        open: None,
    };
    with_bobs_player(&daemon, &srv, &bob_token, expect, async || {
        post(&alice, design, "New mockups", false).await?;
        post(&alice, design, "Colour choices", false).await?;
        post(&alice, budget, "Q3 numbers", false).await?;
        let held = bob.notifications().await?;
        anyhow::ensure!(
            held.items.len() == 3 && held.items.iter().all(|n| !n.delivered),
            "held overnight: {held:?}"
        );
        clock.set(morning);
        Ok(())
    })
    .await?;

    let call = daemon.wait_for_notify(Duration::from_secs(10), |c| c.app_name == "vidmsg")?;
    assert_eq!(call.summary, "3 messages while you were away");
    for line in [
        "alice · New mockups (in Design)",
        "alice · Colour choices (in Design)",
        "alice · Q3 numbers (in Budget)",
    ] {
        assert!(call.body.contains(line), "{line:?} in {:?}", call.body);
    }
    assert_eq!(call.urgency, Some(1), "normal: {call:?}");
    assert_eq!(
        daemon.notify_calls().len(),
        1,
        "{:?}",
        daemon.notify_calls()
    );
    Ok(())
}

/// Bob's player in a process whose session bus is the daemon's (started by the tests above).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by the tests above, in a process of its own"]
async fn bobs_player_on_the_daemons_bus() -> anyhow::Result<()> {
    let (Ok(server), Ok(token), Ok(ready)) = (
        std::env::var(SERVER),
        std::env::var(TOKEN),
        std::env::var(READY),
    ) else {
        eprintln!("nothing to do: the tests above run this with their daemon's bus");
        return Ok(());
    };
    let unseen: i64 = std::env::var(UNSEEN)?.parse()?;
    let popups: u32 = std::env::var(POPUPS)?.parse()?;
    let open = std::env::var(OPEN).ok().filter(|o| !o.is_empty());
    let dir = tempfile::tempdir()?;
    let settings = dir.path().join("player.json");
    Settings {
        server,
        token,
        ..Settings::default()
    }
    .save(&settings)?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let options = AppOptions {
            settings_path: Some(settings),
            audio_sink: Some("fakesink".into()),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(15), "bob's live inbox", |h| {
            let s = h.state();
            s.view == View::Library && s.feed_connected && s.hours.loaded
        });
        assert!(h.query_by_label("🔔").is_some(), "no badge count yet");
        std::fs::write(Path::new(&ready), "")?;

        let badge = format!("🔔 {unseen}");
        step_until(&mut h, Duration::from_secs(20), &badge, |h| {
            h.query_by_label(&badge).is_some()
        });
        assert_eq!(h.state().notifications.unseen, unseen);
        step_until(&mut h, Duration::from_secs(15), "the desktop popups", |h| {
            let c = &h.state().notifications;
            c.desktop_shown >= popups || c.desktop_error.is_some()
        });
        let c = &h.state().notifications;
        assert_eq!(
            c.desktop_error, None,
            "the daemon took the notifications ({} shown)",
            c.desktop_shown
        );

        // The list shows who sent it; choosing it opens the message and clears the badge.
        if let Some(row) = open {
            h.get_by_label(&badge).click();
            step_until(&mut h, Duration::from_secs(5), "the list", |h| {
                h.query_by_label_contains(&row).is_some()
            });
            let wanted = h
                .state()
                .notifications
                .items
                .first()
                .map(|n| (n.message_id, n.thread_id));
            h.get_by_label_contains(&row).click();
            step_until(&mut h, Duration::from_secs(15), "the message open", |h| {
                let s = h.state();
                s.current
                    .as_ref()
                    .map(|c| (c.message.id, c.message.thread_id))
                    == wanted
            });
            assert_eq!(h.state().selected_thread, wanted.map(|w| w.1));
            assert_eq!(h.state().notifications.unseen, unseen - 1);
            assert!(h.query_by_label("🔔").is_some(), "the badge cleared");
        }
        Ok(())
    })
    .await??;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bob_sets_his_time_zone_and_quiet_hours_in_the_player() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let (bob_token, bob) = srv.account("bob").await?;
    let dir = tempfile::tempdir()?;
    let settings = dir.path().join("player.json");
    Settings {
        server: srv.base_url().to_string(),
        token: bob_token,
        ..Settings::default()
    }
    .save(&settings)?;
    tokio::task::spawn_blocking(move || {
        let options = AppOptions {
            settings_path: Some(settings),
            audio_sink: Some("fakesink".into()),
            ..Default::default()
        };
        let mut h = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
        step_until(&mut h, Duration::from_secs(15), "bob's hours", |h| {
            h.state().view == View::Library && h.state().hours.loaded
        });
        h.get_by_label("Your hours").click();
        step_until(&mut h, Duration::from_secs(5), "the hours window", |h| {
            h.query_by_label("Time zone").is_some()
        });
        // Nothing saved yet: the computer's own zone is offered, quiet hours are off.
        assert_eq!(
            h.state().hours.time_zone,
            h.state().hours.system_zone.clone().unwrap_or_default()
        );
        assert!(!h.state().hours.quiet);

        // A zone the server does not know: its refusal shows, nothing is saved.
        h.get_by_label("Time zone")
            .set_text_value_accesskit("Mars/Olympus_Mons");
        h.run_steps(2);
        h.get_by_label("Save").click();
        step_until(&mut h, Duration::from_secs(10), "the refusal", |h| {
            !h.state().hours.saving && h.state().hours.error.is_some()
        });
        let refusal = h.state().hours.error.clone().unwrap_or_default();
        assert!(refusal.contains("Mars/Olympus_Mons"), "{refusal}");
        assert!(h.query_by_label(&refusal).is_some(), "shown: {refusal}");

        h.get_by_label("Time zone")
            .set_text_value_accesskit("Europe/Berlin");
        h.get_by_label("Quiet hours").click();
        h.run_steps(2);
        h.get_by_label("From").set_text_value_accesskit("18:00");
        h.get_by_label("Until").set_text_value_accesskit("09:00");
        h.run_steps(2);
        h.get_by_label("Save").click();
        step_until(&mut h, Duration::from_secs(10), "saved", |h| {
            h.query_by_label("Saved.").is_some()
        });
        assert_eq!(h.state().hours.error, None);
    })
    .await?;

    let me = bob.me_with_limits().await?;
    assert_eq!(me.time_zone.as_deref(), Some("Europe/Berlin"));
    let quiet = me.quiet_hours.expect("quiet hours saved");
    assert_eq!(
        (quiet.start.as_str(), quiet.end.as_str()),
        ("18:00", "09:00")
    );
    Ok(())
}
