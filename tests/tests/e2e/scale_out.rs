//! Scale-out: two API servers and two transcription workers, separate processes as on separate
//! hosts, sharing one PostgreSQL database and one Garage store. Runs only in the suite's
//! PostgreSQL pass (it needs `VIDMSG_TEST_POSTGRES`).

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt as _;
use sqlx::Connection as _;
use vidmsg_api::{
    Client, CompleteUpload, CompletedPart, CreateThread, MessageStatus, SearchQuery, ServerEvent,
};
use vidmsg_tests::cluster::{ApiServer, Shared, Worker};
use vidmsg_tests::garage::Garage;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::{parts, upload_all};

use crate::threads_and_messages::video;

const RECORDINGS: usize = 40;
/// Of which spoken (whisper runs); the others are screen recordings without a microphone, whose
/// jobs go through the same queue and end at once: whisper on two busy cores would otherwise
/// make this one test take minutes (see issue #14 for transcription speed).
const SPOKEN: usize = 8;

fn settled(m: &vidmsg_api::Message) -> bool {
    matches!(m.status, MessageStatus::Ready | MessageStatus::Failed)
}

/// Waits until every message is ready, reading through alternating servers.
async fn wait_all_ready(clients: &[Client], ids: &[i64], timeout: Duration) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + timeout;
    let mut left: HashSet<i64> = ids.iter().copied().collect();
    let mut turn = 0;
    while !left.is_empty() {
        for id in left.clone() {
            turn += 1;
            let m = clients[turn % clients.len()].get_message(id).await?;
            if settled(&m) {
                anyhow::ensure!(
                    m.status == MessageStatus::Ready,
                    "message {id} failed: {:?}",
                    m.status_reason
                );
                left.remove(&id);
            }
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "{} of {} messages still not ready",
            left.len(),
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(())
}

#[tokio::test]
async fn two_servers_and_two_workers_share_one_postgres_and_one_garage() -> anyhow::Result<()> {
    let garage = Garage::start()?;
    let shared = Shared::new(&garage).await?;
    let dir = tempfile::tempdir()?;
    let clip = make_clip(
        dir.path(),
        "scale",
        &["Please review the billing migration before Friday."],
        300,
        300,
    )?;
    let spoken = std::fs::read(&clip.path)?;
    let silent_path = dir.path().join("silent.mp4");
    vidmsg_tests::media::make_silent_mp4(&silent_path, 2)?;
    let silent = std::fs::read(&silent_path)?;

    let mut a = ApiServer::start(&shared)?;
    let b = ApiServer::start(&shared)?;
    let _w1 = Worker::start(&shared, 30)?;
    let _w2 = Worker::start(&shared, 30)?;
    let (alice_token, bob_token) = (shared.user("alice")?, shared.user("bob")?);
    let alice = [a.client(&alice_token)?, b.client(&alice_token)?];
    let bob = [a.client(&bob_token)?, b.client(&bob_token)?];

    let thread = alice[0]
        .create_thread(&CreateThread {
            title: "Billing".into(),
            members: vec!["bob".into()],
        })
        .await?;
    // Bob follows the thread's events on server B while everything is posted through both.
    let mut feed = bob[1].events(None).await?;

    // 40 recordings uploaded in parallel, alternating between the two servers.
    let uploads = futures_util::stream::iter(0..RECORDINGS)
        .map(|i| {
            let client = &alice[i % 2];
            let bytes = if i < SPOKEN { &spoken } else { &silent };
            async move {
                let m = client
                    .create_message(thread.id, &video(&format!("Update {i}")))
                    .await?;
                upload_all(client, m.id, bytes).await?;
                anyhow::Ok(m.id)
            }
        })
        .buffer_unordered(10)
        .collect::<Vec<_>>()
        .await;
    let ids: Vec<i64> = uploads.into_iter().collect::<Result<_, _>>()?;
    let mut spoken_ids: Vec<i64> = Vec::new();
    for id in &ids {
        let m = alice[0].get_message(*id).await?;
        let n = m
            .title
            .strip_prefix("Update ")
            .and_then(|n| n.parse::<usize>().ok());
        if n.is_some_and(|n| n < SPOKEN) {
            spoken_ids.push(*id);
        }
    }
    assert_eq!(spoken_ids.len(), SPOKEN);
    wait_all_ready(&bob, &ids, Duration::from_secs(600)).await?;

    // Every job was done exactly once, and both workers took part.
    let mut db = sqlx::PgConnection::connect(&shared.database_url).await?;
    let jobs: Vec<(i64, String, i64, Option<String>)> =
        sqlx::query_as("SELECT message_id, state, attempts, worker FROM jobs")
            .fetch_all(&mut db)
            .await?;
    assert_eq!(jobs.len(), RECORDINGS);
    assert!(
        jobs.iter()
            .all(|(_, state, attempts, _)| state == "done" && *attempts == 1),
        "{jobs:?}"
    );
    let workers: HashSet<_> = jobs.iter().filter_map(|j| j.3.clone()).collect();
    assert_eq!(workers.len(), 2, "both workers transcribed: {workers:?}");
    // No message's transcript was written twice.
    let dupes: Option<i64> = sqlx::query_scalar(
        "SELECT max(n) FROM (SELECT count(*) AS n FROM segments GROUP BY message_id, idx) s",
    )
    .fetch_one(&mut db)
    .await?;
    assert_eq!(dupes, Some(1));

    // Search answers the same from either server: every spoken recording.
    let mut found = Vec::new();
    for client in &bob {
        let hits = client
            .search(&SearchQuery {
                q: "billing".into(),
                limit: Some(100),
                ..Default::default()
            })
            .await?;
        let mut ids: Vec<i64> = hits.hits.iter().map(|h| h.message_id).collect();
        ids.sort_unstable();
        ids.dedup();
        found.push(ids);
    }
    let mut expected = spoken_ids.clone();
    expected.sort_unstable();
    assert_eq!(found[0], expected, "search through server A");
    assert_eq!(found[1], expected, "search through server B");

    // Notifications: bob got one per recording, the same list from either server.
    let (na, nb) = (bob[0].notifications().await?, bob[1].notifications().await?);
    let on_a: HashSet<i64> = na.items.iter().map(|n| n.message_id).collect();
    let on_b: HashSet<i64> = nb.items.iter().map(|n| n.message_id).collect();
    assert_eq!(on_a, ids.iter().copied().collect::<HashSet<_>>());
    assert_eq!(on_a, on_b);

    // Events: bob's feed on server B saw every recording posted through server A and B become
    // ready.
    let mut ready = HashSet::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while ready.len() < RECORDINGS {
        let next = tokio::time::timeout_at(deadline, feed.next()).await;
        let Ok(Some(event)) = next else { break };
        if let ServerEvent::Message { message } = event?
            && message.status == MessageStatus::Ready
        {
            ready.insert(message.id);
        }
    }
    assert_eq!(ready.len(), RECORDINGS, "ready events on server B's feed");

    // Server A dies in the middle of an upload; the client finishes through server B.
    let big = std::fs::read(vidmsg_tests::media::big_mp4()?)?;
    let pieces = parts(&big);
    assert!(pieces.len() >= 2);
    let m = alice[0]
        .create_message(thread.id, &video("Interrupted"))
        .await?;
    let first = vidmsg_tests::upload::put_part(&alice[0], m.id, &big, 1).await?;
    a.kill();
    assert!(
        alice[0].get_message(m.id).await.is_err(),
        "server A is down"
    );
    let mut done = vec![CompletedPart {
        part_number: 1,
        etag: first,
    }];
    for n in 2..=i32::try_from(pieces.len())? {
        done.push(CompletedPart {
            part_number: n,
            etag: vidmsg_tests::upload::put_part(&alice[1], m.id, &big, n).await?,
        });
    }
    let finished = alice[1]
        .complete_upload(
            m.id,
            &CompleteUpload {
                parts: done,
                duration_ms: None,
            },
        )
        .await?;
    assert_eq!(finished.size_bytes, Some(i64::try_from(big.len())?));
    let url = finished.video_url.clone().expect("video_url");
    assert!(reqwest::get(&url).await?.bytes().await? == big);
    Ok(())
}
