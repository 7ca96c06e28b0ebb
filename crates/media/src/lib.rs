//! GStreamer helpers shared by the apps and the server: one-time init, typed pipeline errors
//! that name missing plugins, and decoding any clip's audio to 16 kHz mono `f32` in bounded
//! pieces (so memory does not grow with the clip's length), a latest-frame mailbox for showing
//! video in an app, and the list of capture devices and usable H.264 encoders. No egui here.
//! Pipelines read only files and http(s) URLs, and demux only MP4 and WebM/Matroska.

mod audio;
pub mod devices;
mod error;
mod frames;
mod front;
mod location;
mod lockdown;
mod playback;

pub use audio::{AudioChunk, AudioDecoder, SAMPLE_RATE};
pub use error::{BusError, MediaError};
pub use frames::{Frame, FrameMailbox};
pub use front::Containers;
pub use playback::{Playback, PlaybackEvent};

/// Initializes GStreamer once per process; later calls are cheap.
pub fn init() -> Result<(), MediaError> {
    gstreamer::init().map_err(|e| MediaError::Init(e.to_string()))
}

/// Elements a pipeline needs that this GStreamer install lacks, by factory name.
pub fn missing_elements(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|n| gstreamer::ElementFactory::find(n).is_none())
        .map(|n| (*n).to_string())
        .collect()
}
