//! The `segments.words` column: when each word of a segment was said (both backends; NULL when
//! unknown).
//!
//! Two forms, told apart by their first character:
//! * compact, what the worker writes: `@` then each word's start as a delta from the one
//!   before (the first from 0), comma-separated, with `:n` after a word that spans `n`
//!   white-space-separated pieces of the segment's text (a word with its own punctuation, "up
//!   -"). A word's text is those pieces, its end the next word's start, the last one's the
//!   segment's end: the worker's words are made that way (`vidmsg_transcribe::words::fit`). A
//!   15-word segment's times take ~60 bytes instead of ~370, and narrower rows make search
//!   read fewer blocks (PostgreSQL at 1 M segments: the phrase query's p50 41 → 32 ms);
//! * JSON `[[start_ms, end_ms, "word"], …]`: words that the compact form cannot give back
//!   exactly, and rows written before it.

use vidmsg_api::Word;

const COMPACT: char = '@';

/// The column's value for a segment's `words` (`None`: unknown), given the segment's `text`
/// and `end_ms`: the compact form where it gives the words back exactly, else JSON.
pub fn encode(words: Option<&[Word]>, text: &str, end_ms: i64) -> Option<String> {
    let words = words?;
    if let Some(compact) = compact(words, text)
        && decode_compact(&compact, text, end_ms).as_deref() == Some(words)
    {
        return Some(compact);
    }
    let rows: Vec<(i64, i64, &str)> = words
        .iter()
        .map(|w| (w.start_ms, w.end_ms, w.text.as_str()))
        .collect();
    serde_json::to_string(&rows).ok()
}

/// The words a column value holds, for the segment's `text` and `end_ms`; `None` for NULL or
/// anything unreadable (the segment is still usable: a hit then points at its start).
pub fn decode(column: Option<&str>, text: &str, end_ms: i64) -> Option<Vec<Word>> {
    let column = column?;
    if column.starts_with(COMPACT) {
        return decode_compact(column, text, end_ms);
    }
    let rows: Vec<(i64, i64, String)> = serde_json::from_str(column).ok()?;
    Some(
        rows.into_iter()
            .map(|(start_ms, end_ms, text)| Word {
                start_ms,
                end_ms,
                text,
            })
            .collect(),
    )
}

/// The compact form of `words` (not yet checked against the text: see [`encode`]).
fn compact(words: &[Word], text: &str) -> Option<String> {
    let mut out = String::with_capacity(words.len() * 5 + 1);
    out.push(COMPACT);
    let mut previous = 0_i64;
    for (i, w) in words.iter().enumerate() {
        let delta = w.start_ms.checked_sub(previous).filter(|d| *d >= 0)?;
        previous = w.start_ms;
        if i > 0 {
            out.push(',');
        }
        out.push_str(&delta.to_string());
        let pieces = w.text.split_whitespace().count();
        if pieces != 1 {
            out.push(':');
            out.push_str(&pieces.to_string());
        }
    }
    // Words with nothing to stand for are not worth a compact form.
    (!text.trim().is_empty()).then_some(out)
}

fn decode_compact(column: &str, text: &str, end_ms: i64) -> Option<Vec<Word>> {
    let body = column.strip_prefix(COMPACT)?;
    let mut pieces = text.split_whitespace();
    let mut words: Vec<Word> = Vec::new();
    let mut start = 0_i64;
    for entry in body.split(',').filter(|e| !e.is_empty()) {
        let (delta, n) = match entry.split_once(':') {
            Some((d, n)) => (d, n.parse::<usize>().ok()?),
            None => (entry, 1),
        };
        start = start.checked_add(delta.parse::<i64>().ok()?)?;
        let text: Vec<&str> = pieces.by_ref().take(n).collect();
        if text.len() != n {
            return None;
        }
        if let Some(prev) = words.last_mut() {
            prev.end_ms = start;
        }
        words.push(Word {
            start_ms: start,
            end_ms: end_ms.max(start),
            text: text.join(" "),
        });
    }
    // Every piece of the text belongs to a word.
    pieces.next().is_none().then_some(words)
}

#[cfg(test)]
mod tests {
    use vidmsg_api::Word;

    fn word(start_ms: i64, end_ms: i64, text: &str) -> Word {
        Word {
            start_ms,
            end_ms,
            text: text.into(),
        }
    }

    #[test]
    fn the_workers_words_are_stored_compactly_and_come_back_whole() {
        let text = "Good \"morning\", all - up";
        let words = vec![
            word(1200, 1450, "Good"),
            word(1450, 1900, "\"morning\","),
            word(1900, 2400, "all -"),
            word(2400, 3000, "up"),
        ];
        let stored = super::encode(Some(&words), text, 3000).expect("encodes");
        assert_eq!(stored, "@1200,250,450:2,500");
        assert_eq!(super::decode(Some(&stored), text, 3000), Some(words));
    }

    #[test]
    fn words_the_compact_form_cannot_hold_are_stored_as_json() {
        // A gap between words (the end is not the next word's start).
        let gap = vec![word(1200, 1300, "Good"), word(1450, 1900, "morning")];
        let stored = super::encode(Some(&gap), "Good morning", 1900).expect("encodes");
        assert_eq!(stored, r#"[[1200,1300,"Good"],[1450,1900,"morning"]]"#);
        assert_eq!(
            super::decode(Some(&stored), "Good morning", 1900),
            Some(gap)
        );
        // Words that are not the text's (a text edited since).
        let other = vec![word(0, 500, "Hello")];
        let stored = super::encode(Some(&other), "Good morning", 500).expect("encodes");
        assert!(stored.starts_with('['), "{stored}");
        assert_eq!(
            super::decode(Some(&stored), "Good morning", 500),
            Some(other)
        );
    }

    #[test]
    fn unknown_or_unreadable_words_are_none() {
        assert_eq!(super::encode(None, "Good", 100), None);
        assert_eq!(super::decode(None, "Good", 100), None);
        assert_eq!(super::decode(Some("not json"), "Good", 100), None);
        // A compact value that does not fit the text (more or fewer pieces than words say).
        assert_eq!(super::decode(Some("@0,100"), "Good", 100), None);
        assert_eq!(super::decode(Some("@0"), "Good morning", 100), None);
        assert_eq!(super::decode(Some("@x"), "Good", 100), None);
    }
}
