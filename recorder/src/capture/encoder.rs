//! The H.264 encoder: x264 tuned for live by default; with `auto`, a hardware encoder when the
//! probe finds one that opens on this machine.

use gstreamer as gst;
use gstreamer::prelude::*;
use vidmsg_media::caps::{self, VideoFormat};
use vidmsg_media::element::make;

use super::CaptureError;
use super::elements::{add_chain, caps_filter};

/// Name of the queue in front of the encoder: the pause gate and the timestamp guard sit on
/// its sink pad.
pub const QUEUE: &str = "video-encoder-queue";

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

/// The encoding branch, added to its pipeline and linked: raw video in at `input`, parsed
/// H.264 (byte-stream, access units, as mp4mux wants) out at `output`.
pub struct Encoding {
    pub input: gst::Element,
    pub output: gst::Element,
}

/// Adds the elements from raw video to parsed H.264 for encoder `name` to `pipeline`.
pub fn build(
    pipeline: &gst::Pipeline,
    name: &str,
    kbps: u32,
    fps: u32,
) -> Result<Encoding, CaptureError> {
    let encoder = make(name).name("video-encoder").build()?;
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
    let raw = if name == "x264enc" {
        VideoFormat::I420
    } else {
        VideoFormat::Nv12
    };
    let convert = make("videoconvert").name("video-encoder-convert").build()?;
    let format = caps_filter("video-encoder-caps", caps::video(raw))?;
    let queue = make("queue").name(QUEUE).build()?;
    let parse = make("h264parse").name("video-parse").build()?;
    add_chain(pipeline, &[&convert, &format, &queue, &encoder, &parse])?;
    Ok(Encoding {
        input: convert,
        output: parse,
    })
}
