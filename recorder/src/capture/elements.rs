//! Small builders for pipeline elements; a missing factory becomes [`CaptureError::MissingPlugins`].

use gstreamer as gst;
use gstreamer::prelude::*;

use super::CaptureError;

pub fn make(factory: &str) -> Result<gst::Element, CaptureError> {
    make_or(factory, factory)
}

/// Like [`make`], naming `what` (e.g. the package) when the factory is missing.
pub fn make_or(factory: &str, what: &str) -> Result<gst::Element, CaptureError> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|_| CaptureError::MissingPlugins(what.to_string()))
}

pub fn caps_filter(caps: gst::Caps) -> Result<gst::Element, CaptureError> {
    gst::ElementFactory::make("capsfilter")
        .property("caps", caps)
        .build()
        .map_err(|_| CaptureError::MissingPlugins("capsfilter".into()))
}

pub fn bgra(width: u32, height: u32, fps: u32) -> gst::Caps {
    gst::Caps::builder("video/x-raw")
        .field("format", "BGRA")
        .field("width", width as i32)
        .field("height", height as i32)
        .field("framerate", gst::Fraction::new(fps as i32, 1))
        .field("pixel-aspect-ratio", gst::Fraction::new(1, 1))
        .build()
}

pub fn chain(pipeline: &gst::Pipeline, elements: &[gst::Element]) -> Result<(), CaptureError> {
    pipeline
        .add_many(elements)
        .map_err(|e| CaptureError::Build(e.to_string()))?;
    gst::Element::link_many(elements).map_err(|e| CaptureError::Build(e.to_string()))
}

pub fn link(a: &gst::Element, b: &gst::Element) -> Result<(), CaptureError> {
    a.link(b).map_err(|e| CaptureError::Build(e.to_string()))
}
