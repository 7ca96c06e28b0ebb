//! A hand-edited transcript, checked once at the edge: at most [`MAX_SEGMENTS`] segments, each
//! with 1 to [`MAX_TEXT_CHARS`] characters of text (trimmed) and no control characters, times
//! inside the clip, each segment starting before it ends, in order and not overlapping the next.
//!
//! Times the stored transcript already has at a segment's place are accepted as they are: the
//! recognizer may end a segment where it starts, or where the next one begins a moment earlier,
//! and sending its transcript back with only a word changed must never be refused.

use vidmsg_api::EditedSegment;

/// The most segments one transcript may have (a two-hour talk has about 2,500).
pub const MAX_SEGMENTS: usize = 5_000;
/// The most characters one segment's text may have.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// Why an edit was refused; the text tells a person what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditRefusal {
    /// More segments than [`MAX_SEGMENTS`].
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Invalid(String),
}

/// Segments that passed every check, their text trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedTranscript(Vec<EditedSegment>);

impl EditedTranscript {
    /// Checks `segments` against the clip's length (`None`: unknown) and the stored segments'
    /// times (`stored[i]`: start and end of the segment now at place `i`).
    pub fn parse(
        segments: Vec<EditedSegment>,
        clip_ms: Option<i64>,
        stored: &[(i64, i64)],
    ) -> Result<Self, EditRefusal> {
        if segments.len() > MAX_SEGMENTS {
            return Err(EditRefusal::TooLarge(format!(
                "a transcript has at most {MAX_SEGMENTS} segments; this one has {}",
                segments.len()
            )));
        }
        // Times as stored are fine; the clip's end is the later of its length and the stored
        // transcript's end.
        let end = clip_ms.map(|d| d.max(stored.iter().map(|s| s.1).max().unwrap_or(0)));
        let kept = |i: usize, s: &EditedSegment| stored.get(i) == Some(&(s.start_ms, s.end_ms));
        let invalid = |i: usize, what: String| {
            Err(EditRefusal::Invalid(format!("segment {}: {what}", i + 1)))
        };
        let mut out = Vec::with_capacity(segments.len());
        // The previous segment's start and end, and whether they are as stored.
        let mut prev: Option<(i64, i64, bool)> = None;
        for (i, s) in segments.into_iter().enumerate() {
            let text = s.text.trim();
            if text.is_empty() {
                return invalid(i, "text is empty; every segment needs a word or more (remove the segment instead)".into());
            }
            let chars = text.chars().count();
            if chars > MAX_TEXT_CHARS {
                return invalid(
                    i,
                    format!(
                        "text has {chars} characters; at most {MAX_TEXT_CHARS} fit one segment (split it)"
                    ),
                );
            }
            if let Some(c) = text.chars().find(|c| c.is_control()) {
                return invalid(
                    i,
                    format!(
                        "text holds the control character U+{:04X}; use plain text on one line",
                        u32::from(c)
                    ),
                );
            }
            if !kept(i, &s) {
                if s.start_ms < 0 {
                    return invalid(
                        i,
                        format!("start_ms {} is before the clip starts (0)", s.start_ms),
                    );
                }
                if s.start_ms >= s.end_ms {
                    return invalid(
                        i,
                        format!("start_ms {} must be before end_ms {}", s.start_ms, s.end_ms),
                    );
                }
                if let Some(end) = end.filter(|e| s.end_ms > *e) {
                    return invalid(
                        i,
                        format!("end_ms {} is after the clip ends ({end} ms)", s.end_ms),
                    );
                }
            }
            let this_kept = kept(i, &s);
            if let Some((p_start, p_end, p_kept)) = prev
                && !(p_kept && this_kept)
                && (s.start_ms < p_end || s.start_ms < p_start)
            {
                return invalid(
                    i,
                    format!(
                        "starts at {} ms, before segment {i} ends ({p_end} ms); segments go in order and do not overlap",
                        s.start_ms
                    ),
                );
            }
            prev = Some((s.start_ms, s.end_ms, this_kept));
            out.push(EditedSegment {
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                text: text.to_string(),
            });
        }
        Ok(Self(out))
    }

    pub fn segments(&self) -> &[EditedSegment] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(start_ms: i64, end_ms: i64, text: &str) -> EditedSegment {
        EditedSegment {
            start_ms,
            end_ms,
            text: text.into(),
        }
    }

    fn refusal(
        segments: Vec<EditedSegment>,
        clip_ms: Option<i64>,
        stored: &[(i64, i64)],
    ) -> String {
        match EditedTranscript::parse(segments, clip_ms, stored) {
            Err(EditRefusal::Invalid(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_corrected_word_is_trimmed_and_kept() {
        let t = EditedTranscript::parse(
            vec![seg(0, 900, "  hello  "), seg(900, 2000, "world")],
            Some(2000),
            &[],
        )
        .expect("valid");
        assert_eq!(
            t.segments(),
            [seg(0, 900, "hello"), seg(900, 2000, "world")]
        );
    }

    #[test]
    fn hostile_segments_are_refused_with_a_reason() {
        assert!(refusal(vec![seg(0, 10, "  ")], None, &[]).contains("empty"));
        assert!(
            refusal(vec![seg(0, 10, &"x".repeat(1001))], None, &[]).contains("1001 characters")
        );
        assert!(refusal(vec![seg(0, 10, "a\u{7}b")], None, &[]).contains("U+0007"));
        assert!(refusal(vec![seg(0, 10, "a\nb")], None, &[]).contains("U+000A"));
        assert!(refusal(vec![seg(-5, 10, "a")], None, &[]).contains("before the clip"));
        assert!(refusal(vec![seg(10, 10, "a")], None, &[]).contains("before end_ms"));
        assert!(refusal(vec![seg(0, 5000, "a")], Some(4000), &[]).contains("after the clip ends"));
        assert!(
            refusal(vec![seg(0, 1000, "a"), seg(900, 2000, "b")], None, &[]).contains("overlap")
        );
        assert!(
            refusal(vec![seg(1000, 2000, "a"), seg(0, 500, "b")], None, &[]).contains("segment 2")
        );
        let many = vec![seg(0, 1, "a"); MAX_SEGMENTS + 1];
        assert!(matches!(
            EditedTranscript::parse(many, None, &[]),
            Err(EditRefusal::TooLarge(_))
        ));
    }

    #[test]
    fn times_the_recognizer_gave_are_accepted_as_they_are() {
        // A zero-length segment, an end past the measured length, and a slight overlap, all as
        // stored: only the text changed.
        let stored = [(0, 0), (0, 1_200), (1_100, 4_100)];
        let t = EditedTranscript::parse(
            vec![
                seg(0, 0, "uh"),
                seg(0, 1_200, "hello"),
                seg(1_100, 4_100, "word"),
            ],
            Some(4_000),
            &stored,
        );
        assert!(t.is_ok(), "{t:?}");
    }
}
