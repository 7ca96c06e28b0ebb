//! Encodes one raw video frame as a JPEG with a small trusted pipeline: `appsrc` → `jpegenc`
//! → appsink (the frame comes from a decoder, never from a file).

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use crate::element::{self, make};
use crate::error::{MediaError, PipelineKind};

/// Encodes one raw frame as a JPEG: `appsrc` → `jpegenc` → appsink.
pub(crate) fn encode_jpeg(frame: &gst::Sample, quality: u8) -> Result<Vec<u8>, MediaError> {
    let caps = frame
        .caps()
        .ok_or_else(|| MediaError::Build("a frame without caps".into()))?;
    let buffer = frame
        .buffer()
        .ok_or_else(|| MediaError::Build("a frame without data".into()))?;
    let pipeline = gst::Pipeline::with_name("encode-poster");
    let caps = caps.to_owned();
    let src = gst_app::AppSrc::builder()
        .name("frame")
        .caps(&caps)
        .format(gst::Format::Time)
        .build();
    let enc = make("jpegenc")
        .name("jpeg")
        .property("quality", i32::from(quality.min(100)))
        .build()?;
    let sink = gst_app::AppSink::builder()
        .name("jpeg-out")
        .sync(false)
        .build();
    element::add_chain(&pipeline, &[src.upcast_ref(), &enc, sink.upcast_ref()])?;
    let stop = |e: MediaError| {
        let _ = pipeline.set_state(gst::State::Null);
        e
    };
    pipeline
        .set_state(gst::State::Playing)
        .map_err(|e| stop(MediaError::Build(format!("starting the JPEG encoder: {e}"))))?;
    let mut owned = buffer.copy();
    if let Some(b) = owned.get_mut() {
        b.set_pts(gst::ClockTime::ZERO);
        b.set_dts(gst::ClockTime::NONE);
    }
    src.push_buffer(owned)
        .map_err(|e| stop(MediaError::Build(format!("feeding the JPEG encoder: {e}"))))?;
    let _ = src.end_of_stream();
    let sample = sink.try_pull_sample(gst::ClockTime::from_seconds(10));
    let error = crate::bus::first_error(&pipeline, PipelineKind::Decode);
    let _ = pipeline.set_state(gst::State::Null);
    if let Some(e) = error {
        return Err(e);
    }
    let sample =
        sample.ok_or_else(|| MediaError::Timeout("the JPEG encoder gave nothing".into()))?;
    let jpeg = sample
        .buffer()
        .and_then(|b| b.map_readable().ok().map(|m| m.as_slice().to_vec()))
        .ok_or_else(|| MediaError::Build("the JPEG encoder gave an empty buffer".into()))?;
    Ok(jpeg)
}
