//! Builds and runs the capture pipeline. Everything is built element by element (no parsed
//! strings), missing plugins are named, and errors come back as [`CaptureError`].

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use super::{bubble, Camera, CaptureSpec, Corner, Mic, Screen};

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error(transparent)]
    Media(#[from] vidmsg_media::MediaError),
    #[error("GStreamer plugins missing: {0}")]
    MissingPlugins(String),
    #[error("could not build the capture pipeline: {0}")]
    Build(String),
    #[error("capture failed: {0}")]
    Runtime(String),
}

fn make(factory: &str) -> Result<gst::Element, CaptureError> {
    gst::ElementFactory::make(factory).build().map_err(|_| CaptureError::MissingPlugins(factory.to_string()))
}

fn caps_filter(caps: gst::Caps) -> Result<gst::Element, CaptureError> {
    gst::ElementFactory::make("capsfilter")
        .property("caps", caps)
        .build()
        .map_err(|_| CaptureError::MissingPlugins("capsfilter".into()))
}

fn bgra(width: u32, height: u32, fps: u32) -> gst::Caps {
    gst::Caps::builder("video/x-raw")
        .field("format", "BGRA")
        .field("width", width as i32)
        .field("height", height as i32)
        .field("framerate", gst::Fraction::new(fps as i32, 1))
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .build()
}

fn chain(pipeline: &gst::Pipeline, elements: &[gst::Element]) -> Result<(), CaptureError> {
    pipeline.add_many(elements).map_err(|e| CaptureError::Build(e.to_string()))?;
    gst::Element::link_many(elements).map_err(|e| CaptureError::Build(e.to_string()))
}

/// A running capture. Stop it with [`Capture::stop`], which finishes the MP4 cleanly.
pub struct Capture {
    pipeline: gst::Pipeline,
    /// Nanoseconds of encoded video, for the timer and the duration.
    encoded_ns: Arc<AtomicU64>,
    /// Frames the camera delivered (None without a camera).
    camera_frames: Option<Arc<AtomicU64>>,
    /// Latest microphone RMS level in dBFS × 100 (i64::MIN before the first measurement).
    mic_centi_db: std::sync::atomic::AtomicI64,
    has_mic: bool,
}

/// What the inputs are doing, for meters and warnings.
#[derive(Debug, Clone, Copy)]
pub struct InputStatus {
    /// Microphone level in dBFS (RMS over 100 ms), once measured.
    pub mic_db: Option<f64>,
    pub camera_frames: Option<u64>,
}

impl Capture {
    /// Builds the pipeline and starts writing fragmented MP4 to `out`.
    pub fn start(spec: &CaptureSpec, out: &Path) -> Result<Self, CaptureError> {
        vidmsg_media::init()?;
        let pipeline = gst::Pipeline::new();
        let (w, h, fps) = (spec.width, spec.height, spec.fps);

        // Muxer → spool file. One fragment per second bounds what a crash can lose. At EOS
        // mp4mux appends an `mfra` index (which gives players the duration) and updates a few
        // duration fields in the header it wrote first; the upload keeps the header as first
        // written, which plays the same (the index carries the duration).
        let mux = gst::ElementFactory::make("mp4mux")
            .property("fragment-duration", 1000u32)
            .property("streamable", true)
            .build()
            .map_err(|_| CaptureError::MissingPlugins("mp4mux (gstreamer1.0-plugins-good)".into()))?;
        // Unbuffered: what the muxer wrote is in the file even if the recorder is killed.
        let sink = gst::ElementFactory::make("filesink")
            .property("location", out.to_string_lossy().to_string())
            .property("sync", false)
            .property_from_str("buffer-mode", "unbuffered")
            .build()
            .map_err(|_| CaptureError::MissingPlugins("filesink".into()))?;
        pipeline.add_many([&mux, &sink]).map_err(|e| CaptureError::Build(e.to_string()))?;
        mux.link(&sink).map_err(|e| CaptureError::Build(e.to_string()))?;

        // Video: background (screen or camera) + bubble, composited in BGRA.
        let compositor = gst::ElementFactory::make("compositor")
            .property_from_str("background", "black")
            .build()
            .map_err(|_| CaptureError::MissingPlugins("compositor (gstreamer1.0-plugins-base)".into()))?;
        pipeline.add(&compositor).map_err(|e| CaptureError::Build(e.to_string()))?;
        let background = match &spec.screen {
            Screen::X11 { display, region } => {
                let src = gst::ElementFactory::make("ximagesrc")
                    .property("use-damage", false)
                    .property("show-pointer", true)
                    .build()
                    .map_err(|_| CaptureError::MissingPlugins("ximagesrc (gstreamer1.0-plugins-good)".into()))?;
                if let Some(d) = display {
                    src.set_property("display-name", d);
                }
                if let Some(r) = region {
                    src.set_property("startx", r.x);
                    src.set_property("starty", r.y);
                    src.set_property("endx", r.x + r.width - 1);
                    src.set_property("endy", r.y + r.height - 1);
                }
                Some(src)
            }
            Screen::Test => Some(
                gst::ElementFactory::make("videotestsrc")
                    .property("is-live", true)
                    .property_from_str("pattern", "smpte")
                    .build()
                    .map_err(|_| CaptureError::MissingPlugins("videotestsrc".into()))?,
            ),
            Screen::None => None,
        };
        let camera_src = match &spec.camera {
            Camera::Device(dev) => Some(
                gst::ElementFactory::make("v4l2src")
                    .property("device", dev)
                    .build()
                    .map_err(|_| CaptureError::MissingPlugins("v4l2src (gstreamer1.0-plugins-good)".into()))?,
            ),
            Camera::Test => Some(
                gst::ElementFactory::make("videotestsrc")
                    .property("is-live", true)
                    .property_from_str("pattern", "ball")
                    // A blue backdrop, so the round bubble shows on a dark screen.
                    .property("background-color", 0xff3a_6ea5u32)
                    .build()
                    .map_err(|_| CaptureError::MissingPlugins("videotestsrc".into()))?,
            ),
            Camera::None => None,
        };
        let camera_frames = camera_src.as_ref().map(|_| Arc::new(AtomicU64::new(0)));
        let (bg, bubble_src) = match (background, camera_src) {
            (Some(bg), cam) => (bg, cam),
            (None, Some(cam)) => (cam, None),
            (None, None) => {
                gst::ElementFactory::make("videotestsrc")
                    .property("is-live", true)
                    .property_from_str("pattern", "black")
                    .build()
                    .map(|e| (e, None))
                    .map_err(|_| CaptureError::MissingPlugins("videotestsrc".into()))?
            }
        };
        let bg_chain = [bg, make("videoconvert")?, make("videoscale")?, make("videorate")?, caps_filter(bgra(w, h, fps))?, make("queue")?];
        chain(&pipeline, &bg_chain)?;
        link_to_compositor(&bg_chain[5], &compositor, 0, 0, 0)?;
        if let Some(cam) = bubble_src {
            let size = spec.bubble.min(w).min(h).max(32) & !1;
            let masker = make("identity")?;
            let cam_chain = [cam, make("videoconvert")?, make("videoscale")?, make("videorate")?, caps_filter(bgra(size, size, fps))?, masker, make("queue")?];
            chain(&pipeline, &cam_chain)?;
            if let Some(pad) = cam_chain[5].static_pad("src") {
                bubble::install(&pad, size);
                if let Some(counter) = camera_frames.clone() {
                    pad.add_probe(gst::PadProbeType::BUFFER, move |_, _| {
                        counter.fetch_add(1, Ordering::Relaxed);
                        gst::PadProbeReturn::Ok
                    });
                }
            }
            let margin = 24.min(w / 20) as i32;
            let (x, y) = match spec.corner {
                Corner::TopLeft => (margin, margin),
                Corner::TopRight => (w as i32 - size as i32 - margin, margin),
                Corner::BottomLeft => (margin, h as i32 - size as i32 - margin),
                Corner::BottomRight => (w as i32 - size as i32 - margin, h as i32 - size as i32 - margin),
            };
            link_to_compositor(&cam_chain[6], &compositor, 1, x, y)?;
        }

        // Encode. I420 output after an explicit BGRA stage (an open format renegotiates and
        // breaks timestamps); x264 tuned for live.
        let encoder = gst::ElementFactory::make("x264enc")
            .property_from_str("tune", "zerolatency")
            .property_from_str("speed-preset", "veryfast")
            .property("bitrate", spec.video_kbps)
            .property("key-int-max", fps * 2)
            .build()
            .map_err(|_| CaptureError::MissingPlugins("x264enc (gstreamer1.0-plugins-ugly)".into()))?;
        let i420 = gst::Caps::builder("video/x-raw").field("format", "I420").build();
        let venc = [caps_filter(bgra(w, h, fps))?, make("videoconvert")?, caps_filter(i420)?, make("queue")?, encoder, make("h264parse")?];
        pipeline.add_many(&venc).map_err(|e| CaptureError::Build(e.to_string()))?;
        compositor.link(&venc[0]).map_err(|e| CaptureError::Build(e.to_string()))?;
        gst::Element::link_many(&venc).map_err(|e| CaptureError::Build(e.to_string()))?;
        venc[5].link(&mux).map_err(|e| CaptureError::Build(e.to_string()))?;

        // compositor can emit its first frame twice with one timestamp; x264 then outputs a
        // buffer without PTS and mp4mux fails. Drop frames whose time does not advance.
        let encoded_ns = Arc::new(AtomicU64::new(0));
        if let Some(pad) = venc[3].static_pad("sink") {
            let last = Arc::new(AtomicU64::new(u64::MAX));
            let encoded = encoded_ns.clone();
            pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
                let Some(pts) = info.buffer().and_then(|b| b.pts()) else { return gst::PadProbeReturn::Drop };
                let prev = last.swap(pts.nseconds(), Ordering::SeqCst);
                if prev != u64::MAX && pts.nseconds() <= prev {
                    last.store(prev, Ordering::SeqCst);
                    return gst::PadProbeReturn::Drop;
                }
                encoded.store(pts.nseconds(), Ordering::SeqCst);
                gst::PadProbeReturn::Ok
            });
        }

        // Audio.
        if spec.mic != Mic::None {
            let src = gst::ElementFactory::make("pulsesrc")
                .build()
                .map_err(|_| CaptureError::MissingPlugins("pulsesrc (gstreamer1.0-pulseaudio)".into()))?;
            if let Mic::Source(name) = &spec.mic {
                src.set_property("device", name);
            }
            let raw = gst::Caps::builder("audio/x-raw").field("rate", 48_000i32).field("channels", 2i32).build();
            let aenc = gst::ElementFactory::make("avenc_aac")
                .property("bitrate", 128_000i32)
                .build()
                .map_err(|_| CaptureError::MissingPlugins("avenc_aac (gstreamer1.0-libav)".into()))?;
            let level = gst::ElementFactory::make("level")
                .property("interval", 100_000_000u64)
                .property("post-messages", true)
                .build()
                .map_err(|_| CaptureError::MissingPlugins("level (gstreamer1.0-plugins-good)".into()))?;
            let achain = [src, make("audioconvert")?, make("audioresample")?, caps_filter(raw)?, level, make("queue")?, aenc, make("aacparse")?];
            chain(&pipeline, &achain)?;
            achain[7].link(&mux).map_err(|e| CaptureError::Build(e.to_string()))?;
        }

        pipeline
            .set_state(gst::State::Playing)
            .map_err(|_| CaptureError::Runtime(first_error(&pipeline).unwrap_or_else(|| "the pipeline would not start".into())))?;
        let has_mic = spec.mic != Mic::None;
        Ok(Self { pipeline, encoded_ns, camera_frames, mic_centi_db: std::sync::atomic::AtomicI64::new(i64::MIN), has_mic })
    }

    /// Microphone level and camera frame count.
    pub fn inputs(&self) -> InputStatus {
        let c = self.mic_centi_db.load(Ordering::Relaxed);
        InputStatus {
            mic_db: (self.has_mic && c != i64::MIN).then(|| c as f64 / 100.0),
            camera_frames: self.camera_frames.as_ref().map(|f| f.load(Ordering::Relaxed)),
        }
    }

    /// Seconds of video encoded so far.
    pub fn encoded(&self) -> Duration {
        Duration::from_nanos(self.encoded_ns.load(Ordering::SeqCst))
    }

    /// Pauses (`true`) or resumes capture. A live pipeline's running time stands still while it
    /// is paused, so the recording's timeline stays continuous and excludes the pause.
    pub fn set_paused(&self, paused: bool) -> Result<(), CaptureError> {
        let state = if paused { gst::State::Paused } else { gst::State::Playing };
        self.pipeline
            .set_state(state)
            .map(|_| ())
            .map_err(|_| CaptureError::Runtime(first_error(&self.pipeline).unwrap_or_else(|| format!("could not switch to {state:?}"))))
    }

    /// Reads the bus: keeps the latest microphone level, returns the first error if any.
    pub fn error(&self) -> Option<String> {
        let bus = self.pipeline.bus()?;
        while let Some(msg) = bus.pop() {
            match msg.view() {
                gst::MessageView::Error(e) => {
                    let debug = e.debug().map(|d| d.to_string()).unwrap_or_default();
                    return Some(format!("{} ({})", e.error(), debug.lines().last().unwrap_or_default()));
                }
                gst::MessageView::Element(el) => {
                    let Some(st) = el.structure().filter(|s| s.name() == "level") else { continue };
                    if let Ok(rms) = st.get::<gst::glib::ValueArray>("rms") {
                        let loudest = rms.iter().filter_map(|v| v.get::<f64>().ok()).fold(f64::NEG_INFINITY, f64::max);
                        // Digital silence reads as −700 dB or −inf: report it as −100 dBFS.
                        let centi = if loudest.is_finite() { (loudest.max(-100.0) * 100.0) as i64 } else { -10_000 };
                        self.mic_centi_db.store(centi, Ordering::Relaxed);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Sends end-of-stream so the muxer writes its last fragment, waits for it (at most
    /// `timeout`), and stops the pipeline.
    pub fn stop(self, timeout: Duration) -> Result<Duration, CaptureError> {
        self.pipeline.send_event(gst::event::Eos::new());
        let bus = self.pipeline.bus().ok_or_else(|| CaptureError::Runtime("no bus".into()))?;
        let mut result = Ok(());
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            let Some(msg) = bus.timed_pop(gst::ClockTime::from_mseconds(100)) else { continue };
            match msg.view() {
                gst::MessageView::Eos(_) => break,
                gst::MessageView::Error(e) => {
                    result = Err(CaptureError::Runtime(format!("{} ({:?})", e.error(), e.debug())));
                    break;
                }
                _ => {}
            }
        }
        let _ = self.pipeline.set_state(gst::State::Null);
        result.map(|()| self.encoded())
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

fn link_to_compositor(from: &gst::Element, compositor: &gst::Element, zorder: u32, x: i32, y: i32) -> Result<(), CaptureError> {
    let pad = compositor
        .request_pad_simple("sink_%u")
        .ok_or_else(|| CaptureError::Build("compositor gave no sink pad".into()))?;
    pad.set_property("zorder", zorder);
    pad.set_property("xpos", x);
    pad.set_property("ypos", y);
    let src = from.static_pad("src").ok_or_else(|| CaptureError::Build("no src pad".into()))?;
    src.link(&pad).map(|_| ()).map_err(|e| CaptureError::Build(format!("linking to compositor: {e:?}")))
}

fn first_error(pipeline: &gst::Pipeline) -> Option<String> {
    let bus = pipeline.bus()?;
    while let Some(msg) = bus.pop() {
        if let gst::MessageView::Error(e) = msg.view() {
            let debug = e.debug().map(|d| d.to_string()).unwrap_or_default();
            return Some(format!("{} ({})", e.error(), debug.lines().last().unwrap_or_default()));
        }
    }
    None
}
