//! Transcription in the server: the decoder child that turns a stored clip into samples, the
//! per-clip pipeline over the engine of `vidmsg_transcribe`, the job worker, WebVTT and poster images.

pub mod clip;
pub mod decode_child;
pub mod decode_wire;
pub mod decoder_process;
pub mod poster;
pub mod poster_child;
pub mod poster_process;
pub mod summary;
pub mod vtt;
pub mod worker;

/// Where the captions of the video at `video_key` live: beside it, in its random folder.
pub fn captions_key(video_key: &str) -> String {
    crate::videos::keys::captions_key(video_key)
}
