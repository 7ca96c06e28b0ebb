//! The language of a clip: whisper detects one per piece (a multilingual model given "auto";
//! an English-only model always hears "en"), and the clip's language is the one heard in the
//! most speech — each piece's vote weighs what its kept segments last, so a short aside in
//! another language, or a piece of noise detected as anything, does not decide it.

use std::collections::HashMap;

/// Speech per detected language, summed over a clip's pieces.
#[derive(Debug, Default, Clone)]
pub struct LanguageTally {
    /// Milliseconds of speech per language code, with the order each was first heard in.
    heard: HashMap<&'static str, (i64, usize)>,
}

impl LanguageTally {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts `speech_ms` of speech (a piece's segments) heard as `language` (whisper's code,
    /// ISO 639-1 such as "fr" for nearly every language). Nothing is counted for no speech.
    pub fn add(&mut self, language: &'static str, speech_ms: i64) {
        if speech_ms <= 0 {
            return;
        }
        let order = self.heard.len();
        self.heard.entry(language).or_insert((0, order)).0 += speech_ms;
    }

    /// The language heard in the most speech (a tie goes to the one heard first); `None` when
    /// no speech was counted.
    pub fn language(&self) -> Option<&'static str> {
        self.heard
            .iter()
            .max_by(|(_, (a, ao)), (_, (b, bo))| a.cmp(b).then(bo.cmp(ao)))
            .map(|(l, _)| *l)
    }
}

/// What `segments` of a piece last together, in milliseconds.
pub fn speech_ms(segments: &[vidmsg_api::Segment]) -> i64 {
    segments
        .iter()
        .map(|s| (s.end_ms - s.start_ms).max(0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::LanguageTally;

    #[test]
    fn the_language_of_the_most_speech_wins() {
        let mut t = LanguageTally::new();
        assert_eq!(t.language(), None);
        t.add("en", 4_000);
        t.add("fr", 3_000);
        t.add("fr", 2_000);
        t.add("de", 0);
        assert_eq!(t.language(), Some("fr"));
    }

    #[test]
    fn a_tie_goes_to_the_first_heard_and_silence_counts_for_nothing() {
        let mut t = LanguageTally::new();
        t.add("cy", -5);
        t.add("fr", 1_000);
        t.add("en", 1_000);
        assert_eq!(t.language(), Some("fr"));
    }
}
