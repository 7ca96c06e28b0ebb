//! The headless recorder for real: Xvfb screen, `videotestsrc` camera bubble, a PulseAudio null
//! sink fed with espeak-ng speech as the microphone, uploaded to the real server while recording.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vidmsg_api::{MessageStatus, PageQuery};
use vidmsg_tests::TestServer;
use vidmsg_tests::desktop::Desktop;
use vidmsg_tests::media::discover;
use vidmsg_tests::server::binary;
use vidmsg_tests::speech::{make_clip, words};

const SPEECH: [&str; 3] = [
    "Good morning everyone, here is the weekly update from the product team.",
    "The budget for the next quarter is still under review.",
    "Please add your comments to the planning document before Thursday.",
];

#[tokio::test]
async fn a_20_second_recording_uploads_while_recording_and_is_transcribed() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    make_clip(work.path(), "mic", &SPEECH, 300, 600)?; // writes mic.wav, the microphone's speech
    let wav = work.path().join("mic.wav");
    let mut desk = Desktop::start(1280, 720)?;
    desk.show_motion(1280, 720)?;
    let srv = TestServer::spawn_transcribing().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "Standups").await?;

    let mut rec = Command::new(binary("vidmsg-recorder")?)
        .args([
            "record",
            "--server",
            srv.base_url(),
            "--token",
            &token,
            "--title",
            "Monday standup",
        ])
        .args([
            "--thread",
            &t.id.to_string(),
            "--duration",
            "20",
            "--screen",
            &desk.display,
            "--camera",
            "test",
        ])
        .args(["--mic", &desk.mic(), "--size", "1280x720"])
        .env("VIDMSG_RECORDINGS_DIR", work.path().join("recordings"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    desk.speak(&wav)?;

    // The first part reaches the server while the recorder is still recording.
    let started = Instant::now();
    let mut first_part_at = None;
    while started.elapsed() < Duration::from_secs(40) {
        if let Some(status) = rec.try_wait()? {
            anyhow::bail!("recorder exited early: {status}");
        }
        let msgs = alice.list_messages(t.id, &PageQuery::default()).await?;
        if let Some(m) = msgs.items.first()
            && m.status == MessageStatus::Uploading
            && !alice.upload_state(m.id).await?.parts.is_empty()
        {
            first_part_at = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        first_part_at.is_some(),
        "no part was uploaded while recording"
    );
    let out = tokio::task::spawn_blocking(move || rec.wait_with_output()).await??;
    assert!(
        out.status.success(),
        "recorder failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let id = line["message_id"].as_i64().expect("message_id");
    assert_eq!(line["thread_id"].as_i64(), Some(t.id));
    // The link is the message's web page.
    assert!(
        line["url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/v/{id}"))),
        "{line}"
    );
    // The link is there at stop because the recording was uploaded while it was made: by the
    // last progress event, all but about the tail had left (a structural check, not a timing
    // one; `stop_to_link_s` is reported, and measured in the README, never asserted).
    let uploaded_while_recording = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "progress")
        .filter_map(|e| e["uploaded_bytes"].as_u64())
        .max()
        .unwrap_or(0);

    // The stored object is H.264 + audio, 20 s long.
    let msg = alice.get_message(id).await?;
    let bytes = reqwest::get(msg.video_url.expect("video_url"))
        .await?
        .bytes()
        .await?;
    let file = work.path().join("uploaded.mp4");
    std::fs::write(&file, &bytes)?;
    let (dur, h264, audio) = discover(&file)?;
    assert!(h264 && audio, "H.264 {h264}, audio {audio}");
    assert!((dur - 20.0).abs() <= 0.5, "duration {dur}");
    let part = vidmsg_recorder::upload::PART_SIZE;
    assert!(
        bytes.len() as u64 <= uploaded_while_recording + 2 * part,
        "only {uploaded_while_recording} of {} bytes left while recording",
        bytes.len()
    );
    // The uploaded object is the spooled recording: the same length and the same media bytes
    // (mp4mux updates a few duration fields of the first header in the spool file at EOS,
    // after part 1 left; the upload keeps the header as first written).
    let spooled = std::fs::read(line["spool"].as_str().expect("spool"))?;
    assert_eq!(spooled.len(), bytes.len());
    assert!(
        spooled[4096..] == bytes[4096..],
        "media bytes differ between spool and upload"
    );

    // The server transcribes what was said into the microphone.
    TestServer::wait_ready(&alice, id, Duration::from_secs(180)).await?;
    let heard: Vec<String> = alice
        .transcript(id)
        .await?
        .segments
        .iter()
        .flat_map(|s| words(&s.text))
        .collect();
    let said: Vec<String> = SPEECH[..2].iter().flat_map(|s| words(s)).collect();
    let found = said.iter().filter(|w| heard.contains(w)).count();
    assert!(
        found * 10 >= said.len() * 7,
        "heard {heard:?}, said {said:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_recorder_killed_at_10_seconds_recovers_what_it_recorded() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    make_clip(work.path(), "mic", &SPEECH, 300, 600)?; // writes mic.wav
    let mut desk = Desktop::start(1280, 720)?;
    desk.show_motion(1280, 720)?;
    let srv = TestServer::spawn_transcribing().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "Crashy").await?;
    let recordings = work.path().join("recordings");

    let mut rec = Command::new(binary("vidmsg-recorder")?)
        .args([
            "record",
            "--server",
            srv.base_url(),
            "--token",
            &token,
            "--title",
            "Killed",
        ])
        .args([
            "--thread",
            &t.id.to_string(),
            "--duration",
            "60",
            "--screen",
            &desk.display,
            "--camera",
            "test",
        ])
        .args(["--mic", &desk.mic(), "--size", "1280x720"])
        .env("VIDMSG_RECORDINGS_DIR", &recordings)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    desk.speak(&work.path().join("mic.wav"))?;
    // Follow the recorder's progress lines until 10 s are recorded, then SIGKILL it.
    let stderr = rec
        .stderr
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let recorded = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if let Some(ms) = v["recorded_ms"].as_u64().filter(|ms| *ms >= 10_000) {
                return Some(ms);
            }
        }
        None
    });
    let recorded = tokio::time::timeout(Duration::from_secs(40), recorded)
        .await??
        .expect("progress lines");
    rec.kill()?; // SIGKILL
    rec.wait()?;
    let msg = alice
        .list_messages(t.id, &PageQuery::default())
        .await?
        .items
        .remove(0);
    assert_eq!(msg.status, MessageStatus::Uploading);

    let out = tokio::task::spawn_blocking({
        let (recordings, token) = (recordings.clone(), token.clone());
        move || {
            Command::new(binary("vidmsg-recorder")?)
                .args(["recover", "--token", &token])
                .env("VIDMSG_RECORDINGS_DIR", &recordings)
                .output()
                .map_err(anyhow::Error::from)
        }
    })
    .await??;
    assert!(
        out.status.success(),
        "recover failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(line["message_id"].as_i64(), Some(msg.id));
    let done = TestServer::wait_ready(&alice, msg.id, Duration::from_secs(180)).await?;
    let dur = done.duration_ms.unwrap_or(0);
    assert!(dur >= 9_000, "recovered only {dur} ms of {recorded} ms");
    assert!(
        dur + 1_000 >= i64::try_from(recorded)?,
        "lost more than a second: {dur} of {recorded} ms"
    );
    // Nothing is left to recover.
    let again = Command::new(binary("vidmsg-recorder")?)
        .args(["recover", "--token", &token])
        .env("VIDMSG_RECORDINGS_DIR", &recordings)
        .output()?;
    assert!(again.status.success() && again.stdout.is_empty());
    Ok(())
}

#[tokio::test]
async fn the_recording_survives_the_s3_endpoint_being_down_for_20_seconds() -> anyhow::Result<()> {
    use vidmsg_server::config::ExternalS3;
    use vidmsg_server::storage::embedded::EmbeddedCredentials;

    let work = tempfile::tempdir()?;
    let mut desk = Desktop::start(1280, 720)?;
    desk.show_motion(1280, 720)?;
    // The object store is a separate server the test can stop and start again on its port.
    let store = TestServer::spawn().await?;
    let creds =
        EmbeddedCredentials::load_or_create(&store.data_dir.path().join("embedded-s3.json"))?;
    let store_url = store.base_url().to_string();
    let data = tempfile::tempdir()?;
    let mut config = vidmsg_server::Config::for_data_dir(data.path());
    config.worker = false;
    config.s3 = Some(ExternalS3 {
        endpoint: store_url.clone(),
        region: "us-east-1".into(),
        access_key: creds.access_key.clone(),
        secret_key: creds.secret_key.clone(),
    });
    let srv = TestServer::spawn_with(config, data).await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "Outage").await?;

    let rec = Command::new(binary("vidmsg-recorder")?)
        .args([
            "record",
            "--server",
            srv.base_url(),
            "--token",
            &token,
            "--title",
            "Through an outage",
        ])
        .args([
            "--thread",
            &t.id.to_string(),
            "--duration",
            "32",
            "--screen",
            &desk.display,
            "--camera",
            "test",
        ])
        .args(["--mic", "none", "--size", "1280x720"])
        .env("VIDMSG_RECORDINGS_DIR", work.path().join("recordings"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let TestServer {
        running,
        data_dir: store_dir,
    } = store;
    running.stop().await?;
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(20)).await;
    let mut store_config = vidmsg_server::Config::for_data_dir(store_dir.path());
    store_config.worker = false;
    store_config.listen = store_url.trim_start_matches("http://").parse()?;
    let _store = TestServer::spawn_with(store_config, store_dir).await?;
    let outage = down_at.elapsed();

    let out = tokio::task::spawn_blocking(move || rec.wait_with_output()).await??;
    assert!(
        out.status.success(),
        "recorder failed after a {outage:?} outage"
    );
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("safe on disk"),
        "the outage was noticed and survived:\n{log}"
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let msg = alice
        .get_message(line["message_id"].as_i64().expect("id"))
        .await?;
    assert_eq!(msg.status, MessageStatus::Processing);
    let bytes = reqwest::get(msg.video_url.expect("video_url"))
        .await?
        .bytes()
        .await?;
    let spooled = std::fs::read(line["spool"].as_str().expect("spool"))?;
    assert_eq!(bytes.len(), spooled.len(), "complete object");
    assert!(
        bytes[4096..] == spooled[4096..],
        "no gap: the uploaded media equals the recording"
    );
    let file = work.path().join("uploaded.mp4");
    std::fs::write(&file, &bytes)?;
    let (dur, h264, _) = discover(&file)?;
    assert!(h264 && (dur - 32.0).abs() <= 0.5, "duration {dur}");
    Ok(())
}

#[tokio::test]
async fn a_silent_microphone_is_warned_about_while_recording() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let desk = Desktop::start(640, 360)?; // nothing plays into the sink: the mic hears silence
    let srv = TestServer::spawn().await?;
    let token = srv.token("alice").await?;
    let out = tokio::task::spawn_blocking({
        let (url, display, mic, dir) = (
            srv.base_url().to_string(),
            desk.display.clone(),
            desk.mic(),
            work.path().join("recordings"),
        );
        move || {
            Command::new(binary("vidmsg-recorder")?)
                .args([
                    "record",
                    "--server",
                    &url,
                    "--token",
                    &token,
                    "--duration",
                    "5",
                    "--screen",
                    &display,
                ])
                .args(["--camera", "test", "--mic", &mic, "--size", "640x360"])
                .env("VIDMSG_RECORDINGS_DIR", dir)
                .output()
                .map_err(anyhow::Error::from)
        }
    })
    .await??;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("\"event\":\"warning\"") && log.contains("microphone is silent"),
        "{log}"
    );
    assert!(
        !log.contains("camera delivers no frames"),
        "the test camera runs: {log}"
    );
    let levels: Vec<f64> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["mic_db"].as_f64())
        .collect();
    assert!(
        !levels.is_empty() && levels.iter().all(|db| *db <= -60.0),
        "levels {levels:?}"
    );
    Ok(())
}

#[tokio::test]
async fn missing_plugins_are_named_and_leave_no_message_behind() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "No plugins").await?;
    let empty = work.path().join("no-plugins");
    std::fs::create_dir_all(&empty)?;
    let out = tokio::task::spawn_blocking({
        let (url, dir, thread) = (
            srv.base_url().to_string(),
            work.path().join("recordings"),
            t.id.to_string(),
        );
        move || {
            // A GStreamer with no plugins at all: the recorder must say which ones it needs.
            Command::new(binary("vidmsg-recorder")?)
                .args([
                    "record",
                    "--server",
                    &url,
                    "--token",
                    &token,
                    "--thread",
                    &thread,
                    "--duration",
                    "2",
                ])
                .args([
                    "--screen",
                    "test",
                    "--camera",
                    "none",
                    "--mic",
                    "none",
                    "--size",
                    "640x360",
                    "--countdown",
                    "1",
                ])
                .env("VIDMSG_RECORDINGS_DIR", dir)
                .env("GST_PLUGIN_SYSTEM_PATH_1_0", &empty)
                .env("GST_PLUGIN_PATH_1_0", &empty)
                .env("GST_REGISTRY_1_0", empty.join("registry.bin"))
                .output()
                .map_err(anyhow::Error::from)
        }
    })
    .await??;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("plugins missing") && err.contains("gstreamer1.0-plugins-"),
        "{err}"
    );
    assert!(err.contains("\"countdown\""), "{err}");
    assert_eq!(
        alice.get_thread(t.id).await?.message_count,
        0,
        "the message was withdrawn"
    );
    Ok(())
}
