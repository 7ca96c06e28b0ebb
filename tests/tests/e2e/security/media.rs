//! Uploaded media is only ever media (issue #9, items 1 and 5): a playlist is refused by the
//! decoder, the worker's decoder child and the player without fetching what it lists; damaged
//! clips fail with a reason a person understands; a clip that hangs the decoder is killed at
//! the limit and the queue goes on; a store outage is retried until the store is back.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use vidmsg_api::{Message, MessageStatus};
use vidmsg_media::{AudioDecoder, MediaError, Playback, PlaybackEvent};
use vidmsg_server::Config;
use vidmsg_server::config::ExternalS3;
use vidmsg_server::storage::embedded::EmbeddedCredentials;
use vidmsg_server::transcribe::decode_wire::FailureKind;
use vidmsg_server::transcribe::decoder_process::{DecodeError, DecoderProcess, DecoderSettings};
use vidmsg_tests::loopback::{Tripwire, serve_bytes};
use vidmsg_tests::media::big_mp4;
use vidmsg_tests::server::server_binary;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::stall_proxy::StallProxy;
use vidmsg_tests::upload::upload_all;
use vidmsg_tests::{TestServer, model};

use crate::threads_and_messages::video;

/// What a person must never read in a failure reason.
const GSTREAMER_WORDS: [&str; 9] = [
    "gst",
    "demux",
    "Internal data stream",
    "element",
    "pipeline",
    "typefind",
    "souphttp",
    "not-linked",
    "GStreamer",
];

const DAMAGED: &str = "the video is damaged or incomplete and could not be decoded";

fn is_done(m: &Message) -> bool {
    matches!(m.status, MessageStatus::Ready | MessageStatus::Failed)
}

fn hls_playlist(segment: &str) -> String {
    format!(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n\
         #EXTINF:10.0,\n{segment}\n#EXT-X-ENDLIST\n"
    )
}

/// Decodes `location` to its end with the in-process decoder; the samples it gave.
fn decode_all(location: &str) -> Result<usize, MediaError> {
    let mut dec = AudioDecoder::open(location)?;
    let mut n = 0;
    while let Some(c) = dec.next_chunk(Duration::from_secs(15))? {
        n += c.samples.len();
    }
    Ok(n)
}

/// Opens `location` in the player and polls until it errors or prerolls (or 15 s pass).
fn play(location: &str) -> Result<Vec<PlaybackEvent>, MediaError> {
    let mut p = Playback::open(location, Some("fakesink"))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        let events = p.poll();
        let end = events
            .iter()
            .any(|e| matches!(e, PlaybackEvent::Error(_) | PlaybackEvent::Prerolled));
        seen.extend(events);
        if end {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(seen)
}

#[tokio::test]
async fn playlists_are_refused_by_decoder_child_and_player_and_nothing_is_fetched()
-> anyhow::Result<()> {
    let trip = Tripwire::start()?;
    let dir = tempfile::tempdir()?;
    // Another user's object, as it lies in the embedded store's folder.
    let private = big_mp4()?;
    let over_http = dir.path().join("http.m3u8");
    std::fs::write(&over_http, hls_playlist(&trip.url("x.ts")))?;
    let over_file = dir.path().join("file.m3u8");
    std::fs::write(
        &over_file,
        hls_playlist(&format!("file://{}", private.display())),
    )?;
    let served = serve_bytes(
        hls_playlist(&trip.url("y.ts")).into_bytes(),
        "application/vnd.apple.mpegurl",
    )?;
    let locations = vec![
        over_http.display().to_string(),
        format!("file://{}", over_file.display()),
        format!("http://{served}/bucket/messages/1/video?X-Amz-Signature=secret"),
    ];

    // The decoder, in-process as the apps and tests use it.
    for loc in locations.clone() {
        let got = tokio::task::spawn_blocking(move || decode_all(&loc)).await?;
        assert!(
            matches!(got, Err(MediaError::NotAVideo { .. })),
            "the decoder refuses a playlist: {got:?}"
        );
    }
    // The worker's decoder child.
    let settings = DecoderSettings {
        program: server_binary()?,
        idle_timeout: Duration::from_secs(20),
        total_timeout: Duration::from_secs(60),
        memory_mb: 2048,
        accept_wav: false,
    };
    for loc in locations.clone() {
        let settings = settings.clone();
        let got = tokio::task::spawn_blocking(move || {
            let mut child = DecoderProcess::spawn(&settings, &loc)?;
            let mut samples = 0;
            while let Some(c) = child.next_chunk()? {
                samples += c.samples.len();
            }
            Ok::<_, DecodeError>(samples)
        })
        .await?;
        match got {
            Err(DecodeError::Failed(f)) => {
                assert_eq!(f.kind, FailureKind::Decode, "{f:?}");
                assert!(f.message.contains("not a video"), "{f:?}");
            }
            other => panic!("the decoder child refuses a playlist: {other:?}"),
        }
    }
    // The player.
    for loc in locations.clone() {
        let events = tokio::task::spawn_blocking(move || play(&loc)).await?;
        match events {
            Err(e) => panic!("opening a local file or loopback URL fails only later: {e}"),
            Ok(events) => {
                assert!(
                    matches!(events.last(), Some(PlaybackEvent::Error(_))),
                    "the player refuses a playlist: {events:?}"
                );
                assert!(!events.contains(&PlaybackEvent::Prerolled), "{events:?}");
            }
        }
    }
    // Schemes other than files and http(s) never reach GStreamer.
    for loc in [
        format!("rtsp://{}/x", trip.addr),
        format!("hls+http://{}/x.m3u8", trip.addr),
        format!("sdp://{}/x", trip.addr),
    ] {
        let l = loc.clone();
        let dec = tokio::task::spawn_blocking(move || decode_all(&l)).await?;
        assert!(
            matches!(dec, Err(MediaError::UnsupportedLocation(_))),
            "{loc}: {dec:?}"
        );
        let l = loc.clone();
        let player = tokio::task::spawn_blocking(move || play(&l).err()).await?;
        assert!(
            matches!(player, Some(MediaError::UnsupportedLocation(_))),
            "{loc}: {player:?}"
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        trip.hits(),
        0,
        "nothing connected to the address the playlists named"
    );
    Ok(())
}

/// An ISO-BMFF `ftyp` box (so the upload passes the container check) and then noise.
fn ftyp_then_noise(len: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len + 24);
    bytes.extend_from_slice(&24u32.to_be_bytes());
    bytes.extend_from_slice(b"ftypisom");
    bytes.extend_from_slice(&0x200u32.to_be_bytes());
    bytes.extend_from_slice(b"isomiso2");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while bytes.len() < len + 24 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes
}

fn assert_human(m: &Message) {
    let reason = m.status_reason.as_deref().unwrap_or_default();
    assert!(!reason.is_empty(), "{}: a reason", m.title);
    for word in GSTREAMER_WORDS {
        assert!(
            !reason.to_lowercase().contains(&word.to_lowercase()),
            "{}: {reason:?} speaks GStreamer ({word})",
            m.title
        );
    }
}

#[tokio::test]
async fn damaged_clips_fail_at_once_with_a_reason_a_person_understands() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let good = make_clip(
        dir.path(),
        "good",
        &["The quarterly numbers look fine."],
        300,
        300,
    )?;
    let good_bytes = std::fs::read(&good.path)?;
    let truncated = good_bytes[..good_bytes.len() / 2].to_vec();
    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Damaged").await?;
    let mut ids = Vec::new();
    for (title, bytes) in [
        ("ftyp and noise", ftyp_then_noise(400_000)),
        ("truncated", truncated),
    ] {
        let m = alice.create_message(t.id, &video(title)).await?;
        upload_all(&alice, m.id, &bytes).await?;
        ids.push(m.id);
    }
    for id in ids {
        let m = TestServer::wait_for(&alice, id, Duration::from_secs(90), is_done).await?;
        assert_eq!(
            m.status,
            MessageStatus::Failed,
            "{}: {:?}",
            m.title,
            m.status_reason
        );
        assert_human(&m);
        assert_eq!(
            m.status_reason.as_deref(),
            Some(DAMAGED),
            "{}: the reason says what is wrong",
            m.title
        );
        let job = srv.running.db().job_info(id).await?.expect("job");
        assert_eq!(
            (job.state.as_str(), job.attempts),
            ("failed", 1),
            "{}: a damaged clip is not retried: {job:?}",
            m.title
        );
    }
    Ok(())
}

/// A `vidmsg-server worker` process, killed when dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_worker(
    data_dir: &Path,
    endpoint: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> anyhow::Result<Worker> {
    let child = vidmsg_tests::server::server_command(data_dir)?
        .arg("worker")
        .args(["--s3-endpoint", endpoint])
        .arg("--model")
        .arg(model::default_model()?)
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()?;
    Ok(Worker(child))
}

/// Processes whose parent is `pid`, with their command lines.
fn children_of(pid: u32) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
            let ppid: u32 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            (ppid == pid).then(|| {
                std::fs::read_to_string(e.path().join("cmdline"))
                    .unwrap_or_default()
                    .replace('\0', " ")
            })
        })
        .collect()
}

#[tokio::test]
async fn a_clip_that_hangs_decoding_is_killed_at_the_limit_and_the_queue_goes_on()
-> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let normal = make_clip(
        dir.path(),
        "normal",
        &["Please review the draft before lunch."],
        300,
        300,
    )?;
    let normal_bytes = std::fs::read(&normal.path)?;
    assert!(normal_bytes.len() < 1024 * 1024, "the normal clip is small");
    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Hang").await?;
    let stuck = alice.create_message(t.id, &video("stuck")).await?;
    upload_all(&alice, stuck.id, &std::fs::read(big_mp4()?)?).await?;
    let after = alice.create_message(t.id, &video("after")).await?;
    upload_all(&alice, after.id, &normal_bytes).await?;

    // Downloads of the big clip stop after 64 KiB with the connection left open.
    let upstream = srv.base_url().trim_start_matches("http://").parse()?;
    let proxy = StallProxy::start(upstream, 1024 * 1024, 64 * 1024).await?;
    let started = Instant::now();
    let worker = spawn_worker(
        srv.data_dir.path(),
        &proxy.url(),
        &["--decode-timeout-secs", "3", "--job-max-attempts", "1"],
        &[],
    )?;
    let failed = TestServer::wait_for(&alice, stuck.id, Duration::from_secs(60), is_done).await?;
    let took = started.elapsed();
    assert_eq!(
        failed.status,
        MessageStatus::Failed,
        "{:?}",
        failed.status_reason
    );
    assert!(proxy.stalled() >= 1, "the download really stalled");
    let reason = failed.status_reason.clone().unwrap_or_default();
    assert!(
        reason.contains("crashed or hung once") && reason.contains("no progress for 3 s"),
        "the reason names the limit: {reason:?}"
    );
    assert_human(&failed);
    assert!(
        took < Duration::from_secs(40),
        "killed at the limit, not at some network timeout: {took:?}"
    );
    let done = TestServer::wait_for(&alice, after.id, Duration::from_secs(120), is_done).await?;
    assert_eq!(
        done.status,
        MessageStatus::Ready,
        "the next clip is still transcribed: {:?}",
        done.status_reason
    );
    assert!(!alice.transcript(after.id).await?.segments.is_empty());
    let left: Vec<String> = children_of(worker.0.id())
        .into_iter()
        .filter(|c| c.contains("decode-audio"))
        .collect();
    assert!(left.is_empty(), "no decoder child is left behind: {left:?}");
    Ok(())
}

#[tokio::test]
async fn a_store_outage_is_retried_and_the_job_ends_ready_once_it_is_back() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let clip = make_clip(
        dir.path(),
        "outage",
        &["The store was down this morning."],
        300,
        300,
    )?;
    let store_host = TestServer::spawn().await?;
    let store_url = store_host.base_url().to_string();
    let creds =
        EmbeddedCredentials::load_or_create(&store_host.data_dir.path().join("embedded-s3.json"))?;
    let data = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(data.path());
    config.worker = false;
    config.s3 = Some(ExternalS3 {
        endpoint: store_url.clone(),
        region: "us-east-1".into(),
        access_key: creds.access_key.clone(),
        secret_key: creds.secret_key.clone(),
    });
    let srv = TestServer::spawn_with(config, data).await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "Outage").await?;
    let m = alice.create_message(t.id, &video("outage")).await?;
    upload_all(&alice, m.id, &std::fs::read(&clip.path)?).await?;

    // The store goes away; its folder stays.
    let TestServer {
        running,
        data_dir: store_dir,
    } = store_host;
    running.stop().await?;
    let _worker = spawn_worker(
        srv.data_dir.path(),
        &store_url,
        &[],
        &[
            ("VIDMSG_S3_ACCESS_KEY", creds.access_key.as_str()),
            ("VIDMSG_S3_SECRET_KEY", creds.secret_key.as_str()),
        ],
    )?;
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        let job = srv.running.db().job_info(m.id).await?.expect("job");
        assert_ne!(
            job.state, "failed",
            "an outage does not fail the job: {job:?}"
        );
        let msg = alice.get_message(m.id).await?;
        assert_eq!(
            msg.status,
            MessageStatus::Processing,
            "{:?}",
            msg.status_reason
        );
        if job.attempts >= 2 && job.state == "queued" {
            let why = job.last_error.unwrap_or_default();
            assert!(why.contains("cannot be reached"), "{why:?}");
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the job was not retried: {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The store comes back on the same address.
    let mut again = Config::for_data_dir(store_dir.path());
    again.worker = false;
    again.listen = store_url.trim_start_matches("http://").parse()?;
    let _store_back = TestServer::spawn_with(again, store_dir).await?;
    let done = TestServer::wait_for(&alice, m.id, Duration::from_secs(120), is_done).await?;
    assert_eq!(
        done.status,
        MessageStatus::Ready,
        "{:?}",
        done.status_reason
    );
    assert!(!alice.transcript(m.id).await?.segments.is_empty());
    let job = srv.running.db().job_info(m.id).await?.expect("job");
    assert!(job.attempts >= 3, "{job:?}");
    Ok(())
}
