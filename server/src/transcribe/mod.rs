//! Local transcription: model install (with a CTranslate2 → ggml converter), the whisper engine,
//! the per-clip pipeline, the job worker, WebVTT, and the search query syntax.

pub mod chunker;
pub mod clip;
pub mod convert;
pub mod mel;
pub mod model;
pub mod query;
pub mod vtt;
pub mod whisper;
pub mod worker;

/// Where a message's captions live in the bucket: beside its video.
pub fn captions_key(message: vidmsg_api::Id) -> String {
    format!("messages/{message}/captions.vtt")
}
