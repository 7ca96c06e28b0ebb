//! The deployment guide's example, run as written (docs/deploy.md): two API servers and two
//! workers on one PostgreSQL and one Garage, behind nginx with the guide's own config file.
//! Runs only in the suite's PostgreSQL pass.

use std::time::Duration;

use anyhow::Context as _;

use vidmsg_api::{Client, CreateThread, MessageStatus, SearchQuery, ServerEvent};
use vidmsg_tests::cluster::{ApiServer, Shared, Worker};
use vidmsg_tests::garage::Garage;
use vidmsg_tests::proxy::Nginx;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::upload_all;

use crate::threads_and_messages::video;

fn host(url: &str) -> &str {
    url.trim_start_matches("http://")
}

/// Status of `GET /api/me` with a wrong token, as a client at `ip` behind nginx.
async fn wrong_token_from(http: &reqwest::Client, base: &str, ip: &str) -> anyhow::Result<u16> {
    Ok(http
        .get(format!("{base}/api/me"))
        .bearer_auth("vm_wrong-token-for-the-limit")
        .header("X-Forwarded-For", ip)
        .send()
        .await?
        .status()
        .as_u16())
}

#[tokio::test]
async fn the_deployment_guides_example_serves_through_nginx() -> anyhow::Result<()> {
    let garage = Garage::start()?;
    let shared = Shared::new(&garage).await?;
    let port = Nginx::free_port()?;
    let public = format!("http://127.0.0.1:{port}");
    let flags = ["--public-url", &public, "--trusted-proxy", "127.0.0.1"];
    let mut a = ApiServer::start_with(&shared, &flags)?;
    let b = ApiServer::start_with(&shared, &flags)?;
    let _w1 = Worker::start(&shared, 30)?;
    let _w2 = Worker::start(&shared, 30)?;
    let nginx = Nginx::start(port, [host(&a.url), host(&b.url)])?;
    let alice = Client::new(&nginx.url, Some(shared.user("alice")?))?;

    // The event feed streams through nginx (unbuffered) while a recording goes through it.
    let mut feed = alice
        .events(None)
        .await
        .with_context(|| format!("nginx's log:\n{}", nginx.error_log()))?;
    let dir = tempfile::tempdir()?;
    let clip = make_clip(
        dir.path(),
        "deploy",
        &["The staging cluster moves to the new data center next week."],
        300,
        300,
    )?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Ops".into(),
            members: vec![],
        })
        .await?;
    let m = alice.create_message(t.id, &video("Staging")).await?;
    upload_all(&alice, m.id, &std::fs::read(&clip.path)?).await?;
    let ready = tokio::time::timeout(Duration::from_secs(240), async {
        while let Some(event) = feed.next().await {
            if let ServerEvent::Message { message } = event?
                && message.id == m.id
                && message.status == MessageStatus::Ready
            {
                return anyhow::Ok(message.transcript_url);
            }
        }
        anyhow::bail!("the feed closed")
    })
    .await;
    let transcript_url = match ready {
        Ok(Ok(url)) => url,
        other => anyhow::bail!("no ready event through nginx: {other:?}"),
    };
    assert!(
        transcript_url
            .as_deref()
            .is_some_and(|u| u.starts_with(&public)),
        "links name the public URL: {transcript_url:?}"
    );
    let hits = alice
        .search(&SearchQuery {
            q: "staging".into(),
            ..Default::default()
        })
        .await?;
    assert!(hits.hits.iter().any(|h| h.message_id == m.id), "{hits:?}");
    // The share page too.
    let page = reqwest::get(format!("{}/v/{}", nginx.url, m.id)).await?;
    assert_eq!(page.status().as_u16(), 200);

    // Limits count the client nginx names, not nginx: one address runs into 429 (each server
    // keeps its own count, so it takes up to twice the per-server limit), another does not.
    let http = reqwest::Client::new();
    let mut limited = false;
    for _ in 0..25 {
        if wrong_token_from(&http, &nginx.url, "203.0.113.5").await? == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "203.0.113.5 never reached the limit");
    assert_eq!(
        wrong_token_from(&http, &nginx.url, "203.0.113.6").await?,
        401
    );

    // One server goes down: nginx sends everything to the other.
    a.kill();
    for _ in 0..6 {
        alice.list_threads(&Default::default()).await?;
    }
    Ok(())
}
