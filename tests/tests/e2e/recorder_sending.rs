//! The recorder sends: `record --to space:NAME | --to user:NAME`, `--urgent`, and destinations
//! checked before anything is recorded (also `app --to`).

use std::process::Command;
use std::time::{Duration, Instant};

use vidmsg_api::PageQuery;
use vidmsg_tests::TestServer;
use vidmsg_tests::server::binary;

/// Runs `vidmsg-recorder record` for 2 s of test pattern (no camera, no mic) with `extra`.
async fn record_short(
    srv: &TestServer,
    token: &str,
    dir: &std::path::Path,
    extra: &[&str],
) -> anyhow::Result<std::process::Output> {
    let (url, token, dir) = (
        srv.base_url().to_string(),
        token.to_string(),
        dir.join("recordings"),
    );
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(binary("vidmsg-recorder")?)
            .args(["record", "--server", &url, "--token", &token])
            .args(["--duration", "2", "--screen", "test", "--camera", "none"])
            .args(["--mic", "none", "--size", "640x360"])
            .args(&extra)
            .env("VIDMSG_RECORDINGS_DIR", dir)
            .output()
            .map_err(anyhow::Error::from)
    })
    .await?
}

#[tokio::test]
async fn to_a_space_or_to_people_the_recording_reaches_exactly_them() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let (_, bob) = srv.account("bob").await?;
    let (_, carol) = srv.account("carol").await?;
    let eng = alice
        .create_space(&vidmsg_api::CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    alice.add_space_member(eng.id, "bob").await?;

    let out = record_short(
        &srv,
        &token,
        work.path(),
        &["--to", "space:eng", "--title", "For eng"],
    )
    .await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(line["to"], "space:eng");
    let thread = line["thread_id"].as_i64().unwrap_or_default();
    let seen = bob.get_thread(thread).await?;
    assert_eq!(seen.space.as_deref(), Some("eng"));
    assert_eq!(seen.title, "For eng");
    assert_eq!(seen.message_count, 1);
    assert!(
        carol.get_thread(thread).await.is_err(),
        "carol is not in eng"
    );
    let carols = carol.list_threads(&PageQuery::default()).await?;
    assert!(carols.items.iter().all(|t| t.id != thread));

    let out = record_short(&srv, &token, work.path(), &["--to", "user:carol"]).await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(line["to"], "user:carol");
    let direct = line["thread_id"].as_i64().unwrap_or_default();
    let t = carol.get_thread(direct).await?;
    assert_eq!(t.title, "Untitled recording");
    assert!(t.space_id.is_none() && t.members.contains(&"carol".to_string()));
    assert!(
        bob.get_thread(direct).await.is_err(),
        "bob was not addressed"
    );
    Ok(())
}

#[tokio::test]
async fn an_urgent_recording_to_a_space_is_urgent_for_its_members() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let (_, bob) = srv.account("bob").await?;
    let eng = alice
        .create_space(&vidmsg_api::CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    alice.add_space_member(eng.id, "bob").await?;

    let mut urgency = Vec::new();
    for extra in [&["--urgent"][..], &[][..]] {
        let args = [&["--to", "space:eng", "--title", "Prod is down"][..], extra].concat();
        let out = record_short(&srv, &token, work.path(), &args).await?;
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("did not mark"), "the server kept it: {err}");
        let line: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        assert_eq!(line["to"], "space:eng");
        let id = line["message_id"].as_i64().unwrap_or_default();
        // bob, in #eng, sees the message as its author marked it.
        let seen = bob.get_message(id).await?;
        assert_eq!(
            seen.thread_id,
            line["thread_id"].as_i64().unwrap_or_default()
        );
        urgency.push((line["urgent"].clone(), seen.urgent, id));
    }
    assert_eq!(
        urgency
            .iter()
            .map(|(line, seen, _)| (line.clone(), *seen))
            .collect::<Vec<_>>(),
        [
            (serde_json::Value::Bool(true), true),
            (serde_json::Value::Bool(false), false)
        ],
        "--urgent marks that message only"
    );
    // bob's notification of the urgent one says so, and who marked it.
    let notes = bob.notifications().await?;
    let urgent = notes
        .items
        .iter()
        .find(|n| n.message_id == urgency[0].2)
        .ok_or_else(|| anyhow::anyhow!("no notification for bob: {notes:?}"))?;
    assert!(urgent.urgent && urgent.delivered, "{urgent:?}");
    assert_eq!(urgent.author, "alice");
    Ok(())
}

#[tokio::test]
async fn app_with_a_malformed_to_refuses_before_any_window_opens() -> anyhow::Result<()> {
    for args in [
        &["app", "--to", "eng"][..],
        &["app", "--to", "space:eng", "--to", "user:bob"][..],
        &["--to", "team:x"][..],
        &["app", "--to", "space:eng", "--reply-to", "3"][..],
    ] {
        let out = Command::new(binary("vidmsg-recorder")?)
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("VIDMSG_RECORDER_CONFIG", "/nonexistent/recorder.json")
            .output()?;
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--to") || err.contains("not both"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("window could not open"), "{args:?}: {err}");
    }
    Ok(())
}

#[tokio::test]
async fn an_unknown_or_mixed_destination_fails_before_anything_is_recorded() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    for (args, named) in [
        (&["--to", "space:nope"][..], "nope"),
        (&["--to", "user:nobody"][..], "nobody"),
        (&["--to", "space:eng", "--to", "user:bob"][..], "not both"),
        (
            &["--to", "space:eng", "--to", "space:design"][..],
            "not two",
        ),
    ] {
        let started = Instant::now();
        let out = record_short(&srv, &token, work.path(), args).await?;
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(named), "{args:?}: {err}");
        assert!(!err.contains("\"event\""), "nothing started: {err}");
        assert!(started.elapsed() < Duration::from_secs(2), "{args:?}");
    }
    let out = record_short(
        &srv,
        &token,
        work.path(),
        &["--to", "user:x", "--thread", "1"],
    )
    .await?;
    assert!(!out.status.success(), "--to conflicts with --thread");
    let page = alice.list_threads(&PageQuery::default()).await?;
    assert!(
        page.items.is_empty(),
        "no thread, no message: {:?}",
        page.items
    );
    Ok(())
}
