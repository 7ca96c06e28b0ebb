//! What both backends' transcript edits share: a stored segment as a row, and the rows an edit
//! writes (word times kept where the text did not change).

use vidmsg_api::{EditedSegment, Id};

use super::DbError;

/// A stored segment: its place, start and end (ms), text, and word times (JSON as the worker
/// stored them; `None`: unknown).
pub(crate) type Row = (i64, i64, i64, String, Option<String>);

/// The rows `edited` becomes: in order from 0; a segment whose text is the same as the stored
/// one at its place keeps that one's word times, any other has none (its words were retyped, so
/// their times are unknown).
pub(crate) fn edited_rows(old: &[Row], edited: &[EditedSegment]) -> Vec<Row> {
    edited
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let words = old
                .get(i)
                .filter(|o| o.3 == s.text)
                .and_then(|o| o.4.clone());
            (
                i64::try_from(i).unwrap_or(i64::MAX),
                s.start_ms,
                s.end_ms,
                s.text.clone(),
                words,
            )
        })
        .collect()
}

/// The refusal for a message whose transcript may not change now.
pub(crate) fn not_ready(message: Id, status: &str) -> DbError {
    DbError::Conflict(if status == "processing" {
        format!("message {message} is being transcribed; edit its transcript once it is ready")
    } else {
        format!("message {message} is {status}; only a ready transcript can be edited or restored")
    })
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

    #[test]
    fn unchanged_text_keeps_its_word_times_and_changed_text_loses_them() {
        let old = vec![
            (
                0,
                0,
                1000,
                "hello there".to_string(),
                Some("[1]".to_string()),
            ),
            (
                1,
                1000,
                2000,
                "general kenobi".to_string(),
                Some("[2]".to_string()),
            ),
        ];
        let rows = edited_rows(
            &old,
            &[
                seg(0, 900, "hello there"),
                seg(1000, 2000, "general canoe bee"),
                seg(2000, 2500, "new"),
            ],
        );
        assert_eq!(
            rows[0],
            (0, 0, 900, "hello there".into(), Some("[1]".into()))
        );
        assert_eq!(rows[1], (1, 1000, 2000, "general canoe bee".into(), None));
        assert_eq!(rows[2], (2, 2000, 2500, "new".into(), None));
    }
}
