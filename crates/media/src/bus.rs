//! Reading a pipeline's bus the one way: errors become [`MediaError`]s through
//! [`MediaError::from_bus`] (element path, GLib error and debug string kept), element messages
//! (the `level` meter) go to a callback, and waiting for the end of a stream blocks on
//! `timed_pop_filtered` instead of polling.

use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::error::{MediaError, PipelineKind};

/// Reads every message waiting on `pipeline`'s bus without blocking; element messages go to
/// `on_element`. Returns the first error, if any (the messages after it stay on the bus).
pub fn drain(
    pipeline: &impl IsA<gst::Element>,
    kind: PipelineKind,
    mut on_element: impl FnMut(&gst::StructureRef),
) -> Option<MediaError> {
    let bus = pipeline.bus()?;
    while let Some(msg) = bus.pop() {
        match msg.view() {
            gst::MessageView::Error(e) => return Some(MediaError::from_bus(e, kind)),
            gst::MessageView::Element(el) => {
                if let Some(s) = el.structure() {
                    on_element(s);
                }
            }
            _ => {}
        }
    }
    None
}

/// The first error waiting on `pipeline`'s bus, without blocking.
pub fn first_error(pipeline: &impl IsA<gst::Element>, kind: PipelineKind) -> Option<MediaError> {
    drain(pipeline, kind, |_| {})
}

/// Blocks until `pipeline` reaches the end of its stream (`Ok(true)`), posts an error, or
/// `timeout` passes (`Ok(false)`).
pub fn wait_for_eos(
    pipeline: &impl IsA<gst::Element>,
    kind: PipelineKind,
    timeout: Duration,
) -> Result<bool, MediaError> {
    let bus = pipeline
        .bus()
        .ok_or_else(|| MediaError::Build("the pipeline has no bus".into()))?;
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        let wait =
            gst::ClockTime::from_nseconds(u64::try_from(left.as_nanos()).unwrap_or(u64::MAX));
        let Some(msg) =
            bus.timed_pop_filtered(wait, &[gst::MessageType::Eos, gst::MessageType::Error])
        else {
            return Ok(false);
        };
        match msg.view() {
            gst::MessageView::Eos(_) => return Ok(true),
            gst::MessageView::Error(e) => return Err(MediaError::from_bus(e, kind)),
            _ => {}
        }
    }
}
