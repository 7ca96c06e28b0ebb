//! Posters of real clips made here by GStreamer: a clip whose first second is black gets a
//! poster of its picture, not of the black; an all-black clip gets its first frame; a clip
//! without video and a file that is no video get errors, not posters.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use vidmsg_media::{PosterError, PosterOptions, make_poster};

/// A scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vidmsg-poster-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Self(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a `gst-launch` style pipeline to its end.
fn launch(description: &str) {
    vidmsg_media::init().expect("gstreamer");
    let pipeline = gst::parse::launch(description).expect("pipeline parses");
    pipeline.set_state(gst::State::Playing).expect("plays");
    let bus = pipeline.bus().expect("bus");
    let msg = bus
        .timed_pop_filtered(
            gst::ClockTime::from_seconds(60),
            &[gst::MessageType::Eos, gst::MessageType::Error],
        )
        .expect("the pipeline ends");
    let _ = pipeline.set_state(gst::State::Null);
    if let gst::MessageView::Error(e) = msg.view() {
        panic!("{description}: {} {:?}", e.error(), e.debug());
    }
}

/// An H.264 MP4 (with a tone) whose first `black_frames` frames are black, then
/// `picture_frames` frames of `pattern`, at 30 fps.
fn mp4_black_then(out: &Path, black_frames: u32, pattern: &str, picture_frames: u32) {
    let raw = "video/x-raw,format=I420,width=1280,height=720,framerate=30/1";
    launch(&format!(
        "concat name=c ! videoconvert ! x264enc speed-preset=ultrafast key-int-max=30 ! h264parse \
         ! mp4mux name=mux ! filesink location={out} \
         videotestsrc pattern=black num-buffers={black_frames} ! {raw} ! c. \
         videotestsrc pattern={pattern} num-buffers={picture_frames} ! {raw} ! c. \
         audiotestsrc num-buffers=100 ! audioconvert ! avenc_aac ! aacparse ! mux.",
        out = out.display()
    ));
}

/// What a JPEG decodes to: (width, height, mean luma).
fn decode_jpeg(jpeg: &[u8]) -> (u32, u32, u64) {
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "no JPEG start marker");
    assert!(jpeg.ends_with(&[0xFF, 0xD9]), "no JPEG end marker");
    let pipeline = gst::Pipeline::new();
    let src = gst_app::AppSrc::builder()
        .caps(&gst::Caps::new_empty_simple("image/jpeg"))
        .build();
    let dec = gst::ElementFactory::make("jpegdec")
        .build()
        .expect("jpegdec");
    let convert = gst::ElementFactory::make("videoconvert")
        .build()
        .expect("videoconvert");
    let sink = gst_app::AppSink::builder()
        .caps(
            &"video/x-raw,format=GRAY8"
                .parse::<gst::Caps>()
                .expect("caps"),
        )
        .sync(false)
        .build();
    pipeline
        .add_many([src.upcast_ref(), &dec, &convert, sink.upcast_ref()])
        .expect("add");
    gst::Element::link_many([src.upcast_ref(), &dec, &convert, sink.upcast_ref()]).expect("link");
    pipeline.set_state(gst::State::Playing).expect("plays");
    src.push_buffer(gst::Buffer::from_slice(jpeg.to_vec()))
        .expect("push");
    src.end_of_stream().expect("eos");
    let sample = sink
        .try_pull_sample(gst::ClockTime::from_seconds(10))
        .expect("the JPEG decodes");
    let _ = pipeline.set_state(gst::State::Null);
    let s = sample.caps().and_then(|c| c.structure(0)).expect("caps");
    let (w, h) = (
        s.get::<i32>("width").expect("width") as usize,
        s.get::<i32>("height").expect("height") as usize,
    );
    let map = sample
        .buffer()
        .expect("buffer")
        .map_readable()
        .expect("map");
    let stride = map.len() / h;
    let sum: u64 = map
        .chunks(stride)
        .take(h)
        .map(|row| row[..w].iter().map(|&y| u64::from(y)).sum::<u64>())
        .sum();
    (w as u32, h as u32, sum / (w * h) as u64)
}

#[test]
fn the_poster_skips_a_black_first_second() {
    let dir = Scratch::new("black-first");
    let clip = dir.path("black-then-bars.mp4");
    mp4_black_then(&clip, 30, "smpte", 60);
    let poster = make_poster(
        clip.to_str().expect("utf-8 path"),
        &PosterOptions::default(),
    )
    .expect("a poster");
    assert!(!poster.all_black);
    assert!(
        poster.at >= Duration::from_millis(900) && poster.at <= Duration::from_millis(1600),
        "poster taken at {:?}",
        poster.at
    );
    assert_eq!(
        (poster.width, poster.height),
        (640, 360),
        "scaled to 640 wide"
    );
    let (w, h, luma) = decode_jpeg(&poster.jpeg);
    assert_eq!((w, h), (640, 360));
    assert!(luma > 60, "the poster is not black: mean luma {luma}");
}

#[test]
fn an_all_black_clip_gets_its_first_frame_and_small_clips_keep_their_size() {
    let dir = Scratch::new("all-black");
    let clip = dir.path("black.webm");
    launch(&format!(
        "videotestsrc pattern=black num-buffers=45 ! video/x-raw,format=I420,width=320,height=240,framerate=15/1 \
         ! vp8enc deadline=1 ! webmmux ! filesink location={}",
        clip.display()
    ));
    let poster = make_poster(
        clip.to_str().expect("utf-8 path"),
        &PosterOptions::default(),
    )
    .expect("a poster");
    assert!(poster.all_black);
    assert_eq!(poster.at, Duration::ZERO);
    let (w, h, luma) = decode_jpeg(&poster.jpeg);
    assert_eq!((w, h), (320, 240), "never scaled up");
    assert!(luma < 28, "black stays black: {luma}");
}

#[test]
fn clips_without_video_and_other_files_get_no_poster() {
    let dir = Scratch::new("no-video");
    let audio_only = dir.path("tone.mp4");
    launch(&format!(
        "audiotestsrc num-buffers=50 ! audioconvert ! avenc_aac ! aacparse ! mp4mux ! filesink location={}",
        audio_only.display()
    ));
    let got = make_poster(
        audio_only.to_str().expect("utf-8"),
        &PosterOptions::default(),
    );
    assert!(matches!(got, Err(PosterError::NoVideo)), "{got:?}");

    let playlist = dir.path("list.mp4");
    std::fs::write(
        &playlist,
        "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/x.ts\n",
    )
    .expect("write");
    let got = make_poster(playlist.to_str().expect("utf-8"), &PosterOptions::default());
    assert!(
        matches!(
            got,
            Err(PosterError::Media(
                vidmsg_media::MediaError::NotAVideo { .. }
            ))
        ),
        "{got:?}"
    );

    let clip = dir.path("good.mp4");
    mp4_black_then(&clip, 1, "smpte", 30);
    let mut bytes = std::fs::read(&clip).expect("read");
    bytes.truncate(bytes.len() / 3);
    let cut = dir.path("cut.mp4");
    std::fs::write(&cut, bytes).expect("write");
    let got = make_poster(cut.to_str().expect("utf-8"), &PosterOptions::default());
    assert!(got.is_err(), "a clip cut short has no poster: {got:?}");
}
