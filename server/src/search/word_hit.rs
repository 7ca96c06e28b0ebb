//! Where a search hit points: the first matched word of its segment. The backends mark matched
//! words in the hit's snippet (`<mark>…</mark>` around the segment's own text); the words before
//! the first mark, split as both full-text indexes split text (runs of letters and digits), say
//! which word of the segment matched, and the segment's word times (see
//! [`crate::db::word_times`]) say when it was said.

use vidmsg_api::{Id, SearchHit, Word};

use crate::db::{Db, DbResult};

/// Points each hit at its first matched word, where its segment's word times are known (one
/// query for the page); the others keep their segment's start.
pub async fn point_at_words(db: &Db, hits: &mut [SearchHit]) -> DbResult<()> {
    let ids: Vec<Id> = hits.iter().map(|h| h.segment_id).collect();
    let words = db.segment_words(&ids).await?;
    for hit in hits {
        if let Some(ms) = words
            .get(&hit.segment_id)
            .and_then(|w| first_match_ms(&hit.snippet, w))
        {
            hit.start_ms = ms;
        }
    }
    Ok(())
}

/// Runs of letters and digits, lowercased: SQLite's unicode61 tokens, and the words the
/// PostgreSQL index is built from (its punctuation becomes spaces first).
fn tokens(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
}

const MARK: &str = "<mark>";

/// When the first marked word of `snippet` was said, from the segment's `words`; `None` when the
/// snippet has no mark or the words do not hold it (the caller keeps the segment's start).
///
/// The match is found by position (the n-th token of the text is in the word that holds the
/// n-th token of the words) and checked by text; when they disagree (words from a text that
/// differs a little), the word nearest that position that holds the marked token wins.
pub fn first_match_ms(snippet: &str, words: &[Word]) -> Option<i64> {
    let at = snippet.find(MARK)?;
    let position = tokens(&snippet[..at]).count();
    let marked = tokens(&snippet[at + MARK.len()..]).next()?;
    let word_tokens: Vec<(usize, String)> = words
        .iter()
        .enumerate()
        .flat_map(|(i, w)| tokens(&w.text).map(move |t| (i, t)))
        .collect();
    if let Some((i, t)) = word_tokens.get(position)
        && *t == marked
    {
        return Some(words[*i].start_ms);
    }
    word_tokens
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| *t == marked)
        .min_by_key(|(n, _)| n.abs_diff(position))
        .map(|(_, (i, _))| words[*i].start_ms)
}

#[cfg(test)]
mod tests {
    use vidmsg_api::Word;

    use super::first_match_ms;

    fn words(spec: &[(&str, i64)]) -> Vec<Word> {
        spec.iter()
            .map(|(text, start_ms)| Word {
                start_ms: *start_ms,
                end_ms: start_ms + 100,
                text: (*text).to_string(),
            })
            .collect()
    }

    #[test]
    fn the_first_marked_word_gives_the_time() {
        let w = words(&[
            ("We", 1000),
            ("don't", 1200),
            ("ship", 1500),
            ("3.5", 1800),
            ("x-rays,", 2100),
            ("today.", 2600),
        ]);
        let at = |snippet: &str| first_match_ms(snippet, &w);
        assert_eq!(
            at("We don't <mark>ship</mark> 3.5 x-rays, today."),
            Some(1500)
        );
        // "don't", "3.5" and "x-rays" are two tokens each, in the index and here.
        assert_eq!(
            at("We don't ship 3.5 x-rays, <mark>today</mark>."),
            Some(2600)
        );
        assert_eq!(
            at("We don't ship 3.5 x-<mark>rays</mark>, today."),
            Some(2100)
        );
        assert_eq!(
            at("We don'<mark>t</mark> ship 3.5 x-rays, today."),
            Some(1200)
        );
        // A phrase: its first word; later marks do not matter.
        assert_eq!(
            at("<mark>We don't</mark> ship 3.5 x-rays, <mark>today</mark>."),
            Some(1000)
        );
        assert_eq!(at("We don't ship 3.5 x-rays, today."), None);
        assert_eq!(first_match_ms("<mark>ship</mark>", &[]), None);
    }

    #[test]
    fn words_that_drift_from_the_text_are_matched_by_text() {
        // The words lack one the text has ("the"): position 3 in the text is "budget", which
        // is position 2 in the words.
        let w = words(&[
            ("Next", 0),
            ("quarter's", 400),
            ("budget", 900),
            ("grows", 1300),
        ]);
        assert_eq!(
            first_match_ms("The next quarter's <mark>budget</mark> grows", &w),
            Some(900)
        );
        // The nearest of two candidates.
        let w = words(&[("go", 0), ("and", 300), ("go", 600), ("stop", 900)]);
        assert_eq!(
            first_match_ms("well and <mark>go</mark> stop", &w),
            Some(600)
        );
        // A marked word the words do not have at all.
        assert_eq!(first_match_ms("and <mark>run</mark>", &w), None);
    }

    #[test]
    fn case_and_unicode_are_folded_like_the_index() {
        let w = words(&[("Überall", 100), ("Café", 700)]);
        assert_eq!(first_match_ms("überall <mark>CAFÉ</mark>", &w), Some(700));
    }
}
