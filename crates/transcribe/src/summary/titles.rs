//! A suggested title for a message recorded without one: its best key phrase (see
//! [`super::phrases`]), each word weighted by how often it is said in the whole message, with
//! phrases of the first half minute counting up to twice — "here is the weekly update from the
//! product team" says what the message is about.

use vidmsg_api::Segment;

use super::phrases::{best, candidates, segment_pieces, stem_counts};

/// Longest suggested title, in characters (whole words are kept).
pub const MAX_TITLE_CHARS: usize = 60;
/// Phrases said this early count more.
const EARLY_MS: i64 = 30_000;

/// The suggested title of a transcript, or `None` when it has no content word at all.
pub fn suggested_title(segments: &[Segment]) -> Option<String> {
    let ps = segment_pieces(segments);
    let counts = stem_counts(&ps);
    let phrases = candidates(&ps);
    let weight = |s: &str| counts.get(s).copied().unwrap_or(0.0);
    best(&phrases, &weight, 0, EARLY_MS, &[]).map(|p| p.display(MAX_TITLE_CHARS))
}

#[cfg(test)]
mod tests {
    use super::super::tests::timed;
    use super::*;

    #[test]
    fn the_opening_announcement_makes_the_title() {
        let segs = timed(&[
            "Um, okay, so good morning everyone.",
            "Here is the weekly update from the product team.",
            "The product team finished the new sign in page this week.",
            "The mobile app crashed on older phones, so we fixed that bug.",
            "Next week the product team will ship transcript search.",
            "That's the weekly update, thanks everyone.",
        ]);
        assert_eq!(
            suggested_title(&segs).as_deref(),
            Some("Weekly update from the product team")
        );
    }

    #[test]
    fn titles_are_short_capitalized_and_free_of_fillers() {
        let segs = timed(&[
            "So, um, yeah, basically the quarterly budget review for marketing and sales and \
             engineering departments across every regional office of the company.",
            "The quarterly budget review is due Friday.",
        ]);
        let t = suggested_title(&segs).expect("a title");
        assert!(t.chars().count() <= MAX_TITLE_CHARS, "{t}");
        assert!(t.starts_with("Quarterly budget review"), "{t}");
        for filler in ["um", "so", "yeah", "basically"] {
            assert!(
                !t.to_lowercase().split(' ').any(|w| w == filler),
                "{filler} in {t}"
            );
        }
    }

    #[test]
    fn nothing_to_say_gives_no_title() {
        assert_eq!(
            suggested_title(&timed(&["Um, okay, yeah.", "Thanks!"])),
            None
        );
        assert_eq!(suggested_title(&[]), None);
    }

    #[test]
    fn names_keep_their_capitals() {
        let segs = timed(&[
            "We are moving to the Berlin office in March.",
            "Berlin office rent is lower.",
        ]);
        let t = suggested_title(&segs).expect("a title");
        assert!(t.contains("Berlin office"), "{t}");
    }
}
