//! Errors of media pipelines.

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("GStreamer could not start: {0}")]
    Init(String),
    #[error("GStreamer plugins missing: {0} (install the gstreamer1.0-plugins-* packages)")]
    MissingPlugins(String),
    #[error("could not build the pipeline: {0}")]
    Build(String),
    /// The input could not be read or decoded (corrupt, truncated, unsupported, unreachable).
    #[error("{0}")]
    Decode(String),
    /// The input could not be fetched (network, store down, 403/404): may work later.
    #[error("could not read the input: {0}")]
    Source(String),
    /// The input has no audio stream.
    #[error("the clip has no audio track")]
    NoAudio,
    #[error("timed out: {0}")]
    Timeout(String),
}
