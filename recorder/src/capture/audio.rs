//! The sound: the microphone, the system audio (an output's monitor), or both mixed, at 48 kHz
//! stereo, through a `level` element (the meter and the silent-mic warning read its messages).

use gstreamer as gst;
use vidmsg_media::caps;
use vidmsg_media::element::make;

use super::elements::{add, add_chain, caps_filter, link};
use super::{CaptureError, Mic};

fn raw_caps() -> gst::Caps {
    caps::audio(48_000, 2)
}

/// A PulseAudio source named `role` (`microphone`, `system-audio`: a failure names the device
/// by it) up to 48 kHz stereo; returns the branch's last element.
fn pulse_source(
    pipeline: &gst::Pipeline,
    role: &str,
    device: Option<&str>,
) -> Result<gst::Element, CaptureError> {
    let src = make("pulsesrc")
        .name(role)
        .property_if_some("device", device)
        .build()?;
    let convert = make("audioconvert")
        .name(&format!("{role}-convert"))
        .build()?;
    let resample = make("audioresample")
        .name(&format!("{role}-resample"))
        .build()?;
    let format = caps_filter(&format!("{role}-caps"), raw_caps())?;
    add_chain(pipeline, &[&src, &convert, &resample, &format])?;
    Ok(format)
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
        Mic::Default => Some(pulse_source(pipeline, "microphone", None)?),
        Mic::Source(name) => Some(pulse_source(pipeline, "microphone", Some(name))?),
    };
    let sys_out = match system_audio {
        Some(name) => Some(pulse_source(
            pipeline,
            "system-audio",
            Some(&system_audio_source(name)),
        )?),
        None => None,
    };
    let mixed = match (mic_out, sys_out) {
        (None, None) => return Ok(None),
        (Some(one), None) | (None, Some(one)) => one,
        (Some(a), Some(b)) => {
            let mixer = make("audiomixer").name("audio-mixer").build()?;
            add(pipeline, &[&mixer])?;
            link(&a, &mixer)?;
            link(&b, &mixer)?;
            mixer
        }
    };
    let format = caps_filter("audio-caps", raw_caps())?;
    let level = make("level")
        .name("audio-level")
        .property("interval", 100_000_000u64)
        .property("post-messages", true)
        .build()?;
    let queue = make("queue").name("audio-queue").build()?;
    add_chain(pipeline, &[&format, &level, &queue])?;
    link(&mixed, &format)?;
    Ok(Some(queue))
}

/// The audio encoder and parser for `codec` (`opus` or `aac`), not yet in a pipeline.
pub fn encoder(codec: &str) -> Result<(gst::Element, gst::Element), CaptureError> {
    match codec {
        "aac" => Ok((
            make("avenc_aac")
                .name("audio-encoder")
                .property("bitrate", 128_000i32)
                .build()?,
            make("aacparse").name("audio-parse").build()?,
        )),
        "opus" => Ok((
            make("opusenc")
                .name("audio-encoder")
                .property("bitrate", 96_000i32)
                .build()?,
            make("opusparse").name("audio-parse").build()?,
        )),
        other => Err(CaptureError::Build(format!(
            "unknown audio codec {other:?}: use opus or aac"
        ))),
    }
}
