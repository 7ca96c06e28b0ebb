//! One clip, end to end: decode its audio from a URL (or file) in a child process (see
//! [`super::decoder_process`]), cut it into pieces, skip the silent ones, run whisper on the
//! rest; the clip's language is the one heard in the most speech. Memory stays bounded by one
//! piece; a clip that crashes or hangs the decoder costs the child, not the worker.

use std::sync::atomic::{AtomicBool, Ordering};

use vidmsg_api::Segment;
use vidmsg_media::SAMPLE_RATE;

use super::decode_wire::FailureKind;
use super::decoder_process::{DecodeError, DecoderProcess, DecoderSettings};
use crate::db::TranscriptResult;
use vidmsg_transcribe::chunker::{Chunker, Piece, SILENCE_RMS, rms};
use vidmsg_transcribe::language::{LanguageTally, speech_ms};
use vidmsg_transcribe::whisper::{Engine, WhisperError};

#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Whisper(#[from] WhisperError),
    #[error("cancelled: the job was taken over by another worker")]
    Cancelled,
}

impl ClipError {
    /// Whether trying again could help (the store was unreachable, the decoder crashed…) as
    /// opposed to a clip that will never decode.
    pub fn is_transient(&self) -> bool {
        match self {
            ClipError::Decode(e) => e.is_transient(),
            ClipError::Whisper(WhisperError::Run(_)) => true,
            ClipError::Whisper(_) | ClipError::Cancelled => false,
        }
    }

    /// The decoder crashed, hung or ran out of time.
    pub fn is_crash_or_hang(&self) -> bool {
        matches!(self, ClipError::Decode(e) if e.is_crash_or_hang())
    }

    /// Everything known about the failure, for logs.
    pub fn detail(&self) -> String {
        match self {
            ClipError::Decode(e) => e.detail(),
            e => e.to_string(),
        }
    }
}

/// Decoding progress: milliseconds done, and the clip's length once known.
pub type OnProgress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

fn ms_of(samples: u64) -> i64 {
    i64::try_from(samples * 1000 / u64::from(SAMPLE_RATE)).unwrap_or(i64::MAX)
}

fn duration_ms(decoder: &DecoderProcess) -> Option<i64> {
    decoder
        .duration()
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Transcribes the clip at `uri`, decoded by a child process run with `decoding`.
pub fn transcribe(
    engine: &Engine,
    uri: &str,
    decoding: &DecoderSettings,
    on_progress: OnProgress<'_>,
    cancel: &AtomicBool,
) -> Result<TranscriptResult, ClipError> {
    let mut decoder = DecoderProcess::spawn(decoding, uri)?;
    let mut state = engine.new_state()?;
    let mut chunker = Chunker::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut languages = LanguageTally::new();
    let mut decoded: u64 = 0;
    let mut run = |piece: Piece, segments: &mut Vec<Segment>| -> Result<(), ClipError> {
        if cancel.load(Ordering::SeqCst) {
            return Err(ClipError::Cancelled);
        }
        if rms(&piece.samples) < SILENCE_RMS {
            return Ok(()); // silence: nothing to say, nothing to spend CPU on
        }
        let heard = engine.transcribe(&mut state, &piece.samples, ms_of(piece.start))?;
        if let Some(language) = heard.language {
            languages.add(language, speech_ms(&heard.segments));
        }
        segments.extend(heard.segments);
        Ok(())
    };
    loop {
        let chunk = match decoder.next_chunk() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(DecodeError::Failed(f)) if f.kind == FailureKind::NoAudio => {
                return Ok(TranscriptResult {
                    segments: Vec::new(),
                    duration_ms: duration_ms(&decoder),
                    note: Some("the clip has no audio track".into()),
                    language: None,
                });
            }
            Err(e) => return Err(e.into()),
        };
        decoded = chunk.offset + chunk.samples.len() as u64;
        chunker.push(chunk.offset, &chunk.samples);
        while let Some(piece) = chunker.pop() {
            run(piece, &mut segments)?;
            let total = decoder
                .duration()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            on_progress(u64::try_from(ms_of(decoded)).unwrap_or(0), total);
        }
    }
    if let Some(piece) = chunker.finish() {
        run(piece, &mut segments)?;
    }
    // A fragmented MP4 cut short (a recovered recording) can claim a shorter length in its
    // header than the audio it holds: trust what was decoded when it is longer.
    let duration_ms = Some(duration_ms(&decoder).unwrap_or(0).max(ms_of(decoded)));
    let note = segments
        .is_empty()
        .then(|| "no speech was heard".to_string());
    Ok(TranscriptResult {
        segments,
        duration_ms,
        note,
        language: languages.language().map(str::to_string),
    })
}
