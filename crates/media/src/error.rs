//! Errors of media pipelines. Typed so a caller can tell a damaged clip from an unreachable one;
//! `Display` is a sentence for a person, while GStreamer's own words (failing element, GLib
//! error, debug string) stay in the fields, for logs only ([`MediaError::detail`]).

/// What GStreamer said when a pipeline failed: for logs, never for users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusError {
    /// Path of the element that posted the error (`/GstPipeline:pipeline0/GstQTDemux:qtdemux0`).
    pub src: String,
    /// The GLib error: domain, code and message.
    pub error: String,
    /// GStreamer's debug string (source file, function, details).
    pub debug: String,
}

impl std::fmt::Display for BusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.src, self.error, self.debug)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("GStreamer could not start: {0}")]
    Init(String),
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
    Damaged(BusError),
    /// The input could not be fetched (network, store down, 403/404): may work later.
    #[error("the video could not be read (the store may be unreachable); try again later")]
    Source(BusError),
    /// The input has no audio stream.
    #[error("the clip has no audio track")]
    NoAudio,
    #[error("timed out: {0}")]
    Timeout(String),
}

impl MediaError {
    /// Everything known about the failure, GStreamer's words included: for logs.
    pub fn detail(&self) -> String {
        match self {
            MediaError::Damaged(b) | MediaError::Source(b) => format!("{self}: {b}"),
            MediaError::NotAVideo { found } => format!("{self}: found {found}"),
            _ => self.to_string(),
        }
    }

    /// A [`MediaError`] from a GStreamer error message on a pipeline's bus.
    pub(crate) fn from_bus(err: &gstreamer::message::Error) -> Self {
        use gstreamer as gst;
        use gstreamer::prelude::*;
        let glib_err = err.error();
        let bus = BusError {
            src: err
                .src()
                .map(|s| s.path_string().to_string())
                .unwrap_or_default(),
            error: format!(
                "{} {}: {}",
                glib_err.domain().as_str(),
                glib_err.code(),
                glib_err.message()
            ),
            debug: err.debug().map(|d| d.to_string()).unwrap_or_default(),
        };
        if glib_err.matches(gst::CoreError::MissingPlugin)
            || glib_err.matches(gst::StreamError::CodecNotFound)
        {
            MediaError::MissingPlugins(bus.to_string())
        } else if glib_err.matches(gst::StreamError::TypeNotFound) {
            MediaError::NotAVideo {
                found: format!("no known type ({bus})"),
            }
        } else if glib_err.kind::<gst::ResourceError>().is_some() {
            MediaError::Source(bus)
        } else {
            MediaError::Damaged(bus)
        }
    }
}
