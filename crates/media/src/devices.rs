//! Capture devices as the GStreamer device monitor lists them: cameras (V4L2, PipeWire) and
//! audio sources (PulseAudio/PipeWire microphones and the monitors of outputs, i.e. system audio).

use gstreamer as gst;
use gstreamer::prelude::*;

use crate::error::MediaError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Camera,
    Microphone,
    /// The monitor of an output: what the computer plays.
    SystemAudio,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub kind: DeviceKind,
    /// What to show a person.
    pub name: String,
    /// What to hand the source element: a V4L2 path (`/dev/video0`) or a PulseAudio source name.
    pub id: String,
}

/// Lists cameras and audio sources. A machine without any lists none (not an error).
pub fn list() -> Result<Vec<Device>, MediaError> {
    crate::init()?;
    let monitor = gst::DeviceMonitor::new();
    monitor.add_filter(Some("Video/Source"), None);
    monitor.add_filter(Some("Audio/Source"), None);
    if monitor.start().is_err() {
        // No provider could start (no PulseAudio, no /dev): nothing to list.
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for d in monitor.devices() {
        let props = d.properties();
        let get = |k: &str| props.as_ref().and_then(|p| p.get::<String>(k).ok());
        let class = d.device_class();
        let (kind, id) = if class.contains("Video") {
            let Some(path) = get("api.v4l2.path").or_else(|| get("device.path")) else {
                continue;
            };
            (DeviceKind::Camera, path)
        } else {
            let internal = d
                .find_property("internal-name")
                .and_then(|_| d.property::<Option<String>>("internal-name"));
            let id = internal
                .or_else(|| get("node.name"))
                .or_else(|| get("device.name"))
                .unwrap_or_default();
            if id.is_empty() {
                continue;
            }
            let monitor =
                get("device.class").is_some_and(|c| c == "monitor") || id.ends_with(".monitor");
            (
                if monitor {
                    DeviceKind::SystemAudio
                } else {
                    DeviceKind::Microphone
                },
                id,
            )
        };
        out.push(Device {
            kind,
            name: d.display_name().to_string(),
            id,
        });
    }
    monitor.stop();
    Ok(out)
}

/// Video encoders this machine could use for H.264, best first: hardware ones only if they
/// actually open (a VA-API element exists on machines without a GPU, but fails to start).
pub fn h264_encoders() -> Vec<String> {
    if crate::init().is_err() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for name in [
        "nvh264enc",
        "vah264enc",
        "vaapih264enc",
        "qsvh264enc",
        "v4l2h264enc",
    ] {
        let Ok(el) = crate::element::make(name).build() else {
            continue;
        };
        let usable = el.set_state(gst::State::Ready).is_ok();
        let _ = el.set_state(gst::State::Null);
        if usable {
            out.push(name.to_string());
        }
    }
    if gst::ElementFactory::find("x264enc").is_some() {
        out.push("x264enc".to_string());
    }
    out
}
