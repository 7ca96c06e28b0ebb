//! Why a capture or preview could not start or stopped. GStreamer's failures arrive as
//! [`vidmsg_media::MediaError`] (a missing element names its package, a busy or missing device
//! names the device, and the failing element, GLib error and debug string are kept as the
//! source); what is left is the recorder's own.

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error(transparent)]
    Media(#[from] vidmsg_media::MediaError),
    /// The spec asks for something no pipeline can be built for (an unknown codec).
    #[error("could not build the capture pipeline: {0}")]
    Build(String),
    /// The pipeline could not be driven (no clock yet, would not start and said nothing).
    #[error("capture failed: {0}")]
    Runtime(String),
}
