//! The sound: the microphone, the system audio (an output's monitor), or both mixed, at 48 kHz
//! stereo, through a `level` element (the meter and the silent-mic warning read its messages).

use gstreamer as gst;
use gstreamer::prelude::*;

use super::elements::{caps_filter, chain, link, make, make_or};
use super::{CaptureError, Mic};

fn raw_caps() -> gst::Caps {
    gst::Caps::builder("audio/x-raw")
        .field("rate", 48_000i32)
        .field("channels", 2i32)
        .build()
}

fn pulse_source(
    pipeline: &gst::Pipeline,
    device: Option<&str>,
) -> Result<gst::Element, CaptureError> {
    let src = make_or("pulsesrc", "pulsesrc (gstreamer1.0-pulseaudio)")?;
    if let Some(d) = device {
        src.set_property("device", d);
    }
    let els = [
        src,
        make("audioconvert")?,
        make("audioresample")?,
        caps_filter(raw_caps())?,
    ];
    chain(pipeline, &els)?;
    Ok(els[3].clone())
}

/// The PulseAudio source name for system audio: `default` means the default output's monitor.
pub fn system_audio_source(name: &str) -> String {
    if name == "default" || name.is_empty() {
        "@DEFAULT_MONITOR@".to_string()
    } else {
        name.to_string()
    }
}

/// Adds the audio sources and returns the last element of the branch (raw audio, after the
/// `level` element and a queue), or None when neither mic nor system audio is wanted.
pub fn build(
    pipeline: &gst::Pipeline,
    mic: &Mic,
    system_audio: Option<&str>,
) -> Result<Option<gst::Element>, CaptureError> {
    let mic_out = match mic {
        Mic::None => None,
        Mic::Default => Some(pulse_source(pipeline, None)?),
        Mic::Source(name) => Some(pulse_source(pipeline, Some(name))?),
    };
    let sys_out = match system_audio {
        Some(name) => Some(pulse_source(pipeline, Some(&system_audio_source(name)))?),
        None => None,
    };
    let mixed = match (mic_out, sys_out) {
        (None, None) => return Ok(None),
        (Some(one), None) | (None, Some(one)) => one,
        (Some(a), Some(b)) => {
            let mixer = make_or("audiomixer", "audiomixer (gstreamer1.0-plugins-base)")?;
            pipeline
                .add(&mixer)
                .map_err(|e| CaptureError::Build(e.to_string()))?;
            link(&a, &mixer)?;
            link(&b, &mixer)?;
            mixer
        }
    };
    let level = gst::ElementFactory::make("level")
        .property("interval", 100_000_000u64)
        .property("post-messages", true)
        .build()
        .map_err(|_| CaptureError::MissingPlugins("level (gstreamer1.0-plugins-good)".into()))?;
    let tail = [caps_filter(raw_caps())?, level, make("queue")?];
    chain(pipeline, &tail)?;
    link(&mixed, &tail[0])?;
    Ok(Some(tail[2].clone()))
}

/// The audio encoder and parser for `codec` (`opus` or `aac`).
pub fn encoder(codec: &str) -> Result<(gst::Element, gst::Element), CaptureError> {
    match codec {
        "aac" => Ok((
            gst::ElementFactory::make("avenc_aac")
                .property("bitrate", 128_000i32)
                .build()
                .map_err(|_| {
                    CaptureError::MissingPlugins("avenc_aac (gstreamer1.0-libav)".into())
                })?,
            make_or("aacparse", "aacparse (gstreamer1.0-plugins-good)")?,
        )),
        "opus" => Ok((
            gst::ElementFactory::make("opusenc")
                .property("bitrate", 96_000i32)
                .build()
                .map_err(|_| {
                    CaptureError::MissingPlugins("opusenc (gstreamer1.0-plugins-base)".into())
                })?,
            make_or("opusparse", "opusparse (gstreamer1.0-plugins-bad)")?,
        )),
        other => Err(CaptureError::Build(format!(
            "unknown audio codec {other:?}: use opus or aac"
        ))),
    }
}
