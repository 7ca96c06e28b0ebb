//! The H.264 encoder: x264 tuned for live by default; with `auto`, a hardware encoder when the
//! probe finds one that opens on this machine.

use gstreamer as gst;
use gstreamer::prelude::*;

use super::CaptureError;
use super::elements::{caps_filter, make};

/// The encoder to use for `choice` (`auto`, `x264enc`, or an element name).
pub fn pick(choice: &str) -> String {
    match choice {
        "" | "auto" => vidmsg_media::devices::h264_encoders()
            .into_iter()
            .next()
            .unwrap_or_else(|| "x264enc".into()),
        name => name.to_string(),
    }
}

/// The elements from raw video to H.264 (parsed), for encoder `name`.
pub fn build(name: &str, kbps: u32, fps: u32) -> Result<Vec<gst::Element>, CaptureError> {
    let encoder = gst::ElementFactory::make(name).build().map_err(|_| {
        CaptureError::MissingPlugins(format!(
            "{name} (no such encoder; x264enc is in gstreamer1.0-plugins-ugly)"
        ))
    })?;
    if name == "x264enc" {
        encoder.set_property_from_str("tune", "zerolatency");
        encoder.set_property_from_str("speed-preset", "veryfast");
        encoder.set_property("bitrate", kbps);
        encoder.set_property("key-int-max", fps * 2);
    } else {
        // Hardware encoders name their rate property "bitrate" in kbit/s.
        if let Some(p) = encoder.find_property("bitrate") {
            if p.value_type() == u32::static_type() {
                encoder.set_property("bitrate", kbps);
            } else if p.value_type() == i32::static_type() {
                encoder.set_property("bitrate", kbps as i32);
            }
        }
        if encoder
            .find_property("gop-size")
            .is_some_and(|p| p.value_type() == i32::static_type())
        {
            encoder.set_property("gop-size", (fps * 2) as i32);
        }
    }
    let raw = if name == "x264enc" { "I420" } else { "NV12" };
    let caps = gst::Caps::builder("video/x-raw")
        .field("format", raw)
        .build();
    // Baseline-compatible, byte-stream H.264 with access units, as mp4mux wants.
    Ok(vec![
        make("videoconvert")?,
        caps_filter(caps)?,
        make("queue")?,
        encoder,
        make("h264parse")?,
    ])
}
