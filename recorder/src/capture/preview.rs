//! A live preview of what a recording would capture: the same composition (screen + round camera
//! bubble in its corner) at a small size and low rate into a latest-frame mailbox, and the sound
//! through the same level meter, so a silent microphone shows before recording starts.

use gstreamer as gst;
use gstreamer::prelude::*;
use vidmsg_media::element::make;
use vidmsg_media::{FrameMailbox, MediaError};

use super::elements::{add, add_chain, link};
use super::meters::{InputStatus, Meters};
use super::{CaptureError, CaptureSpec, audio, video};

pub struct Preview {
    pipeline: gst::Pipeline,
    meters: Meters,
    pub frames: FrameMailbox,
}

impl Preview {
    /// Starts a preview `width` pixels wide (height from the recording's aspect) at `fps`.
    pub fn start(spec: &CaptureSpec, width: u32, fps: u32) -> Result<Self, CaptureError> {
        vidmsg_media::init()?;
        let pipeline = gst::Pipeline::with_name("preview");
        let w = width.max(32) & !1;
        let h = ((u64::from(spec.height) * u64::from(w) / u64::from(spec.width.max(1))) as u32)
            .max(16)
            & !1;
        let bubble =
            ((u64::from(spec.bubble) * u64::from(w) / u64::from(spec.width.max(1))) as u32).max(16);
        let composed = video::compose(&pipeline, spec, w, h, fps, bubble)?;
        let frames = FrameMailbox::default();
        let convert = make("videoconvert").name("preview-convert").build()?;
        let sink = frames.appsink(false);
        add_chain(&pipeline, &[&convert, sink.upcast_ref()])?;
        link(&composed.output, &convert)?;
        let audio_out = audio::build(&pipeline, &spec.mic, spec.system_audio.as_deref())?;
        if let Some(raw) = &audio_out {
            let fake = make("fakesink")
                .name("audio-sink")
                .property("sync", false)
                .build()?;
            add(&pipeline, &[&fake])?;
            link(raw, &fake)?;
        }
        super::pipeline::start(&pipeline, "preview")?;
        Ok(Self {
            pipeline,
            meters: Meters::new(audio_out.is_some(), composed.camera_frames),
            frames,
        })
    }

    pub fn inputs(&self) -> InputStatus {
        self.meters.status()
    }

    /// Reads the bus without blocking (keeps the level meter current); the first error, if any.
    pub fn error(&self) -> Option<MediaError> {
        self.meters.drain_bus(&self.pipeline)
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}
