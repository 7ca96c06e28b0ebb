//! Local transcription: model install (with a CTranslate2 → ggml converter), the whisper engine,
//! the per-clip pipeline, the job worker, WebVTT, poster images, and the search query syntax.

pub mod chunker;
pub mod clip;
pub mod convert;
pub mod decode_child;
pub mod decode_wire;
pub mod decoder_process;
pub mod mel;
pub mod model;
pub mod poster;
pub mod poster_child;
pub mod poster_process;
pub mod vtt;
pub mod whisper;
pub mod worker;

/// Where the captions of the video at `video_key` live: beside it, in its random folder.
pub fn captions_key(video_key: &str) -> String {
    crate::videos::keys::captions_key(video_key)
}
