//! whisper.cpp (through whisper-rs) on 16 kHz mono pieces: the model is loaded once per worker;
//! each clip gets its own decoding state. A multilingual model detects each piece's language
//! (see [`crate::language`] for the clip's); an English-only one hears English.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, Once};

use vidmsg_api::Segment;
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

use crate::chunker::{speech_onset, speech_threshold};
use crate::spare_cores::SpareCores;

#[derive(Debug, thiserror::Error)]
pub enum WhisperError {
    #[error("loading whisper model {path}: {detail}")]
    Load { path: PathBuf, detail: String },
    #[error("whisper failed: {0}")]
    Run(String),
}

/// One transcribed piece: its segments, and the language they were heard in (whisper's code,
/// such as "en" or "fr"; `None` only if whisper named none).
#[derive(Debug, Clone)]
pub struct Transcribed {
    pub segments: Vec<Segment>,
    pub language: Option<&'static str>,
}

/// A loaded model.
pub struct Engine {
    ctx: WhisperContext,
    /// The configured threads, and the ones the current piece runs on (more when cores are
    /// spare: see [`Engine::with_spare_cores`]).
    threads: i32,
    running: AtomicI32,
    spare: Option<Mutex<SpareCores>>,
    english_only: bool,
    path: PathBuf,
}

static LOG_HOOK: Once = Once::new();

impl Engine {
    pub fn load(path: &Path, threads: usize) -> Result<Self, WhisperError> {
        LOG_HOOK.call_once(whisper_rs::install_logging_hooks);
        let load_err = |detail: String| WhisperError::Load {
            path: path.to_path_buf(),
            detail,
        };
        let p = path
            .to_str()
            .ok_or_else(|| load_err("path is not UTF-8".into()))?;
        crate::model::check_ggml(path).map_err(|e| load_err(e.to_string()))?;
        let mut ctx_params = WhisperContextParameters::default();
        // Word times: DTW over the model's alignment heads (see `words`).
        ctx_params.dtw_parameters(crate::words::dtw_parameters(path));
        // Flash attention stays off: on CPU it made transcription slower (README, benchmark),
        // and whisper.cpp turns DTW off with it.
        let ctx =
            WhisperContext::new_with_params(p, ctx_params).map_err(|e| load_err(e.to_string()))?;
        let english_only = !ctx.is_multilingual();
        Ok(Self {
            ctx,
            threads: i32::try_from(threads.max(1)).unwrap_or(1),
            running: AtomicI32::new(i32::try_from(threads.max(1)).unwrap_or(1)),
            spare: None,
            english_only,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn threads(&self) -> i32 {
        self.threads
    }

    /// Lets each piece also use the cores the rest of the machine left idle (see
    /// [`crate::spare_cores`]); the configured threads stay the least it gets.
    #[must_use]
    pub fn with_spare_cores(mut self) -> Self {
        self.spare = Some(Mutex::new(SpareCores::new()));
        self
    }

    /// The threads the current (or last) piece ran on.
    pub fn running_threads(&self) -> i32 {
        self.running.load(Ordering::Relaxed)
    }

    pub fn new_state(&self) -> Result<WhisperState, WhisperError> {
        self.ctx
            .create_state()
            .map_err(|e| WhisperError::Run(e.to_string()))
    }

    /// Transcribes one piece that starts `start_ms` into the clip, and says which language it
    /// heard; segment times are clip times.
    /// Whisper sometimes falls into a loop ("be able to be able to …"); such a piece is decoded
    /// again with beam search, and a loop that survives is cut out rather than stored.
    pub fn transcribe(
        &self,
        state: &mut WhisperState,
        samples: &[f32],
        start_ms: i64,
    ) -> Result<Transcribed, WhisperError> {
        let Some(spare) = &self.spare else {
            return self.transcribe_piece(state, samples, start_ms);
        };
        let base = usize::try_from(self.threads).unwrap_or(1);
        let threads = spare.lock().map_or(base, |mut m| m.threads(base));
        self.running.store(
            i32::try_from(threads).unwrap_or(self.threads),
            Ordering::Relaxed,
        );
        let heard = self.transcribe_piece(state, samples, start_ms);
        if let Ok(mut m) = spare.lock() {
            m.piece_done();
        }
        heard
    }

    fn transcribe_piece(
        &self,
        state: &mut WhisperState,
        samples: &[f32],
        start_ms: i64,
    ) -> Result<Transcribed, WhisperError> {
        let greedy = self.run(
            state,
            samples,
            start_ms,
            SamplingStrategy::Greedy { best_of: 1 },
        )?;
        if !greedy.iter().any(|s| is_repetitive(&s.text)) {
            return Ok(self.transcribed(state, greedy));
        }
        tracing::debug!("repetitive transcript; decoding the piece again with beam search");
        let beam = self.run(
            state,
            samples,
            start_ms,
            SamplingStrategy::BeamSearch {
                beam_size: 5,
                patience: -1.0,
            },
        )?;
        let kept = beam
            .into_iter()
            .filter(|s| !is_repetitive(&s.text))
            .collect();
        Ok(self.transcribed(state, kept))
    }

    /// The segments with the language of the run that made them: "en" for an English-only
    /// model, else the one whisper detected ("auto") for the piece.
    fn transcribed(&self, state: &WhisperState, segments: Vec<Segment>) -> Transcribed {
        let language = if self.english_only {
            Some("en")
        } else {
            whisper_rs::get_lang_str(state.full_lang_id_from_state())
        };
        Transcribed { segments, language }
    }

    fn run(
        &self,
        state: &mut WhisperState,
        samples: &[f32],
        start_ms: i64,
        strategy: SamplingStrategy,
    ) -> Result<Vec<Segment>, WhisperError> {
        let mut params = FullParams::new(strategy);
        params.set_n_threads(self.running_threads());
        params.set_language(Some(if self.english_only { "en" } else { "auto" }));
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        params.set_no_context(true);
        params.set_suppress_blank(true);
        // The encoder's window fitted to the piece (see `chunker::audio_ctx`).
        params.set_audio_ctx(crate::chunker::audio_ctx(samples.len()));
        // Per-token times, merged into word times (see `words`): a search hit seeks to its word.
        params.set_token_timestamps(true);
        state
            .full(params, samples)
            .map_err(|e| WhisperError::Run(e.to_string()))?;
        let mut out = Vec::new();
        let threshold = speech_threshold(samples);
        for seg in state.as_iter() {
            let text = seg
                .to_str_lossy()
                .map_err(|e| WhisperError::Run(e.to_string()))?
                .trim()
                .to_string();
            if text.is_empty() || is_annotation(&text) {
                continue;
            }
            // whisper times are in 10 ms units, relative to the piece.
            let t0 = usize::try_from(seg.start_timestamp().max(0) * 160)
                .unwrap_or(0)
                .min(samples.len());
            let t1 = usize::try_from(seg.end_timestamp().max(0) * 160)
                .unwrap_or(0)
                .clamp(t0, samples.len());
            let onset = speech_onset(samples, threshold, t0, t1).unwrap_or(t0);
            let ms = |s: usize| start_ms + i64::try_from(s / 16).unwrap_or(0);
            let (seg_start, seg_end) = (ms(onset), ms(t1.max(onset)));
            let tokens = crate::words::segment_tokens(&seg, self.ctx.token_eot(), start_ms);
            let words = crate::words::fit(crate::words::merge(&tokens), seg_start, seg_end);
            out.push(Segment {
                start_ms: seg_start,
                end_ms: seg_end,
                text,
                words: (!words.is_empty()).then_some(words),
            });
        }
        Ok(out)
    }
}

/// A segment that repeats itself: among its word trigrams, fewer than half are distinct.
pub fn is_repetitive(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    if words.len() < 9 {
        return false;
    }
    let grams: Vec<&[String]> = words.windows(3).collect();
    let distinct: std::collections::HashSet<&[String]> = grams.iter().copied().collect();
    distinct.len() * 2 < grams.len()
}

/// Whisper's non-speech markers: "[BLANK_AUDIO]", "(music)", "[ Silence ]".
fn is_annotation(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with('[') && t.ends_with(']')) || (t.starts_with('(') && t.ends_with(')'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn loops_are_told_from_speech() {
        assert!(super::is_repetitive(
            "be able to be able to be able to be able to be able to be able"
        ));
        assert!(!super::is_repetitive(
            "Sales asked for a shorter demo video, and I will record one today."
        ));
        assert!(!super::is_repetitive("yes yes yes"));
    }
}
