//! Builds and runs the capture pipeline. Everything is built element by element (no parsed
//! strings), missing plugins are named, and errors come back as [`CaptureError`].

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use super::elements::{bgra, caps_filter, link};
use super::pause::{PauseGate, Verdict};
use super::{CaptureSpec, audio, encoder, video};

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

/// A running capture. Stop it with [`Capture::stop`], which finishes the MP4 cleanly.
pub struct Capture {
    pipeline: gst::Pipeline,
    /// Nanoseconds of encoded video, for the timer and the duration.
    encoded_ns: Arc<AtomicU64>,
    meters: Meters,
    gate: Arc<PauseGate>,
    encoder: String,
}

/// What the inputs are doing, for meters and warnings.
#[derive(Debug, Clone, Copy)]
pub struct InputStatus {
    /// Sound level in dBFS (RMS over 100 ms), once measured.
    pub mic_db: Option<f64>,
    pub camera_frames: Option<u64>,
}

/// Input readings shared by a capture and a preview: the latest sound level (from the bus) and
/// the camera's frame counter (from a probe).
pub(super) struct Meters {
    /// dBFS × 100; i64::MIN before the first measurement.
    centi_db: AtomicI64,
    has_audio: bool,
    camera_frames: Option<Arc<AtomicU64>>,
}

impl Meters {
    pub(super) fn new(has_audio: bool, camera_frames: Option<Arc<AtomicU64>>) -> Self {
        Self {
            centi_db: AtomicI64::new(i64::MIN),
            has_audio,
            camera_frames,
        }
    }

    pub(super) fn status(&self) -> InputStatus {
        let c = self.centi_db.load(Ordering::Relaxed);
        InputStatus {
            mic_db: (self.has_audio && c != i64::MIN).then(|| c as f64 / 100.0),
            camera_frames: self
                .camera_frames
                .as_ref()
                .map(|f| f.load(Ordering::Relaxed)),
        }
    }

    /// Reads the bus: keeps the latest sound level, returns the first error if any.
    pub(super) fn drain_bus(&self, pipeline: &gst::Pipeline) -> Option<String> {
        let bus = pipeline.bus()?;
        while let Some(msg) = bus.pop() {
            match msg.view() {
                gst::MessageView::Error(e) => {
                    let debug = e.debug().map(|d| d.to_string()).unwrap_or_default();
                    return Some(format!(
                        "{} ({})",
                        e.error(),
                        debug.lines().last().unwrap_or_default()
                    ));
                }
                gst::MessageView::Element(el) => {
                    let Some(st) = el.structure().filter(|s| s.name() == "level") else {
                        continue;
                    };
                    if let Ok(rms) = st.get::<gst::glib::ValueArray>("rms") {
                        let loudest = rms
                            .iter()
                            .filter_map(|v| v.get::<f64>().ok())
                            .fold(f64::NEG_INFINITY, f64::max);
                        // Digital silence reads as −700 dB or −inf: report it as −100 dBFS.
                        let centi = if loudest.is_finite() {
                            (loudest.max(-100.0) * 100.0) as i64
                        } else {
                            -10_000
                        };
                        self.centi_db.store(centi, Ordering::Relaxed);
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Drops buffers inside a pause and moves later ones back by the time paused.
fn gate_probe(
    pad: &gst::Pad,
    gate: Arc<PauseGate>,
    after: impl Fn(u64) -> bool + Send + Sync + 'static,
) {
    pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
        let Some(pts) = info.buffer().and_then(|b| b.pts()) else {
            return gst::PadProbeReturn::Drop;
        };
        let new_pts = match gate.judge(pts.nseconds()) {
            Verdict::Drop => return gst::PadProbeReturn::Drop,
            Verdict::Keep(t) => t,
        };
        if new_pts != pts.nseconds()
            && let Some(buffer) = info.buffer_mut()
        {
            let b = buffer.make_mut();
            let shift = pts.nseconds() - new_pts;
            b.set_pts(gst::ClockTime::from_nseconds(new_pts));
            if let Some(dts) = b.dts() {
                b.set_dts(gst::ClockTime::from_nseconds(
                    dts.nseconds().saturating_sub(shift),
                ));
            }
        }
        if after(new_pts) {
            gst::PadProbeReturn::Ok
        } else {
            gst::PadProbeReturn::Drop
        }
    });
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
            .map_err(|_| {
                CaptureError::MissingPlugins("mp4mux (gstreamer1.0-plugins-good)".into())
            })?;
        // Unbuffered: what the muxer wrote is in the file even if the recorder is killed.
        let sink = gst::ElementFactory::make("filesink")
            .property("location", out.to_string_lossy().to_string())
            .property("sync", false)
            .property_from_str("buffer-mode", "unbuffered")
            .build()
            .map_err(|_| CaptureError::MissingPlugins("filesink".into()))?;
        pipeline
            .add_many([&mux, &sink])
            .map_err(|e| CaptureError::Build(e.to_string()))?;
        link(&mux, &sink)?;

        let composed = video::compose(&pipeline, spec, w, h, fps, spec.bubble)?;

        // Encode: an explicit BGRA stage first (an open format renegotiates and breaks
        // timestamps), then the encoder's own raw format.
        let encoder_name = encoder::pick(&spec.encoder);
        let mut venc = vec![caps_filter(bgra(w, h, fps))?];
        venc.extend(encoder::build(&encoder_name, spec.video_kbps, fps)?);
        pipeline
            .add_many(&venc)
            .map_err(|e| CaptureError::Build(e.to_string()))?;
        link(&composed.output, &venc[0])?;
        gst::Element::link_many(&venc).map_err(|e| CaptureError::Build(e.to_string()))?;
        if let Some(last) = venc.last() {
            link(last, &mux)?;
        }

        // Before the encoder: the pause gate, then a guard. compositor can emit its first frame
        // twice with one timestamp; x264 then outputs a buffer without PTS and mp4mux fails, so
        // frames whose time does not advance are dropped.
        let gate = Arc::new(PauseGate::default());
        let encoded_ns = Arc::new(AtomicU64::new(0));
        if let Some(pad) = venc[3].static_pad("sink") {
            let last = AtomicU64::new(u64::MAX);
            let encoded = encoded_ns.clone();
            gate_probe(&pad, gate.clone(), move |pts| {
                let prev = last.swap(pts, Ordering::SeqCst);
                if prev != u64::MAX && pts <= prev {
                    last.store(prev, Ordering::SeqCst);
                    return false;
                }
                encoded.store(pts, Ordering::SeqCst);
                true
            });
        }

        // Audio.
        let audio_out = audio::build(&pipeline, &spec.mic, spec.system_audio.as_deref())?;
        if let Some(raw) = &audio_out {
            if let Some(pad) = raw.static_pad("sink") {
                gate_probe(&pad, gate.clone(), |_| true);
            }
            let (aenc, parse) = audio::encoder(&spec.audio_codec)?;
            pipeline
                .add_many([&aenc, &parse])
                .map_err(|e| CaptureError::Build(e.to_string()))?;
            link(raw, &aenc)?;
            link(&aenc, &parse)?;
            link(&parse, &mux)?;
        }

        pipeline.set_state(gst::State::Playing).map_err(|_| {
            CaptureError::Runtime(
                first_error(&pipeline).unwrap_or_else(|| "the pipeline would not start".into()),
            )
        })?;
        let meters = Meters::new(audio_out.is_some(), composed.camera_frames);
        tracing::info!(encoder = %encoder_name, "capture started");
        Ok(Self {
            pipeline,
            encoded_ns,
            meters,
            gate,
            encoder: encoder_name,
        })
    }

    /// The H.264 encoder in use.
    pub fn encoder(&self) -> &str {
        &self.encoder
    }

    /// Sound level and camera frame count.
    pub fn inputs(&self) -> InputStatus {
        self.meters.status()
    }

    /// Seconds of video encoded so far (pauses excluded).
    pub fn encoded(&self) -> Duration {
        Duration::from_nanos(self.encoded_ns.load(Ordering::SeqCst))
    }

    /// Pauses (`true`) or resumes capture. The pipeline keeps running; what is captured while
    /// paused is dropped before the encoders and the timeline closes over the gap, so the
    /// recording stays continuous and excludes the pause. Never blocks.
    pub fn set_paused(&self, paused: bool) -> Result<(), CaptureError> {
        let now = self
            .pipeline
            .current_running_time()
            .ok_or_else(|| CaptureError::Runtime("the pipeline has no clock yet".into()))?
            .nseconds();
        if paused {
            self.gate.pause(now)
        } else {
            self.gate.resume(now)
        };
        Ok(())
    }

    pub fn is_paused(&self) -> bool {
        self.gate.is_paused()
    }

    /// Reads the bus: keeps the latest sound level, returns the first error if any.
    pub fn error(&self) -> Option<String> {
        self.meters.drain_bus(&self.pipeline)
    }

    /// Sends end-of-stream so the muxer writes its last fragment, waits for it (at most
    /// `timeout`), and stops the pipeline.
    pub fn stop(self, timeout: Duration) -> Result<Duration, CaptureError> {
        self.pipeline.send_event(gst::event::Eos::new());
        let bus = self
            .pipeline
            .bus()
            .ok_or_else(|| CaptureError::Runtime("no bus".into()))?;
        let mut result = Ok(());
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            let Some(msg) = bus.timed_pop(gst::ClockTime::from_mseconds(100)) else {
                continue;
            };
            match msg.view() {
                gst::MessageView::Eos(_) => break,
                gst::MessageView::Error(e) => {
                    result = Err(CaptureError::Runtime(format!(
                        "{} ({:?})",
                        e.error(),
                        e.debug()
                    )));
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

pub(super) fn first_error(pipeline: &gst::Pipeline) -> Option<String> {
    let bus = pipeline.bus()?;
    while let Some(msg) = bus.pop() {
        if let gst::MessageView::Error(e) = msg.view() {
            let debug = e.debug().map(|d| d.to_string()).unwrap_or_default();
            return Some(format!(
                "{} ({})",
                e.error(),
                debug.lines().last().unwrap_or_default()
            ));
        }
    }
    None
}
