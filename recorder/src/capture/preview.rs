//! A live preview of what a recording would capture: the same composition (screen + round camera
//! bubble in its corner) at a small size and low rate into a latest-frame mailbox, and the sound
//! through the same level meter, so a silent microphone shows before recording starts.

use gstreamer as gst;
use gstreamer::prelude::*;
use vidmsg_media::FrameMailbox;

use super::elements::{link, make};
use super::pipeline::{InputStatus, Meters, first_error};
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
        let pipeline = gst::Pipeline::new();
        let w = width.max(32) & !1;
        let h = ((u64::from(spec.height) * u64::from(w) / u64::from(spec.width.max(1))) as u32)
            .max(16)
            & !1;
        let bubble =
            ((u64::from(spec.bubble) * u64::from(w) / u64::from(spec.width.max(1))) as u32).max(16);
        let composed = video::compose(&pipeline, spec, w, h, fps, bubble)?;
        let frames = FrameMailbox::default();
        let convert = make("videoconvert")?;
        let sink = frames.appsink(false);
        pipeline
            .add_many([&convert, sink.upcast_ref()])
            .map_err(|e| CaptureError::Build(e.to_string()))?;
        link(&composed.output, &convert)?;
        link(&convert, sink.upcast_ref())?;
        let audio_out = audio::build(&pipeline, &spec.mic, spec.system_audio.as_deref())?;
        if let Some(raw) = &audio_out {
            let fake = gst::ElementFactory::make("fakesink")
                .property("sync", false)
                .build()
                .map_err(|_| CaptureError::MissingPlugins("fakesink".into()))?;
            pipeline
                .add(&fake)
                .map_err(|e| CaptureError::Build(e.to_string()))?;
            link(raw, &fake)?;
        }
        pipeline.set_state(gst::State::Playing).map_err(|_| {
            CaptureError::Runtime(
                first_error(&pipeline).unwrap_or_else(|| "the preview would not start".into()),
            )
        })?;
        Ok(Self {
            pipeline,
            meters: Meters::new(audio_out.is_some(), composed.camera_frames),
            frames,
        })
    }

    pub fn inputs(&self) -> InputStatus {
        self.meters.status()
    }

    /// Reads the bus (keeps the level meter current); the first error, if any.
    pub fn error(&self) -> Option<String> {
        self.meters.drain_bus(&self.pipeline)
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}
