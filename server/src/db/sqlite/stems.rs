//! SQLite's stemmed shadow of a transcript in a language other than English (#14's multilingual
//! note). FTS5 stems with `porter` (English) only, so a segment heard in, say, French is indexed
//! as its words' French snowball stems (`segments.stems`, migration 0015; the FTS5 triggers index
//! `coalesce(stems, text)`), and a search renders its words' stems in each language present
//! besides English ([`fts5_query`]). Rows loaded from a backup get theirs from [`fill`].
//!
//! The shadow has exactly one token per token of the text (runs of letters and digits, as FTS5's
//! `unicode61` splits them), so the index's positions are the text's: `highlight()`, which reads
//! the original text and marks tokens by position, marks the words said, and bm25 sees the same
//! lengths. English rows keep no shadow and index as they always did.

use rust_stemmers::{Algorithm, Stemmer};

/// The snowball stemmer of a language code (whisper's, ISO 639-1), but English's: English rows
/// are FTS5's porter's.
pub fn stemmer(language: Option<&str>) -> Option<Stemmer> {
    let algorithm = match language? {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// One word's stem: lowercase, stemmed, and never empty (the word itself if the stemmer left
/// nothing), nor anything but letters and digits (one FTS5 token).
pub fn stem(stemmer: &Stemmer, word: &str) -> String {
    let lower = word.to_lowercase();
    let stem = stemmer.stem(&lower);
    if !stem.is_empty() && stem.chars().all(char::is_alphanumeric) {
        stem.into_owned()
    } else {
        lower
    }
}

/// The shadow of `text` in `language`: each token replaced by its stem, one space apart; `None`
/// for English and for languages without a stemmer (their rows index their text).
pub fn shadow(text: &str, language: Option<&str>) -> Option<String> {
    let stemmer = stemmer(language)?;
    Some(
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| stem(&stemmer, w))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The FTS5 query for rows indexed by their stems (see [`shadow`]): as
/// [`Query::to_fts5`](crate::search::syntax::Query::to_fts5), each word its stem; a prefix stays
/// as typed (the words it begins mostly stem to something it begins too).
pub fn fts5_stemmed(query: &crate::search::syntax::Query, stemmer: &Stemmer) -> String {
    let alternatives = query.alternatives();
    alternatives
        .iter()
        .map(|all| {
            let terms: Vec<String> = all
                .iter()
                .map(|t| {
                    let last = t.words.len() - 1;
                    let words: Vec<String> = t
                        .words
                        .iter()
                        .enumerate()
                        .map(|(i, w)| {
                            if t.prefix && i == last {
                                w.clone()
                            } else {
                                stem(stemmer, w)
                            }
                        })
                        .collect();
                    let star = if t.prefix { "*" } else { "" };
                    format!("\"{}\"{star}", words.join(" "))
                })
                .collect();
            if terms.len() > 1 && alternatives.len() > 1 {
                format!("({})", terms.join(" "))
            } else {
                terms.join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The FTS5 query of a search over rows in `languages` (those present) besides English: the
/// English rendering, ORed with each language's stemmed one that differs; English alone gives
/// exactly [`Query::to_fts5`].
pub fn fts5_query(query: &crate::search::syntax::Query, languages: &[String]) -> String {
    let mut parts = vec![query.to_fts5()];
    for l in languages {
        if let Some(s) = stemmer(Some(l)) {
            let q = fts5_stemmed(query, &s);
            if !parts.contains(&q) {
                parts.push(q);
            }
        }
    }
    if parts.len() == 1 {
        parts.pop().unwrap_or_default()
    } else {
        parts
            .iter()
            .map(|p| format!("({p})"))
            .collect::<Vec<_>>()
            .join(" OR ")
    }
}

/// Writes the shadow of every segment in a stemmed language that has none: rows loaded with
/// their columns (a restore: backups carry the text, not this derived copy). A thousand rows at
/// a time; the update trigger re-indexes each.
pub(crate) async fn fill(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<u64> {
    let mut after = 0_i64;
    let mut filled = 0_u64;
    loop {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, text, language FROM segments
             WHERE id > ? AND stems IS NULL AND language IS NOT NULL AND language <> 'en'
             ORDER BY id LIMIT 1000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(filled);
        };
        after = last.0;
        for (id, text, language) in &rows {
            if let Some(stems) = shadow(text, Some(language)) {
                sqlx::query("UPDATE segments SET stems = ? WHERE id = ?")
                    .bind(stems)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                filled += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shadow;

    #[test]
    fn french_words_become_their_stems_one_for_one() {
        assert_eq!(
            shadow("Vous pouvez maintenant parler.", Some("fr")).as_deref(),
            Some("vous pouv mainten parl")
        );
        assert_eq!(shadow("l'appel", Some("fr")).as_deref(), Some("l appel"));
    }

    #[test]
    fn english_and_unstemmed_languages_keep_their_text() {
        assert_eq!(shadow("running late", Some("en")), None);
        assert_eq!(shadow("running late", None), None);
        assert_eq!(shadow("你好", Some("zh")), None);
    }
    #[test]
    fn a_query_is_rendered_in_each_stemmed_language_present() {
        let q =
            crate::search::syntax::parse("parlez \"maintenant parlera\" OR conf*").expect("words");
        assert_eq!(super::fts5_query(&q, &[]), q.to_fts5());
        assert_eq!(
            super::fts5_query(&q, &["en".into(), "zh".into()]),
            q.to_fts5()
        );
        assert_eq!(
            super::fts5_query(&q, &["fr".into()]),
            format!(
                "({}) OR ((\"parl\" \"mainten parl\") OR \"conf\"*)",
                q.to_fts5()
            )
        );
    }

    /// A restore writes segments without their stems: `fill` stems them and the index follows.
    #[tokio::test]
    async fn restored_rows_get_their_stems_and_are_found_by_them() {
        use crate::db::{Database, NewMessage};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite");
        let db = super::super::SqliteDb::open(path.to_str().expect("utf-8 path"))
            .await
            .expect("open");
        let user = db.create_user("alice", false, 1).await.expect("user");
        let thread = db
            .create_thread("Restored", user.id, None, &[], 1)
            .await
            .expect("thread");
        let message = db
            .insert_message(&NewMessage {
                thread_id: thread,
                author_id: user.id,
                kind: vidmsg_api::MessageKind::Video,
                title: "m".into(),
                body: None,
                parent_id: None,
                status: vidmsg_api::MessageStatus::Ready,
                content_type: None,
                urgent: false,
                now_ms: 2,
            })
            .await
            .expect("message");
        let mut conn = db.pool().acquire().await.expect("connection");
        for (idx, text, language) in [
            (0, "Vous pouvez maintenant parler.", "fr"),
            (1, "We will parley later.", "en"),
        ] {
            sqlx::query(
                "INSERT INTO segments (message_id, idx, start_ms, end_ms, text, language)
                 VALUES (?, ?, 0, 1, ?, ?)",
            )
            .bind(message)
            .bind(idx)
            .bind(text)
            .bind(language)
            .execute(&mut *conn)
            .await
            .expect("segment");
        }
        let found = |q: &'static str| {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM segments_fts WHERE segments_fts MATCH ?",
            )
            .bind(q)
        };
        assert_eq!(
            found("\"parl\"")
                .fetch_one(&mut *conn)
                .await
                .expect("match"),
            0
        );
        assert_eq!(super::fill(&mut conn).await.expect("fill"), 1);
        assert_eq!(
            found("\"parl\"")
                .fetch_one(&mut *conn)
                .await
                .expect("match"),
            1
        );
        assert_eq!(
            found("\"parley\"")
                .fetch_one(&mut *conn)
                .await
                .expect("match"),
            1
        );
        assert_eq!(super::fill(&mut conn).await.expect("fill again"), 0);
    }
}
