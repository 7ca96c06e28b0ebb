//! Word times from whisper.cpp: each text token of a segment has a start and an end (`t0`,
//! `t1`, in 10 ms units of the piece, from the timestamp-token heuristic) and, where the model's
//! alignment heads are known, a DTW time (`t_dtw`: where the cross-attention of those heads
//! moves on to the token, as in OpenAI's word timestamps), which starts the token when present.
//! The BPE tokens are merged into words (a token that begins with a space begins a word;
//! punctuation sticks to the word before it), and each word takes the times of its first and
//! last tokens that hold letters or digits.

use std::path::Path;

use vidmsg_api::Word;
use whisper_rs::{DtwMode, DtwModelPreset, DtwParameters, WhisperSegment, WhisperTokenId};

/// DTW alignment for the model in `path`, chosen from its ggml header (the alignment-head presets
/// are per model size and language set); none for a model that matches no preset, whose word
/// times then come from `t0`/`t1` alone.
pub fn dtw_parameters(path: &Path) -> DtwParameters<'static> {
    let mode = match preset(path) {
        Some(model_preset) => DtwMode::ModelPreset { model_preset },
        None => DtwMode::None,
    };
    DtwParameters {
        mode,
        ..DtwParameters::default()
    }
}

fn preset(path: &Path) -> Option<DtwModelPreset> {
    use std::io::Read;
    // magic, then n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx,
    // n_text_state, n_text_head, n_text_layer, n_mels (little-endian i32).
    let mut header = [0u8; 44];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    let field = |i: usize| {
        let b = &header[4 + 4 * i..8 + 4 * i];
        i32::from_le_bytes([b[0], b[1], b[2], b[3]])
    };
    let (n_vocab, audio_state, text_layers, mels) = (field(0), field(2), field(8), field(9));
    let english = n_vocab == 51864;
    use DtwModelPreset as P;
    Some(match (audio_state, text_layers, english) {
        (384, 4, true) => P::TinyEn,
        (384, 4, false) => P::Tiny,
        (512, 6, true) => P::BaseEn,
        (512, 6, false) => P::Base,
        (768, 12, true) => P::SmallEn,
        (768, 12, false) => P::Small,
        (1024, 24, true) => P::MediumEn,
        (1024, 24, false) => P::Medium,
        (1280, 4, false) => P::LargeV3Turbo,
        (1280, 32, false) if mels == 128 => P::LargeV3,
        (1280, 32, false) => P::LargeV2,
        _ => return None,
    })
}

/// One text token of a segment, its times in clip milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenTime {
    /// Raw bytes: a token can end inside a multi-byte character, so text is decoded per word.
    pub bytes: Vec<u8>,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// The text tokens of `seg` (special and timestamp tokens, whose ids start at end-of-text, are
/// left out), with times offset by `offset_ms`, the piece's start in the clip. A token starts at
/// its DTW time when there is one.
pub fn segment_tokens(
    seg: &WhisperSegment<'_>,
    eot: WhisperTokenId,
    offset_ms: i64,
) -> Vec<TokenTime> {
    (0..seg.n_tokens())
        .filter_map(|i| seg.get_token(i))
        .filter(|t| t.token_id() < eot)
        .filter_map(|t| {
            let data = t.token_data();
            let bytes = t.to_bytes().ok()?.to_vec();
            let start = if data.t_dtw >= 0 {
                data.t_dtw
            } else {
                data.t0.max(0)
            };
            Some(TokenTime {
                bytes,
                start_ms: offset_ms + start * 10,
                end_ms: offset_ms + data.t1.max(start) * 10,
            })
        })
        .collect()
}

fn has_word_chars(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Merges tokens into words.
pub fn merge(tokens: &[TokenTime]) -> Vec<Word> {
    struct Open {
        bytes: Vec<u8>,
        times: Option<(i64, i64)>,
    }
    let mut words: Vec<Word> = Vec::new();
    let mut open: Option<Open> = None;
    let close = |o: Open, words: &mut Vec<Word>| {
        let text = String::from_utf8_lossy(&o.bytes).trim().to_string();
        match (o.times, words.last_mut()) {
            (Some((start_ms, end_ms)), _) if has_word_chars(&text) => words.push(Word {
                start_ms,
                end_ms,
                text,
            }),
            // Punctuation on its own (" -", " ..."): it belongs to the word before.
            (_, Some(prev)) if !text.is_empty() => {
                prev.text.push(' ');
                prev.text.push_str(&text);
            }
            _ => {}
        }
    };
    for t in tokens {
        if t.bytes.first() == Some(&b' ')
            && let Some(o) = open.take()
        {
            close(o, &mut words);
        }
        let o = open.get_or_insert_with(|| Open {
            bytes: Vec::new(),
            times: None,
        });
        o.bytes.extend_from_slice(&t.bytes);
        // Bytes of a character cut in two count as letters (the lossy text would not).
        if t.bytes
            .iter()
            .any(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
        {
            o.times = Some(match o.times {
                None => (t.start_ms, t.end_ms),
                Some((s, e)) => (s, e.max(t.end_ms)),
            });
        }
    }
    if let Some(o) = open {
        close(o, &mut words);
    }
    words
}

/// Places the words in their segment (`start_ms`..`end_ms`, `start_ms` being where speech is
/// heard, measured on the audio):
/// - DTW times run late by a near-constant amount (the attention moves on to a word a few
///   hundred milliseconds after it begins), so when the first word starts after the segment,
///   every word moves back by that much: the first word starts where speech does, and the
///   others keep their distance from it;
/// - starts stay in order and inside the segment (whisper's first token can start in the
///   silence before it);
/// - a word ends where the next begins, the last where the segment ends (DTW gives starts only).
pub fn fit(mut words: Vec<Word>, start_ms: i64, end_ms: i64) -> Vec<Word> {
    let lead = words.first().map_or(0, |w| (w.start_ms - start_ms).max(0));
    let end_ms = end_ms.max(start_ms);
    let mut floor = start_ms;
    for w in &mut words {
        w.start_ms = (w.start_ms - lead).clamp(floor, end_ms);
        floor = w.start_ms;
    }
    let starts: Vec<i64> = words.iter().skip(1).map(|w| w.start_ms).collect();
    for (w, next) in words.iter_mut().zip(starts.into_iter().chain([end_ms])) {
        w.end_ms = next;
    }
    words
}

#[cfg(test)]
mod tests {
    use super::{TokenTime, fit, merge};

    fn tok(text: &str, start_ms: i64, end_ms: i64) -> TokenTime {
        TokenTime {
            bytes: text.as_bytes().to_vec(),
            start_ms,
            end_ms,
        }
    }

    fn texts(words: &[vidmsg_api::Word]) -> Vec<(&str, i64, i64)> {
        words
            .iter()
            .map(|w| (w.text.as_str(), w.start_ms, w.end_ms))
            .collect()
    }

    #[test]
    fn tokens_become_words() {
        let tokens = [
            tok(" Good", 0, 300),
            tok(" morning", 300, 700),
            tok(" every", 700, 900),
            tok("one", 900, 1200),
            tok(",", 1200, 1250),
            tok(" don", 1500, 1600),
            tok("'t", 1600, 1700),
            tok(" -", 1700, 1710),
            tok(" ship", 1800, 2000),
            tok(".", 2000, 2010),
        ];
        assert_eq!(
            texts(&merge(&tokens)),
            [
                ("Good", 0, 300),
                ("morning", 300, 700),
                ("everyone,", 700, 1200),
                ("don't -", 1500, 1700),
                ("ship.", 1800, 2000),
            ]
        );
    }

    #[test]
    fn a_character_split_across_tokens_is_whole_again() {
        let e = "é".as_bytes();
        let tokens = [
            TokenTime {
                bytes: [b" caf".as_slice(), &e[..1]].concat(),
                start_ms: 0,
                end_ms: 100,
            },
            TokenTime {
                bytes: e[1..].to_vec(),
                start_ms: 100,
                end_ms: 200,
            },
        ];
        assert_eq!(texts(&merge(&tokens)), [("café", 0, 200)]);
    }

    #[test]
    fn leading_punctuation_and_empty_input() {
        assert!(merge(&[]).is_empty());
        assert!(merge(&[tok(" ...", 0, 10)]).is_empty());
        assert_eq!(
            texts(&merge(&[tok("Yes", 0, 100), tok("!", 100, 110)])),
            [("Yes!", 0, 100)]
        );
    }

    #[test]
    fn times_stay_inside_the_segment_and_in_order() {
        // The first word before the segment: clamped, nothing moves.
        let words = merge(&[tok(" a", 0, 900), tok(" b", 800, 950), tok(" c", 400, 2000)]);
        assert_eq!(
            texts(&fit(words, 500, 1500)),
            [("a", 500, 800), ("b", 800, 800), ("c", 800, 1500)]
        );
        // Late times: all move back until the first word starts with the segment.
        let words = merge(&[
            tok(" a", 800, 900),
            tok(" b", 1100, 1200),
            tok(" c", 1900, 2000),
        ]);
        assert_eq!(
            texts(&fit(words, 500, 1500)),
            [("a", 500, 800), ("b", 800, 1500), ("c", 1500, 1500)]
        );
    }
}
