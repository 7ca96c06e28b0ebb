//! What an operator watches: `/api/health` with the database, the store and the queue (503 when a
//! dependency does not answer, so a load balancer takes the server out), and JSON log lines.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use vidmsg_server::Config;
use vidmsg_server::config::ExternalS3;
use vidmsg_server::storage::embedded::EmbeddedCredentials;
use vidmsg_tests::TestServer;

#[tokio::test]
async fn health_reports_database_store_and_queue_and_is_503_when_the_store_is_gone()
-> anyhow::Result<()> {
    let storage_host = TestServer::spawn().await?;
    let creds = EmbeddedCredentials::load_or_create(
        &storage_host.data_dir.path().join("embedded-s3.json"),
    )?;
    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    config.s3 = Some(ExternalS3 {
        endpoint: storage_host.base_url().to_string(),
        region: "us-east-1".into(),
        access_key: creds.access_key.clone(),
        secret_key: creds.secret_key.clone(),
    });
    let srv = TestServer::spawn_with(config, data).await?;
    let url = format!("{}/api/health", srv.base_url());

    let resp = reqwest::get(&url).await?;
    assert_eq!(resp.status().as_u16(), 200);
    let health: vidmsg_api::Health = resp.json().await?;
    assert_eq!(health.status, "ok");
    let (db, store) = (
        health.database.expect("database"),
        health.store.expect("store"),
    );
    assert!(db.ok && store.ok, "{db:?} {store:?}");
    assert_eq!(health.queue, Some(vidmsg_api::QueueDepth::default()));

    // A video whose upload finished is a queued job (this server runs no worker).
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Queue").await?;
    let msg = alice
        .create_message(t.id, &crate::threads_and_messages::video("Queued"))
        .await?;
    vidmsg_tests::upload::upload_all(
        &alice,
        msg.id,
        &std::fs::read(vidmsg_tests::media::big_mp4()?)?,
    )
    .await?;
    let health: vidmsg_api::Health = reqwest::get(&url).await?.json().await?;
    assert_eq!(health.queue.map(|q| q.queued), Some(1), "{health:?}");

    // The store goes away: 503, the store's check says so without details, the database is fine.
    drop(storage_host);
    let resp = reqwest::get(&url).await?;
    assert_eq!(resp.status().as_u16(), 503);
    let health: vidmsg_api::Health = resp.json().await?;
    assert_eq!(health.status, "unavailable");
    let store = health.store.expect("store");
    assert!(!store.ok);
    let error = store.error.unwrap_or_default();
    assert!(
        error.contains("store") && !error.contains("127.0.0.1"),
        "{error}"
    );
    assert!(health.database.is_some_and(|d| d.ok));
    Ok(())
}

#[tokio::test]
async fn log_format_json_writes_one_json_object_per_line() -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut child = vidmsg_tests::server::server_command(data.path())?
        .args([
            "--log-format",
            "json",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-worker",
        ])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child
        .stderr
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(stderr)
            .lines()
            .take(1)
            .collect::<Result<Vec<_>, _>>()
    });
    let lines = tokio::time::timeout(std::time::Duration::from_secs(30), lines).await;
    let _ = child.kill();
    let _ = child.wait();
    let lines = lines???;
    assert!(!lines.is_empty(), "serve logged nothing");
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| anyhow::anyhow!("not JSON: {line:?}: {e}"))?;
        assert!(v["timestamp"].is_string(), "{line}");
        assert!(v["level"].is_string(), "{line}");
        assert!(v["fields"].is_object(), "{line}");
    }
    Ok(())
}
