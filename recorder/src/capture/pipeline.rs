//! Builds and runs the capture pipeline. Everything is built element by element through
//! [`vidmsg_media::element`] (named, no parsed strings, a missing plugin names its package),
//! and failures come back typed ([`CaptureError`], [`MediaError`]).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use vidmsg_media::element::{make, static_pad};
use vidmsg_media::{MediaError, PipelineKind};

use super::elements::{add, add_chain, bgra, caps_filter, link};
use super::meters::{InputStatus, Meters};
use super::pause::{PauseGate, Verdict};
use super::{CaptureError, CaptureSpec, audio, encoder, video};

/// A running capture. Stop it with [`Capture::stop`], which finishes the MP4 cleanly.
pub struct Capture {
    pipeline: gst::Pipeline,
    /// Nanoseconds of encoded video, for the timer and the duration.
    encoded_ns: Arc<AtomicU64>,
    meters: Meters,
    gate: Arc<PauseGate>,
    encoder: String,
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

/// Starts `pipeline`; if it will not, what its bus says why (a busy camera, a missing display).
pub(super) fn start(pipeline: &gst::Pipeline, what: &str) -> Result<(), CaptureError> {
    if pipeline.set_state(gst::State::Playing).is_ok() {
        return Ok(());
    }
    let error = match vidmsg_media::bus::first_error(pipeline, PipelineKind::Capture) {
        Some(e) => CaptureError::Media(e),
        None => CaptureError::Runtime(format!("the {what} would not start")),
    };
    let _ = pipeline.set_state(gst::State::Null);
    Err(error)
}

impl Capture {
    /// Builds the pipeline and starts writing fragmented MP4 to `out`.
    pub fn start(spec: &CaptureSpec, out: &Path) -> Result<Self, CaptureError> {
        vidmsg_media::init()?;
        let pipeline = gst::Pipeline::with_name("capture");
        let (w, h, fps) = (spec.width, spec.height, spec.fps);

        // Muxer → spool file. One fragment per second bounds what a crash can lose. At EOS
        // mp4mux appends an `mfra` index (which gives players the duration) and updates a few
        // duration fields in the header it wrote first; the upload keeps the header as first
        // written, which plays the same (the index carries the duration).
        let mux = make("mp4mux")
            .name("mux")
            .property("fragment-duration", 1000u32)
            .property("streamable", true)
            .build()?;
        // Unbuffered: what the muxer wrote is in the file even if the recorder is killed.
        let location = out.to_string_lossy();
        let sink = make("filesink")
            .name("spool")
            .property("location", location.as_ref())
            .property("sync", false)
            .property_from_str("buffer-mode", "unbuffered")
            .build()?;
        add_chain(&pipeline, &[&mux, &sink])?;

        let composed = video::compose(&pipeline, spec, w, h, fps, spec.bubble)?;

        // Encode: an explicit BGRA stage first (an open format renegotiates and breaks
        // timestamps), then the encoder's own raw format.
        let encoder_name = encoder::pick(&spec.encoder);
        let composed_caps = caps_filter("video-caps", bgra(w, h, fps))?;
        add(&pipeline, &[&composed_caps])?;
        let encoding = encoder::build(&pipeline, &encoder_name, spec.video_kbps, fps)?;
        link(&composed.output, &composed_caps)?;
        link(&composed_caps, &encoding.input)?;
        link(&encoding.output, &mux)?;

        // Before the encoder: the pause gate, then a guard. compositor can emit its first frame
        // twice with one timestamp; x264 then outputs a buffer without PTS and mp4mux fails, so
        // frames whose time does not advance are dropped.
        let gate = Arc::new(PauseGate::default());
        let encoded_ns = Arc::new(AtomicU64::new(0));
        let queue = pipeline
            .by_name(encoder::QUEUE)
            .ok_or_else(|| CaptureError::Build(format!("no {} in the pipeline", encoder::QUEUE)))?;
        {
            let last = AtomicU64::new(u64::MAX);
            let encoded = encoded_ns.clone();
            gate_probe(&static_pad(&queue, "sink")?, gate.clone(), move |pts| {
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
            gate_probe(&static_pad(raw, "sink")?, gate.clone(), |_| true);
            let (aenc, parse) = audio::encoder(&spec.audio_codec)?;
            add_chain(&pipeline, &[&aenc, &parse])?;
            link(raw, &aenc)?;
            link(&parse, &mux)?;
        }

        start(&pipeline, "pipeline")?;
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

    /// Reads the bus without blocking: keeps the latest sound level, returns the first error.
    pub fn error(&self) -> Option<MediaError> {
        self.meters.drain_bus(&self.pipeline)
    }

    /// Sends end-of-stream so the muxer writes its last fragment, waits for it (blocking, at
    /// most `timeout`), and stops the pipeline.
    pub fn stop(self, timeout: Duration) -> Result<Duration, CaptureError> {
        self.pipeline.send_event(gst::event::Eos::new());
        let finished =
            vidmsg_media::bus::wait_for_eos(&self.pipeline, PipelineKind::Capture, timeout);
        let _ = self.pipeline.set_state(gst::State::Null);
        match finished? {
            true => {}
            false => tracing::warn!(
                ?timeout,
                "the muxer did not finish in time; the file may lack its index"
            ),
        }
        Ok(self.encoded())
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Camera, CaptureSpec, Mic, Screen};
    use super::{Capture, CaptureError};
    use vidmsg_media::MediaError;

    #[test]
    fn a_missing_camera_is_named() {
        let dir = std::env::temp_dir().join(format!("vidmsg-capture-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let spec = CaptureSpec {
            screen: Screen::Test,
            camera: Camera::Device("/dev/vidmsg-no-such-camera".into()),
            mic: Mic::None,
            encoder: "x264enc".into(),
            width: 320,
            height: 240,
            ..CaptureSpec::default()
        };
        let started = Capture::start(&spec, &dir.join("out.mp4"));
        let _ = std::fs::remove_dir_all(&dir);
        let Err(e) = started else {
            panic!("a capture from a camera that does not exist started");
        };
        assert!(
            matches!(
                &e,
                CaptureError::Media(MediaError::DeviceUnavailable { device, .. })
                    if device == "the camera /dev/vidmsg-no-such-camera"
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("check that it is connected"), "{e}");
    }
}
