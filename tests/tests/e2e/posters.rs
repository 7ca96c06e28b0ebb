//! Poster images: every uploaded video gets a JPEG of its first picture that is not black,
//! made by the real worker (in its poster child) and stored beside the video; the message's
//! `thumbnail_url` serves it as `image/jpeg`; deleting the message removes it. A clip with no
//! picture to take ends without a poster, and its transcript does not suffer for it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use vidmsg_api::{Message, MessageStatus};
use vidmsg_tests::TestServer;
use vidmsg_tests::upload::upload_all;

use crate::threads_and_messages::video;

fn is_done(m: &Message) -> bool {
    matches!(m.status, MessageStatus::Ready | MessageStatus::Failed)
}

fn gst_launch(pipeline: &str) -> anyhow::Result<()> {
    let status = Command::new("gst-launch-1.0")
        .arg("-q")
        .args(pipeline.split_whitespace())
        .status()?;
    anyhow::ensure!(status.success(), "gst-launch-1.0 failed: {pipeline}");
    Ok(())
}

/// An H.264 + AAC MP4, 1280×720: one black second, then two seconds of colour bars.
fn black_then_bars(out: &Path) -> anyhow::Result<()> {
    let raw = "video/x-raw,format=I420,width=1280,height=720,framerate=30/1";
    gst_launch(&format!(
        "concat name=c ! videoconvert ! x264enc speed-preset=ultrafast key-int-max=30 ! h264parse \
         ! mp4mux name=mux ! filesink location={out} \
         videotestsrc pattern=black num-buffers=30 ! {raw} ! c. \
         videotestsrc pattern=smpte num-buffers=60 ! {raw} ! c. \
         audiotestsrc num-buffers=130 samplesperbuffer=1024 ! audio/x-raw,rate=44100 ! audioconvert \
         ! avenc_aac ! aacparse ! mux.",
        out = out.display()
    ))
}

/// An MP4 with a tone and no video track.
fn audio_only(out: &Path) -> anyhow::Result<()> {
    gst_launch(&format!(
        "audiotestsrc num-buffers=130 samplesperbuffer=1024 ! audio/x-raw,rate=44100 ! audioconvert \
         ! avenc_aac ! aacparse ! mp4mux ! filesink location={}",
        out.display()
    ))
}

/// What a JPEG decodes to with GStreamer's `jpegdec`: (width, height, mean luma).
fn decode_jpeg(jpeg: &[u8]) -> anyhow::Result<(usize, usize, u64)> {
    vidmsg_media::init()?;
    let pipeline = gst::Pipeline::new();
    let src = gst_app::AppSrc::builder()
        .caps(&gst::Caps::new_empty_simple("image/jpeg"))
        .build();
    let dec = gst::ElementFactory::make("jpegdec").build()?;
    let convert = gst::ElementFactory::make("videoconvert").build()?;
    let sink = gst_app::AppSink::builder()
        .caps(&"video/x-raw,format=GRAY8".parse::<gst::Caps>()?)
        .sync(false)
        .build();
    let chain = [src.upcast_ref(), &dec, &convert, sink.upcast_ref()];
    pipeline.add_many(chain)?;
    gst::Element::link_many(chain)?;
    pipeline.set_state(gst::State::Playing)?;
    src.push_buffer(gst::Buffer::from_slice(jpeg.to_vec()))?;
    src.end_of_stream()?;
    let sample = sink.try_pull_sample(gst::ClockTime::from_seconds(10));
    let _ = pipeline.set_state(gst::State::Null);
    let sample = sample.ok_or_else(|| anyhow::anyhow!("the JPEG does not decode"))?;
    let s = sample
        .caps()
        .and_then(|c| c.structure(0))
        .ok_or_else(|| anyhow::anyhow!("no caps"))?;
    let (w, h) = (
        usize::try_from(s.get::<i32>("width")?)?,
        usize::try_from(s.get::<i32>("height")?)?,
    );
    let buffer = sample
        .buffer()
        .ok_or_else(|| anyhow::anyhow!("no buffer"))?;
    let map = buffer.map_readable()?;
    anyhow::ensure!(w > 0 && h > 0 && map.len() >= w * h, "a frame of {w}×{h}");
    let stride = map.len() / h;
    let sum: u64 = map
        .chunks(stride)
        .take(h)
        .map(|row| row[..w].iter().map(|&y| u64::from(y)).sum::<u64>())
        .sum();
    Ok((w, h, sum / (w * h) as u64))
}

/// The files in the message's random folders of the embedded store.
fn stored_files(srv: &TestServer, message: i64) -> Vec<PathBuf> {
    let folder = srv
        .data_dir
        .path()
        .join(format!("objects/vidmsg/messages/{message}"));
    let Ok(dirs) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    dirs.flatten()
        .filter_map(|d| std::fs::read_dir(d.path()).ok())
        .flat_map(|files| files.flatten().map(|f| f.path()))
        .collect()
}

#[tokio::test]
async fn a_video_gets_a_poster_of_its_first_picture_and_loses_it_when_deleted() -> anyhow::Result<()>
{
    let dir = tempfile::tempdir()?;
    let clip = dir.path().join("black-then-bars.mp4");
    black_then_bars(&clip)?;
    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&vidmsg_api::CreateThread {
            title: "Posters".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let msg = alice.create_message(t.id, &video("Bars")).await?;
    assert!(msg.thumbnail_url.is_none(), "no poster before the upload");
    upload_all(&alice, msg.id, &std::fs::read(&clip)?).await?;

    let done = TestServer::wait_for(&bob, msg.id, Duration::from_secs(180), is_done).await?;
    assert_eq!(
        done.status,
        MessageStatus::Ready,
        "{:?}",
        done.status_reason
    );
    let url = done
        .thumbnail_url
        .clone()
        .ok_or_else(|| anyhow::anyhow!("a ready video has a thumbnail_url"))?;
    let resp = reqwest::get(&url).await?;
    assert_eq!(resp.status(), 200);
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "image/jpeg");
    let jpeg = resp.bytes().await?;
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "JPEG start marker");
    let (w, h, luma) = decode_jpeg(&jpeg)?;
    assert_eq!((w, h), (640, 360), "at most 640 wide, aspect kept");
    assert!(
        luma > 60,
        "the poster is the bars, not the black second: luma {luma}"
    );

    // Stored beside the video, in its random folder.
    let files = stored_files(&srv, msg.id);
    let poster = files
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == "poster.jpg"))
        .ok_or_else(|| anyhow::anyhow!("no poster.jpg among {files:?}"))?
        .clone();
    assert!(
        poster.with_file_name("video").exists(),
        "the poster sits beside the video"
    );

    alice.delete_message(msg.id).await?;
    assert!(!poster.exists(), "deleting the message removes its poster");
    let gone = reqwest::get(&url).await?;
    assert!(
        !gone.status().is_success(),
        "the old thumbnail URL serves nothing: {}",
        gone.status()
    );
    Ok(())
}

#[tokio::test]
async fn a_clip_without_a_picture_gets_no_poster_and_its_transcript_goes_on() -> anyhow::Result<()>
{
    let dir = tempfile::tempdir()?;
    let tone = dir.path().join("tone.mp4");
    audio_only(&tone)?;
    let bars = dir.path().join("bars.mp4");
    black_then_bars(&bars)?;
    let bars = std::fs::read(&bars)?;
    let truncated = bars[..bars.len() / 2].to_vec();

    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let t = TestServer::thread(&alice, "No pictures").await?;
    let mut ids = Vec::new();
    for (title, bytes) in [("tone", std::fs::read(&tone)?), ("truncated", truncated)] {
        let m = alice.create_message(t.id, &video(title)).await?;
        upload_all(&alice, m.id, &bytes).await?;
        ids.push(m.id);
    }
    let tone = TestServer::wait_for(&alice, ids[0], Duration::from_secs(180), is_done).await?;
    assert_eq!(
        tone.status,
        MessageStatus::Ready,
        "a clip without video is still transcribed: {:?}",
        tone.status_reason
    );
    assert!(tone.thumbnail_url.is_none());
    assert!(tone.captions_url.is_some());
    let cut = TestServer::wait_for(&alice, ids[1], Duration::from_secs(180), is_done).await?;
    assert_eq!(cut.status, MessageStatus::Failed);
    assert!(cut.thumbnail_url.is_none());
    let reason = cut.status_reason.clone().unwrap_or_default();
    assert!(
        !reason.to_lowercase().contains("poster"),
        "the failure is the clip's, not the poster's: {reason}"
    );
    for id in ids {
        let files = stored_files(&srv, id);
        assert!(
            !files.iter().any(|p| p.ends_with("poster.jpg")),
            "no poster stored for message {id}: {files:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_poster_child_refuses_playlists_and_fetches_nothing() -> anyhow::Result<()> {
    use vidmsg_server::transcribe::decode_wire::FailureKind;
    use vidmsg_server::transcribe::decoder_process::{DecodeError, DecoderSettings};
    use vidmsg_server::transcribe::poster_process::make_poster;
    use vidmsg_tests::loopback::{Tripwire, serve_bytes};

    let trip = Tripwire::start()?;
    let playlist = format!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{}\n#EXT-X-ENDLIST\n",
        trip.url("segment.ts")
    );
    let served = serve_bytes(playlist.into_bytes(), "application/vnd.apple.mpegurl")?;
    let settings = DecoderSettings {
        program: vidmsg_tests::server::server_binary()?,
        idle_timeout: Duration::from_secs(20),
        total_timeout: Duration::from_secs(60),
        memory_mb: 2048,
        accept_wav: false,
    };
    let location = format!("http://{served}/bucket/messages/1/video?X-Amz-Signature=secret");
    let (s, loc) = (settings.clone(), location.clone());
    let got = tokio::task::spawn_blocking(move || make_poster(&s, &loc)).await?;
    match got {
        Err(DecodeError::Failed(f)) => {
            assert_eq!(f.kind, FailureKind::Decode, "{f:?}");
            assert!(f.message.contains("not a video"), "{f:?}");
        }
        other => panic!("the poster child refuses a playlist: {other:?}"),
    }
    assert_eq!(trip.hits(), 0, "nothing the playlist lists was fetched");

    // The same child makes a real poster from a real clip over HTTP.
    let dir = tempfile::tempdir()?;
    let clip = dir.path().join("bars.mp4");
    black_then_bars(&clip)?;
    let served = serve_bytes(std::fs::read(&clip)?, "video/mp4")?;
    let location = format!("http://{served}/bucket/messages/2/video");
    let jpeg = tokio::task::spawn_blocking(move || make_poster(&settings, &location)).await??;
    let (w, _, luma) = decode_jpeg(&jpeg)?;
    assert!(w <= 640 && luma > 60, "{w} wide, luma {luma}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_player_shows_a_videos_poster_in_its_thread() -> anyhow::Result<()> {
    use vidmsg_player::app::Action;

    let dir = tempfile::tempdir()?;
    let clip = dir.path().join("black-then-bars.mp4");
    black_then_bars(&clip)?;
    let srv = TestServer::spawn_transcribing().await?;
    let (token, alice) = srv.account("alice").await?;
    let t = TestServer::thread(&alice, "Posters in the app").await?;
    let msg = alice.create_message(t.id, &video("Bars")).await?;
    upload_all(&alice, msg.id, &std::fs::read(&clip)?).await?;
    let done = TestServer::wait_for(&alice, msg.id, Duration::from_secs(180), |m| {
        m.thumbnail_url.is_some() || is_done(m)
    })
    .await?;
    anyhow::ensure!(done.thumbnail_url.is_some(), "no poster: {done:?}");

    let (base, thread, message) = (srv.base_url().to_string(), t.id, msg.id);
    // The app owns a runtime of its own: it lives (and is dropped) off the test's runtime.
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut h = crate::kit::signed_in_player(dir.path(), &base, &token)?;
        h.state_mut().apply(Action::SelectThread(thread));
        crate::kit::step_until(&mut h, Duration::from_secs(15), "the poster", |h| {
            h.state().posters.textures.contains_key(&message)
        });
        let size = h.state().posters.textures[&message].size();
        assert_eq!(size, [640, 360], "the worker's poster, decoded");
        Ok(())
    })
    .await??;
    Ok(())
}
