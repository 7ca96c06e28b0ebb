//! Cuts a stream of 16 kHz samples into whisper-sized pieces (≤ 29.44 s), splitting at the quietest
//! moment near the end so words are not cut, and holding at most one piece in memory. Also the
//! small energy measures used to skip silence and to refine where speech starts.

/// The longest piece: 1472 frames of 20 ms (29.44 s), just under whisper's 30 s window, so the
/// encoder window (`MAX_AUDIO_CTX`) is a multiple of 32 for every piece. ggml's tiled matrix
/// multiply takes only inner dimensions that are multiples of 8, and attention over the window
/// has the window as one: at 1500 frames both the encoder's and the decoder's attention fell back
/// to one dot product per output.
pub const MAX_CHUNK: usize = MAX_AUDIO_CTX * FRAME;
/// Where to look for a quiet split point: the last 10 s of a full window, longer than a
/// spoken sentence, so a pause between sentences is almost always inside it.
const SPLIT_WINDOW: usize = 10 * 16_000;
/// 20 ms frames for energy measures.
pub const FRAME: usize = 320;
/// Below this RMS (≈ −54 dBFS) a piece is treated as silence and not transcribed.
pub const SILENCE_RMS: f32 = 0.002;

/// The widest encoder window used: whisper's is 1500 frames of 20 ms (30 s, `n_audio_ctx`); see
/// `MAX_CHUNK`.
const MAX_AUDIO_CTX: usize = 1472;
/// Frames past the end of a piece kept in the encoder's window.
const AUDIO_CTX_MARGIN: usize = 64;
/// The smallest window: very short windows make whisper hallucinate.
const MIN_AUDIO_CTX: usize = 256;

/// The encoder window (whisper.cpp's `audio_ctx`) for a piece of `samples` 16 kHz samples: the
/// piece's length in 20 ms frames plus a margin, instead of a full 30 s window every time. The
/// encoder's cost grows with the window, so a 10 s piece costs about a third of a full one.
pub fn audio_ctx(samples: usize) -> i32 {
    // At least one frame per 20 ms of the piece: whisper.cpp asserts the window covers it.
    let frames = samples.div_ceil(FRAME);
    let ctx = (frames + AUDIO_CTX_MARGIN)
        .next_multiple_of(32)
        .clamp(MIN_AUDIO_CTX, MAX_AUDIO_CTX);
    i32::try_from(ctx).unwrap_or(0)
}

pub fn rms(s: &[f32]) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt()
}

/// A piece of audio and the sample index where it starts.
#[derive(Debug)]
pub struct Piece {
    pub start: u64,
    pub samples: Vec<f32>,
}

#[derive(Debug, Default)]
pub struct Chunker {
    buf: Vec<f32>,
    start: u64,
    next: u64,
}

impl Chunker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds decoded samples that begin at sample `offset`. Timestamps jitter by a few samples
    /// (resampling, AAC frames), so within 10 ms the stream is taken as continuous; a real gap is
    /// filled with silence and a real overlap dropped, so times stay true to the clip.
    pub fn push(&mut self, offset: u64, samples: &[f32]) {
        const JITTER: u64 = 160;
        if self.buf.is_empty() && self.next == 0 {
            self.start = offset;
            self.next = offset;
        }
        let mut skip = 0usize;
        if offset > self.next + JITTER {
            let gap = usize::try_from(offset - self.next)
                .unwrap_or(usize::MAX)
                .min(MAX_CHUNK);
            self.buf.extend(std::iter::repeat_n(0.0, gap));
            self.next += gap as u64;
        } else if offset + JITTER < self.next {
            skip = usize::try_from(self.next - offset)
                .unwrap_or(usize::MAX)
                .min(samples.len());
        }
        self.buf.extend_from_slice(&samples[skip..]);
        self.next += (samples.len() - skip) as u64;
    }

    /// A full piece, if one is ready.
    pub fn pop(&mut self) -> Option<Piece> {
        if self.buf.len() < MAX_CHUNK {
            return None;
        }
        let split = quietest_split(&self.buf[..MAX_CHUNK]);
        let rest = self.buf.split_off(split);
        let piece = Piece {
            start: self.start,
            samples: std::mem::replace(&mut self.buf, rest),
        };
        self.start += split as u64;
        Some(piece)
    }

    /// What is left at the end of the stream.
    pub fn finish(&mut self) -> Option<Piece> {
        if self.buf.is_empty() {
            return None;
        }
        let samples = std::mem::take(&mut self.buf);
        let piece = Piece {
            start: self.start,
            samples,
        };
        self.start += piece.samples.len() as u64;
        Some(piece)
    }
}

/// Where to cut a full window: the middle of the longest quiet run of frames in its last
/// SPLIT_WINDOW samples (a pause between sentences), not merely the quietest frame, which can
/// fall in the short gap between two words. "Quiet" is relative to the loudest frame there.
fn quietest_split(s: &[f32]) -> usize {
    let from = s.len().saturating_sub(SPLIT_WINDOW);
    let energies: Vec<(usize, f32)> = (from..s.len().saturating_sub(FRAME - 1))
        .step_by(FRAME)
        .map(|i| (i, rms(&s[i..i + FRAME])))
        .collect();
    let peak = energies.iter().map(|e| e.1).fold(0.0f32, f32::max);
    let quiet = (peak * 0.05).max(SILENCE_RMS / 4.0);
    let (mut best_start, mut best_len) = (0usize, 0usize);
    let mut run_start = None;
    for (k, &(_, e)) in energies.iter().enumerate() {
        match (e <= quiet, run_start) {
            (true, None) => run_start = Some(k),
            (false, Some(r)) => {
                if k - r > best_len {
                    (best_start, best_len) = (r, k - r);
                }
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(r) = run_start
        && energies.len() - r > best_len
    {
        (best_start, best_len) = (r, energies.len() - r);
    }
    if best_len == 0 {
        // No pause at all: the quietest frame.
        return energies
            .iter()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(s.len(), |e| e.0 + FRAME / 2);
    }
    energies[best_start + best_len / 2].0
}

/// The energy where speech starts in a piece, for [`speech_onset`]: a tenth of its loudest
/// frame, and never below silence.
pub fn speech_threshold(samples: &[f32]) -> f32 {
    let peak = samples.chunks(FRAME).map(rms).fold(0.0f32, f32::max);
    (peak * 0.1).max(SILENCE_RMS)
}

/// First sample at or after `from` (and before `to`) where speech energy starts: the first
/// frame at least `threshold` loud (see [`speech_threshold`], measured once per piece). Whisper's
/// segment starts lean early (they begin where the previous speech ended); this moves them onto
/// the voice.
pub fn speech_onset(samples: &[f32], threshold: f32, from: usize, to: usize) -> Option<usize> {
    let mut i = from - from % FRAME;
    while i < to.min(samples.len()) {
        let end = (i + FRAME).min(samples.len());
        if rms(&samples[i..end]) >= threshold {
            return Some(i.max(from));
        }
        i += FRAME;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(n: usize, amp: f32) -> Vec<f32> {
        (0..n).map(|i| amp * (i as f32 * 0.1).sin()).collect()
    }

    #[test]
    fn pieces_cover_the_stream_once_and_split_at_the_pause() {
        let mut c = Chunker::new();
        // 27 s of tone, 0.5 s pause, 10 s of tone, pushed in uneven buffers.
        let mut all = tone(27 * 16_000, 0.5);
        all.extend(std::iter::repeat_n(0.0, 8_000));
        all.extend(tone(10 * 16_000, 0.5));
        let mut pieces = Vec::new();
        let mut off = 0u64;
        for buf in all.chunks(1_234) {
            c.push(off, buf);
            off += buf.len() as u64;
            while let Some(p) = c.pop() {
                pieces.push(p);
            }
        }
        pieces.extend(c.finish());
        assert_eq!(pieces.len(), 2);
        let first_end = pieces[0].start as usize + pieces[0].samples.len();
        assert!(
            (27 * 16_000..27 * 16_000 + 8_000).contains(&first_end),
            "split at {first_end}"
        );
        assert_eq!(pieces[1].start as usize, first_end);
        assert_eq!(
            pieces.iter().map(|p| p.samples.len()).sum::<usize>(),
            all.len()
        );
    }

    #[test]
    fn the_split_prefers_a_long_pause_to_a_short_one() {
        // Tone, a 60 ms gap at 24 s, a 1 s pause at 26 s.
        let mut s = tone(24 * 16_000, 0.5);
        s.extend(std::iter::repeat_n(0.0, 960)); // 60 ms between two words
        s.extend(tone(2 * 16_000 - 960, 0.5));
        s.extend(std::iter::repeat_n(0.0, 16_000)); // 1 s between two sentences
        s.extend(tone(MAX_CHUNK - s.len(), 0.5));
        let cut = super::quietest_split(&s);
        assert!((26 * 16_000..27 * 16_000).contains(&cut), "cut at {cut}");
    }

    #[test]
    fn the_encoder_window_fits_the_piece() {
        // 10 s: 500 frames + margin, rounded up to 32; never below the floor or above the cap.
        assert_eq!(audio_ctx(10 * 16_000), 576);
        assert_eq!(audio_ctx(16_000), MIN_AUDIO_CTX as i32);
        assert_eq!(audio_ctx(MAX_CHUNK), MAX_AUDIO_CTX as i32);
        assert_eq!(audio_ctx(29 * 16_000), MAX_AUDIO_CTX as i32);
        // Every piece fits its window, and every window suits the tiled multiply.
        for samples in (FRAME..=MAX_CHUNK).step_by(997) {
            let ctx = audio_ctx(samples) as usize;
            assert!(
                ctx * FRAME >= samples && ctx.is_multiple_of(8) && ctx <= 1500,
                "{samples}: {ctx}"
            );
        }
        assert!(audio_ctx(20 * 16_000) as usize >= 20 * 16_000 / FRAME + AUDIO_CTX_MARGIN);
    }

    #[test]
    fn gaps_become_silence_and_onsets_are_found() {
        let mut c = Chunker::new();
        c.push(0, &tone(1_000, 0.5));
        c.push(3_000, &tone(1_000, 0.5));
        let p = c.finish().expect("piece");
        assert_eq!(p.samples.len(), 4_000);
        let mut s = vec![0.0; 16_000];
        s.extend(tone(16_000, 0.5));
        let onset = speech_onset(&s, speech_threshold(&s), 0, s.len()).expect("onset");
        assert!((15_680..=16_000).contains(&onset), "onset {onset}");
        assert!(speech_onset(&vec![0.0; 16_000], SILENCE_RMS, 0, 16_000).is_none());
    }
}
