//! One clip, end to end: stream its audio from a URL (or file) through GStreamer, cut it into
//! pieces, skip the silent ones, run whisper on the rest. Memory stays bounded by one piece.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use vidmsg_api::Segment;
use vidmsg_media::{AudioDecoder, MediaError, SAMPLE_RATE};

use super::chunker::{Chunker, Piece, SILENCE_RMS, rms};
use super::whisper::{Engine, WhisperError};
use crate::db::TranscriptResult;

#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Whisper(#[from] WhisperError),
    #[error("cancelled: the job was taken over by another worker")]
    Cancelled,
}

impl ClipError {
    /// Whether trying again could help (the store was unreachable, a plugin crashed…) as
    /// opposed to a clip that will never decode.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClipError::Media(MediaError::Source(_) | MediaError::Timeout(_))
                | ClipError::Whisper(WhisperError::Run(_))
        )
    }
}

/// Decoding progress: milliseconds done, and the clip's length once known.
pub type OnProgress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

fn ms_of(samples: u64) -> i64 {
    i64::try_from(samples * 1000 / u64::from(SAMPLE_RATE)).unwrap_or(i64::MAX)
}

/// Transcribes the clip at `uri`.
pub fn transcribe(
    engine: &Engine,
    uri: &str,
    on_progress: OnProgress<'_>,
    cancel: &AtomicBool,
) -> Result<TranscriptResult, ClipError> {
    let mut decoder = AudioDecoder::open(uri)?;
    let mut state = engine.new_state()?;
    let mut chunker = Chunker::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut decoded: u64 = 0;
    let mut run = |piece: Piece, segments: &mut Vec<Segment>| -> Result<(), ClipError> {
        if cancel.load(Ordering::SeqCst) {
            return Err(ClipError::Cancelled);
        }
        if rms(&piece.samples) < SILENCE_RMS {
            return Ok(()); // silence: nothing to say, nothing to spend CPU on
        }
        segments.extend(engine.transcribe(&mut state, &piece.samples, ms_of(piece.start))?);
        Ok(())
    };
    loop {
        let chunk = match decoder.next_chunk(Duration::from_secs(60)) {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(MediaError::NoAudio) => {
                let duration_ms = decoder
                    .duration()
                    .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
                return Ok(TranscriptResult {
                    segments: Vec::new(),
                    duration_ms,
                    note: Some("the clip has no audio track".into()),
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
    let header_ms = decoder
        .duration()
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let duration_ms = Some(header_ms.unwrap_or(0).max(ms_of(decoded)));
    let note = segments
        .is_empty()
        .then(|| "no speech was heard".to_string());
    Ok(TranscriptResult {
        segments,
        duration_ms,
        note,
    })
}
