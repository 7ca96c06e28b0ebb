//! The one GStreamer toolkit of the product: the recorder, the player and the server's decoder
//! make, link and read their pipelines through it.
//!
//! It owns: one-time init; making elements by name ([`element::make`], a missing one named with
//! its Debian package) and linking them; typed caps ([`caps`]); reading a bus ([`bus`]) into one
//! typed error, [`MediaError`], that keeps the failing element's path, the GLib error and the
//! debug string ([`BusError`]) and tells a person what to do (install a package, free or plug
//! in a named device); decoding any clip's audio to 16 kHz mono `f32` in bounded pieces
//! ([`AudioDecoder`]); a clip's poster JPEG ([`make_poster`]); playback into the latest-frame
//! mailbox ([`Playback`], [`FrameMailbox`]); the list of capture devices and usable H.264
//! encoders ([`devices`]).
//!
//! Pipelines that read clips open only files and http(s) URLs, and demux only MP4 and
//! WebM/Matroska.
//!
//! It must not depend on egui/eframe, on the server (axum, sqlx), or on a network client
//! (reqwest, the API crate): it is GStreamer and nothing above it.

mod audio;
pub mod bus;
pub mod caps;
pub mod devices;
pub mod element;
mod error;
mod frames;
mod front;
mod jpeg;
mod location;
mod lockdown;
mod playback;
mod poster;
mod video_front;

pub use audio::{AudioChunk, AudioDecoder, SAMPLE_RATE};
pub use error::{BusError, MediaError, PipelineKind};
pub use frames::{Frame, FrameMailbox};
pub use front::Containers;
pub use playback::{Playback, PlaybackEvent};
pub use poster::{Poster, PosterError, PosterOptions, make_poster};

/// Initializes GStreamer once per process; later calls are cheap.
pub fn init() -> Result<(), MediaError> {
    gstreamer::init().map_err(MediaError::Init)
}

/// Elements a pipeline needs that this GStreamer install lacks, by factory name.
pub fn missing_elements(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter(|n| gstreamer::ElementFactory::find(n).is_none())
        .map(|n| (*n).to_string())
        .collect()
}
