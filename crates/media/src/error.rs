//! Errors of media pipelines. Typed so a caller can tell a damaged clip from an unreachable one,
//! or a busy camera from a missing plugin; `Display` is a sentence for a person that says what
//! to do, while GStreamer's own words (failing element, GLib error, debug string) stay in a
//! [`BusError`] kept as the source, for logs ([`MediaError::detail`], `{:#}` through anyhow).

use gstreamer as gst;
use gstreamer::glib;
use gstreamer::prelude::*;

/// What GStreamer said when a pipeline failed, as its bus carried it: the element, the GLib
/// error (match it: `bus.error.matches(gst::ResourceError::Busy)`) and the debug string.
#[derive(Debug, Clone)]
pub struct BusError {
    /// Path of the element that posted the error (`/GstPipeline:capture/GstV4l2Src:camera`).
    pub src: String,
    /// The GLib error: domain, code and message.
    pub error: glib::Error,
    /// GStreamer's debug string (source file, function, details).
    pub debug: String,
}

impl BusError {
    /// An error that did not come from a bus (a state change refused, a buffer not mapped).
    pub fn new(src: impl Into<String>, error: glib::Error, debug: impl Into<String>) -> Self {
        Self {
            src: src.into(),
            error,
            debug: debug.into(),
        }
    }

    /// The error message of a pipeline's bus.
    pub fn from_message(msg: &gst::message::Error) -> Self {
        Self {
            src: msg
                .src()
                .map(|s| s.path_string().to_string())
                .unwrap_or_default(),
            error: msg.error(),
            debug: msg.debug().map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

impl BusError {
    /// Everything, the debug string included: for logs.
    pub fn detail(&self) -> String {
        format!(
            "{}: {} {}: {} ({})",
            self.src,
            self.error.domain().as_str(),
            self.error.code(),
            self.error.message(),
            self.debug
        )
    }
}

/// GStreamer's message and the element that said it (the debug string is in
/// [`BusError::detail`]).
impl std::fmt::Display for BusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (in {})", self.error.message(), self.src)
    }
}

impl std::error::Error for BusError {}

/// What kind of pipeline posted an error: it decides what a failure means for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineKind {
    /// Reads a clip (decoder, playback): a failure is about the clip or where it lives.
    Decode,
    /// Captures from devices and encodes (recorder, preview).
    Capture,
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("GStreamer could not start: {0}")]
    Init(#[source] glib::Error),
    /// An element the pipeline needs is not installed; `package` is the Debian package with it.
    #[error("GStreamer plugins missing: the element {factory} (install the package {package})")]
    MissingElement {
        factory: String,
        package: &'static str,
    },
    /// A running pipeline found no plugin for what it met (a codec, a format).
    #[error("GStreamer plugins missing: {0} (install the gstreamer1.0-plugins-* packages)")]
    MissingPlugins(String),
    #[error("could not build the pipeline: {0}")]
    Build(String),
    /// A location other than a file path, `file://`, `http://` or `https://`.
    #[error("only files and http(s) URLs can be opened, not {0}: URLs")]
    UnsupportedLocation(String),
    /// The bytes are something else than MP4/ISO-BMFF or WebM/Matroska (`found`: the type
    /// GStreamer recognised, for logs).
    #[error("the file is not a video the product records (MP4 or WebM)")]
    NotAVideo { found: String },
    /// The clip could not be decoded: damaged, truncated, or an unsupported codec inside.
    #[error("the video is damaged or incomplete and could not be decoded")]
    Damaged(#[source] BusError),
    /// The input could not be fetched (network, store down, 403/404): may work later.
    #[error("the video could not be read (the store may be unreachable); try again later")]
    Source(#[source] BusError),
    /// A capture or output device is in use by another program (`device`: which one, for a
    /// person: "the camera /dev/video0").
    #[error("{device} is busy: close the program that is using it, or choose another device")]
    DeviceBusy {
        device: String,
        #[source]
        bus: BusError,
    },
    /// A capture or output device is not there or cannot be opened.
    #[error(
        "{device} is missing or could not be opened: check that it is connected, or choose \
         another device"
    )]
    DeviceUnavailable {
        device: String,
        #[source]
        bus: BusError,
    },
    /// A capture pipeline stopped for another reason (encoder, muxer, disk).
    #[error("capture failed: {}", .0.error.message())]
    Failed(#[source] BusError),
    /// The input has no audio stream.
    #[error("the clip has no audio track")]
    NoAudio,
    #[error("timed out: {0}")]
    Timeout(String),
}

impl MediaError {
    /// Everything known about the failure, GStreamer's words included: for logs.
    pub fn detail(&self) -> String {
        match self.bus() {
            Some(b) => format!("{self}: {}", b.detail()),
            None => match self {
                MediaError::NotAVideo { found } => format!("{self}: found {found}"),
                _ => self.to_string(),
            },
        }
    }

    /// What GStreamer said, when the failure came from a pipeline.
    pub fn bus(&self) -> Option<&BusError> {
        match self {
            MediaError::Damaged(b)
            | MediaError::Source(b)
            | MediaError::Failed(b)
            | MediaError::DeviceBusy { bus: b, .. }
            | MediaError::DeviceUnavailable { bus: b, .. } => Some(b),
            _ => None,
        }
    }

    /// A [`MediaError`] from an error message on a pipeline's bus: a device that is busy or
    /// missing names the device; otherwise what it means depends on the pipeline's `kind`.
    pub fn from_bus(msg: &gst::message::Error, kind: PipelineKind) -> Self {
        let bus = BusError::from_message(msg);
        if let Some(device) = msg.src().and_then(|s| device_of(s, &bus.error)) {
            return if bus.error.matches(gst::ResourceError::Busy) {
                MediaError::DeviceBusy { device, bus }
            } else {
                MediaError::DeviceUnavailable { device, bus }
            };
        }
        if bus.error.matches(gst::CoreError::MissingPlugin)
            || bus.error.matches(gst::StreamError::CodecNotFound)
        {
            return MediaError::MissingPlugins(bus.detail());
        }
        match kind {
            PipelineKind::Capture => MediaError::Failed(bus),
            PipelineKind::Decode if bus.error.matches(gst::StreamError::TypeNotFound) => {
                MediaError::NotAVideo {
                    found: format!("no known type ({bus})"),
                }
            }
            PipelineKind::Decode if bus.error.kind::<gst::ResourceError>().is_some() => {
                MediaError::Source(bus)
            }
            PipelineKind::Decode => MediaError::Damaged(bus),
        }
    }
}

/// "the camera /dev/video0" when `src` is a device (a capture source or an output with a
/// `device` or `display-name` property) and `error` is about opening or using it.
fn device_of(src: &gst::Object, error: &glib::Error) -> Option<String> {
    use gst::ResourceError as R;
    let about_device = [
        R::Busy,
        R::NotFound,
        R::OpenRead,
        R::OpenWrite,
        R::OpenReadWrite,
        R::Read,
        R::Write,
        R::Settings,
        R::Failed,
    ]
    .into_iter()
    .any(|code| error.matches(code));
    if !about_device {
        return None;
    }
    let element = src.downcast_ref::<gst::Element>()?;
    let factory = element.factory()?;
    let klass = factory.klass();
    let string_property = |name: &str| {
        element
            .find_property(name)
            .filter(|p| p.value_type() == String::static_type())
            .map(|_| element.property::<Option<String>>(name))
    };
    if !(klass.contains("Source") || klass.contains("Sink")) {
        return None;
    }
    let (what, id) = if factory.name() == "ximagesrc" {
        let display = string_property("display-name")
            .flatten()
            .or_else(|| std::env::var("DISPLAY").ok());
        ("the display", display)
    } else {
        let id = string_property("device")?;
        // The role the pipeline gave it by name, else what its class says.
        let what = match (
            element.name().as_str(),
            klass.contains("Source"),
            klass.contains("Video"),
        ) {
            ("camera", ..) => "the camera",
            ("microphone", ..) => "the microphone",
            ("system-audio", ..) => "the system audio source",
            (_, true, true) => "the camera",
            (_, true, false) if id.as_deref().is_some_and(is_monitor) => "the system audio source",
            (_, true, false) => "the microphone",
            (_, false, true) => "the video output",
            (_, false, false) => "the audio output",
        };
        (what, id)
    };
    Some(match id.filter(|id| !id.is_empty()) {
        Some(id) => format!("{what} {id}"),
        None => format!("{what} (the default one)"),
    })
}

/// A PulseAudio monitor source: what an output plays.
fn is_monitor(id: &str) -> bool {
    id.ends_with(".monitor") || id == "@DEFAULT_MONITOR@"
}
