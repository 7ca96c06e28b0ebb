//! The `segments.words` column: when each word of a segment was said, stored as compact JSON
//! `[[start_ms, end_ms, "word"], …]` (both backends; NULL when unknown).

use vidmsg_api::Word;

/// The column's value for a segment's words (`None`: unknown).
pub fn encode(words: Option<&[Word]>) -> Option<String> {
    let words = words?;
    let rows: Vec<(i64, i64, &str)> = words
        .iter()
        .map(|w| (w.start_ms, w.end_ms, w.text.as_str()))
        .collect();
    serde_json::to_string(&rows).ok()
}

/// The words a column value holds; `None` for NULL or anything unreadable (the segment is
/// still usable: a hit then points at its start).
pub fn decode(column: Option<&str>) -> Option<Vec<Word>> {
    let rows: Vec<(i64, i64, String)> = serde_json::from_str(column?).ok()?;
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

#[cfg(test)]
mod tests {
    use vidmsg_api::Word;

    #[test]
    fn words_round_trip_as_compact_json() {
        let words = vec![
            Word {
                start_ms: 1200,
                end_ms: 1450,
                text: "Good".into(),
            },
            Word {
                start_ms: 1450,
                end_ms: 1900,
                text: "\"morning\",".into(),
            },
        ];
        let json = super::encode(Some(&words)).expect("encodes");
        assert_eq!(json, r#"[[1200,1450,"Good"],[1450,1900,"\"morning\","]]"#);
        assert_eq!(super::decode(Some(&json)), Some(words));
        assert_eq!(super::encode(None), None);
        assert_eq!(super::decode(None), None);
        assert_eq!(super::decode(Some("not json")), None);
    }
}
