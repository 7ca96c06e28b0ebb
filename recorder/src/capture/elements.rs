//! The capture's element helpers on top of [`vidmsg_media::element`]: caps filters and the
//! fixed BGRA format the picture is composed in.

use gstreamer as gst;
use vidmsg_media::caps::{self, VideoFormat};
use vidmsg_media::element::make;

use super::CaptureError;

pub use vidmsg_media::element::{add, add_chain, link};

/// A `capsfilter` named `name` that lets only `caps` through.
pub fn caps_filter(name: &str, caps: gst::Caps) -> Result<gst::Element, CaptureError> {
    Ok(make("capsfilter")
        .name(name)
        .property("caps", caps)
        .build()?)
}

/// BGRA at `width`×`height`, square pixels, `fps` frames a second: what the picture is
/// composed in.
pub fn bgra(width: u32, height: u32, fps: u32) -> gst::Caps {
    caps::video_sized(VideoFormat::Bgra, width, height, fps)
}
