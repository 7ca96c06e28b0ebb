//! Recorder controls for real: pause/resume gives one continuous timeline without the pause;
//! audio and video stay in sync (flash + beep); system audio is recorded; devices are listed.

use std::process::Command;
use std::time::{Duration, Instant};

use vidmsg_api::MessageStatus;
use vidmsg_tests::TestServer;
use vidmsg_tests::avsync;
use vidmsg_tests::desktop::Desktop;
use vidmsg_tests::media::discover;
use vidmsg_tests::recorder::RecorderProcess;
use vidmsg_tests::server::binary;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

#[tokio::test]
async fn a_five_second_pause_is_left_out_of_the_recording() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let mut desk = Desktop::start(640, 360)?;
    desk.show_motion(640, 360)?;
    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let recordings = work.path().join("recordings");
    let a = args(&[
        "record",
        "--server",
        srv.base_url(),
        "--token",
        &token,
        "--title",
        "With a pause",
    ]);
    let a = [
        a,
        args(&[
            "--screen",
            &desk.display,
            "--camera",
            "test",
            "--mic",
            &desk.mic(),
            "--size",
            "640x360",
        ]),
    ]
    .concat();
    let (line, wall) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut rec = RecorderProcess::spawn(&a, &recordings)?;
        rec.wait_recorded(4_000, Duration::from_secs(30))?;
        let started = Instant::now();
        rec.signal("USR1")?;
        let paused = rec.wait_event(Duration::from_secs(5), |v| v["event"] == "paused")?;
        std::thread::sleep(Duration::from_secs(5));
        // While paused, the timer stands still.
        let during = rec.wait_event(Duration::from_secs(5), |v| v["event"] == "progress")?;
        assert_eq!(during["paused"], true);
        assert!(
            during["recorded_ms"].as_u64() <= paused["recorded_ms"].as_u64().map(|m| m + 100),
            "{during} after {paused}"
        );
        rec.signal("USR1")?;
        rec.wait_event(Duration::from_secs(5), |v| v["event"] == "resumed")?;
        let resumed_ms = paused["recorded_ms"].as_u64().unwrap_or(0);
        rec.wait_recorded(resumed_ms + 4_000, Duration::from_secs(30))?;
        rec.signal("TERM")?;
        let wall = started.elapsed();
        Ok((rec.finish(Duration::from_secs(60))?, wall))
    })
    .await??;
    let id = line["message_id"].as_i64().expect("message_id");
    let duration_ms = line["duration_ms"].as_i64().expect("duration_ms");
    let msg = alice.get_message(id).await?;
    assert_eq!(msg.status, MessageStatus::Processing);
    let file = work.path().join("paused.mp4");
    std::fs::write(
        &file,
        reqwest::get(msg.video_url.expect("video_url"))
            .await?
            .bytes()
            .await?,
    )?;
    let (dur, h264, audio) = discover(&file)?;
    assert!(h264 && audio);
    // ≈ 4 s before + ≈ 4 s after; the 5 s paused are not in it.
    assert!(
        (dur - duration_ms as f64 / 1000.0).abs() <= 0.5,
        "file {dur} s vs reported {duration_ms} ms"
    );
    assert!((7.5..10.5).contains(&dur), "duration {dur} s");
    assert!(
        wall.as_secs_f64() >= 9.0,
        "the pause happened ({wall:?} from pause to stop)"
    );
    // Audio and video both continue across the pause (no gap in either): the audio lasts as
    // long as the video.
    let mut dec = vidmsg_media::AudioDecoder::open(&file.to_string_lossy())?;
    let mut samples = 0u64;
    while let Some(c) = dec.next_chunk(Duration::from_secs(20))? {
        samples = c.offset + c.samples.len() as u64;
    }
    let audio_s = samples as f64 / f64::from(vidmsg_media::SAMPLE_RATE);
    assert!(
        (audio_s - dur).abs() <= 0.5,
        "audio {audio_s} s, video {dur} s"
    );
    Ok(())
}

#[tokio::test]
async fn audio_and_video_stay_within_40_ms_of_each_other() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let desk = Desktop::start(640, 360)?;
    let _emitter = avsync::emit(&desk.display, &desk.sink, 640, 360)?;
    let srv = TestServer::spawn().await?;
    let token = srv.token("alice").await?;
    let recordings = work.path().join("recordings");
    let a = args(&[
        "record",
        "--server",
        srv.base_url(),
        "--token",
        &token,
        "--title",
        "Sync",
        "--duration",
        "9",
    ]);
    let a = [
        a,
        args(&[
            "--screen",
            &desk.display,
            "--camera",
            "none",
            "--mic",
            &desk.mic(),
            "--size",
            "640x360",
            "--fps",
            "60",
        ]),
    ]
    .concat();
    let line = tokio::task::spawn_blocking(move || {
        RecorderProcess::spawn(&a, &recordings)?.finish(Duration::from_secs(60))
    })
    .await??;
    let spool = std::path::PathBuf::from(line["spool"].as_str().expect("spool"));
    let flashes = avsync::flash_onsets(&spool)?;
    let beeps = avsync::beep_onsets(&spool)?;
    let mut offsets = avsync::offsets(&flashes, &beeps);
    assert!(offsets.len() >= 5, "flashes {flashes:?}, beeps {beeps:?}");
    offsets.sort_by(f64::total_cmp);
    let median = offsets[offsets.len() / 2];
    eprintln!(
        "A/V offsets (audio − video, ms): {:?}",
        offsets
            .iter()
            .map(|o| (o * 1000.0).round())
            .collect::<Vec<_>>()
    );
    assert!(
        median.abs() <= 0.040,
        "median A/V offset {:.0} ms (offsets {offsets:?})",
        median * 1000.0
    );
    Ok(())
}

#[tokio::test]
async fn system_audio_and_one_monitor_are_recorded_and_devices_are_listed() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let mut desk = Desktop::start(640, 360)?;
    vidmsg_tests::speech::make_clip(
        work.path(),
        "sys",
        &["This sentence plays through the speakers."],
        200,
        200,
    )?;
    let out = Command::new(binary("vidmsg-recorder")?)
        .arg("devices")
        .env("DISPLAY", &desk.display)
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let devices: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let monitors = devices["system_audio"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        monitors.iter().any(|d| d["id"] == desk.mic()),
        "the null sink's monitor is listed: {devices}"
    );
    assert!(
        devices["encoders"]
            .as_array()
            .is_some_and(|e| e.iter().any(|n| n == "x264enc")),
        "{devices}"
    );
    assert!(devices["cameras"].is_array() && devices["microphones"].is_array());
    // The display's monitor (RandR) is listed as a region to record; the recording below uses it.
    let screen = devices["monitors"][0]["screen"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no monitor listed: {devices}"))?;
    assert!(
        screen.starts_with(&format!("{}+", desk.display)) && screen.ends_with("640x360"),
        "{screen}"
    );

    let srv = TestServer::spawn().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "Sound").await?;
    let recordings = work.path().join("recordings");
    let a = args(&[
        "record",
        "--server",
        srv.base_url(),
        "--token",
        &token,
        "--thread",
        &t.id.to_string(),
        "--duration",
        "5",
    ]);
    let a = [
        a,
        args(&[
            "--screen",
            &screen,
            "--camera",
            "none",
            "--mic",
            "none",
            "--system-audio",
            &desk.mic(),
            "--size",
            "640x360",
        ]),
    ]
    .concat();
    let wav = work.path().join("sys.wav");
    let loud = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut rec = RecorderProcess::spawn(&a, &recordings)?;
        rec.wait_event(Duration::from_secs(20), |v| v["event"] == "recording")?;
        desk.speak(&wav)?;
        let loud = rec.wait_event(Duration::from_secs(20), |v| {
            v["mic_db"].as_f64().is_some_and(|db| db > -40.0)
        })?;
        let line = rec.finish(Duration::from_secs(60))?;
        drop(desk);
        Ok((loud, line))
    })
    .await??;
    let file = std::path::PathBuf::from(loud.1["spool"].as_str().expect("spool"));
    let (_, h264, audio) = discover(&file)?;
    assert!(h264 && audio, "system audio made an audio track");
    Ok(())
}
