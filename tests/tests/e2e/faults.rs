//! Faults a cluster lives through: a worker killed mid-transcription, the S3 store gone for
//! 30 seconds during uploads and transcriptions, PostgreSQL restarting under load. Runs only in
//! the suite's PostgreSQL pass (it needs `VIDMSG_TEST_POSTGRES`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::Connection as _;
use vidmsg_api::{Client, CompleteUpload, CompletedPart, CreateThread};
use vidmsg_tests::cluster::{ApiServer, Shared, Worker};
use vidmsg_tests::garage::Garage;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::{parts, upload_all};

use crate::threads_and_messages::video;

const SENTENCES: [&str; 6] = [
    "Good morning everyone, here is the weekly update from the product team.",
    "We finished the new sign in page and it is live for all customers.",
    "The mobile app crashed on older phones, so we fixed that bug on Monday.",
    "Next we will ship transcript search across the whole library.",
    "Sales asked for a shorter demo video, and I will record one today.",
    "Thank you, and have a great week.",
];

async fn job(db: &str, message: i64) -> anyhow::Result<Option<(String, i64, Option<String>)>> {
    let mut conn = sqlx::PgConnection::connect(db).await?;
    Ok(
        sqlx::query_as("SELECT state, attempts, worker FROM jobs WHERE message_id = $1")
            .bind(message)
            .fetch_optional(&mut conn)
            .await?,
    )
}

async fn wait_ready(client: &Client, id: i64, timeout: Duration) -> anyhow::Result<()> {
    vidmsg_tests::TestServer::wait_ready(client, id, timeout).await?;
    Ok(())
}

#[tokio::test]
async fn a_worker_killed_mid_transcription_leaves_the_job_to_another_which_finishes_it_once()
-> anyhow::Result<()> {
    let garage = Garage::start()?;
    let shared = Shared::new(&garage).await?;
    let dir = tempfile::tempdir()?;
    let clip = make_clip(dir.path(), "long", &SENTENCES, 500, 800)?;
    let server = ApiServer::start(&shared)?;
    let alice = server.client(&shared.user("alice")?)?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Crash".into(),
            members: vec![],
        })
        .await?;
    let mut first = Worker::start(&shared, 3)?;
    let m = alice.create_message(t.id, &video("Long")).await?;
    upload_all(&alice, m.id, &std::fs::read(&clip.path)?).await?;

    // Kill the first worker as soon as it holds the job.
    let deadline = Instant::now() + Duration::from_secs(120);
    let held_by = loop {
        if let Some((state, _, Some(worker))) = job(&shared.database_url, m.id).await?
            && state == "running"
        {
            break worker;
        }
        anyhow::ensure!(Instant::now() < deadline, "no worker took the job");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    first.kill();
    let _second = Worker::start(&shared, 3)?;
    wait_ready(&alice, m.id, Duration::from_secs(240)).await?;

    let (state, attempts, worker) = job(&shared.database_url, m.id).await?.expect("job");
    assert_eq!(state, "done");
    assert_eq!(
        attempts, 2,
        "one attempt died with its worker, the second finished"
    );
    assert_ne!(
        worker.as_deref(),
        Some(held_by.as_str()),
        "finished elsewhere"
    );
    // Written once: one transcript, no segment twice.
    let transcript = alice.transcript(m.id).await?;
    assert!(!transcript.segments.is_empty());
    let mut idx: Vec<_> = transcript.segments.iter().map(|s| s.start_ms).collect();
    let n = idx.len();
    idx.dedup();
    assert_eq!(idx.len(), n, "a segment was written twice");
    Ok(())
}

#[tokio::test]
async fn thirty_seconds_without_the_store_loses_no_upload_and_fails_no_job() -> anyhow::Result<()> {
    let mut garage = Garage::start()?;
    let shared = Shared::new(&garage).await?;
    let dir = tempfile::tempdir()?;
    let clip = make_clip(dir.path(), "outage", &SENTENCES[..2], 300, 500)?;
    let spoken = std::fs::read(&clip.path)?;
    let big = std::fs::read(vidmsg_tests::media::big_mp4()?)?;
    let server = ApiServer::start(&shared)?;
    let _worker = Worker::start(&shared, 10)?;
    let alice = server.client(&shared.user("alice")?)?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Outage".into(),
            members: vec![],
        })
        .await?;

    // Two clips whose transcription starts just before the outage, and an upload under way.
    let mut transcribing = Vec::new();
    for i in 0..2 {
        let m = alice
            .create_message(t.id, &video(&format!("Spoken {i}")))
            .await?;
        upload_all(&alice, m.id, &spoken).await?;
        transcribing.push(m.id);
    }
    let up = alice.create_message(t.id, &video("Big")).await?;
    let first = vidmsg_tests::upload::put_part(&alice, up.id, &big, 1).await?;

    garage.stop();
    let outage = Instant::now();
    // The client keeps its parts on disk and retries, as the recorder does; meanwhile the API
    // answers 503 where it needs the store, never 500.
    let mut done = vec![CompletedPart {
        part_number: 1,
        etag: first,
    }];
    let mut refused = 0;
    for n in 2..=i32::try_from(parts(&big).len())? {
        loop {
            match vidmsg_tests::upload::put_part(&alice, up.id, &big, n).await {
                Ok(etag) => {
                    done.push(CompletedPart {
                        part_number: n,
                        etag,
                    });
                    break;
                }
                Err(_) => {
                    refused += 1;
                    if outage.elapsed() >= Duration::from_secs(30) && garage_is_down(&garage) {
                        garage.start_again()?;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
    assert!(refused > 0, "parts were refused while the store was down");
    if garage_is_down(&garage) {
        let left = Duration::from_secs(30).saturating_sub(outage.elapsed());
        tokio::time::sleep(left).await;
        garage.start_again()?;
    }
    let finished = loop {
        match alice
            .complete_upload(
                up.id,
                &CompleteUpload {
                    parts: done.clone(),
                    duration_ms: None,
                },
            )
            .await
        {
            Ok(m) => break m,
            Err(e) => {
                assert_eq!(e.status(), Some(503), "{e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    assert_eq!(finished.size_bytes, Some(i64::try_from(big.len())?));
    let url = finished.video_url.expect("video_url");
    assert!(
        reqwest::get(&url).await?.bytes().await? == big,
        "every byte kept"
    );

    // The transcriptions caught up; none failed for good.
    for id in transcribing.iter().chain([&up.id]) {
        wait_ready(&alice, *id, Duration::from_secs(300)).await?;
    }
    Ok(())
}

fn garage_is_down(garage: &Garage) -> bool {
    garage.cli(&["status"]).is_err()
}

/// A PostgreSQL cluster of this test's own (the suite's shared one must not restart under the
/// other tests).
struct OwnPostgres {
    dir: tempfile::TempDir,
}

impl OwnPostgres {
    fn script() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres")
    }

    fn run(&self, cmd: &str) -> anyhow::Result<String> {
        let out = std::process::Command::new(Self::script())
            .arg(cmd)
            .arg(self.dir.path())
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "scripts/postgres {cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self.run("stop");
    }
}

#[tokio::test]
async fn postgres_restarting_under_load_gives_fast_503s_then_recovers_without_a_restart()
-> anyhow::Result<()> {
    anyhow::ensure!(
        vidmsg_tests::database::postgres_admin_url().is_some(),
        "this test runs in the PostgreSQL pass (VIDMSG_TEST_POSTGRES)"
    );
    let pg = OwnPostgres {
        dir: tempfile::tempdir()?,
    };
    let admin = pg.run("start")?;
    let url = vidmsg_tests::database::fresh_postgres(&admin).await?;
    let data = tempfile::tempdir()?;
    let mut config = vidmsg_server::Config::for_data_dir(data.path());
    config.worker = false;
    config.database_url = url;
    let srv = vidmsg_tests::TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Load".into(),
            members: vec![],
        })
        .await?;

    // Eight clients post and list in a loop; each records (status, seconds) per request.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    for i in 0..8 {
        let (c, stop) = (alice.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let start = Instant::now();
                let r = if i % 2 == 0 {
                    c.create_message(t.id, &vidmsg_api::CreateMessage::text(format!("m{i}")))
                        .await
                        .map(|_| ())
                } else {
                    c.list_threads(&Default::default()).await.map(|_| ())
                };
                let status = match r {
                    Ok(()) => 200,
                    Err(e) => e.status().unwrap_or(0),
                };
                seen.push((Instant::now(), status, start.elapsed()));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg.run("stop")?;
    tokio::time::sleep(Duration::from_secs(6)).await;
    pg.run("start")?;
    let up = Instant::now();
    tokio::time::sleep(Duration::from_secs(8)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut all = Vec::new();
    for h in load {
        all.extend(h.await?);
    }

    let odd: Vec<_> = all
        .iter()
        .filter(|(_, s, _)| *s != 200 && *s != 503)
        .collect();
    assert!(
        odd.is_empty(),
        "only 200 and 503 while PostgreSQL restarts: {odd:?}"
    );
    let unavailable: Vec<_> = all.iter().filter(|(_, s, _)| *s == 503).collect();
    assert!(
        !unavailable.is_empty(),
        "requests while it was down got 503"
    );
    let slowest = unavailable
        .iter()
        .map(|(_, _, d)| *d)
        .max()
        .unwrap_or_default();
    // Fast: bounded by the pool's 3-second wait for a connection (twice at most: the sign-in and
    // the route), never by a client's own timeout.
    assert!(slowest < Duration::from_secs(8), "a 503 took {slowest:?}");
    // Recovered by itself: the last seconds are all successes, and some came soon after.
    let recovered_at = all
        .iter()
        .filter(|(at, s, _)| *at > up && *s == 200)
        .map(|(at, _, _)| *at)
        .min();
    let recovered_at = recovered_at.ok_or_else(|| anyhow::anyhow!("never recovered"))?;
    assert!(
        recovered_at - up < Duration::from_secs(5),
        "recovered after {:?}",
        recovered_at - up
    );
    let tail: Vec<_> = all
        .iter()
        .filter(|(at, _, _)| *at > up + Duration::from_secs(5))
        .collect();
    assert!(
        !tail.is_empty() && tail.iter().all(|(_, s, _)| *s == 200),
        "{tail:?}"
    );
    Ok(())
}
