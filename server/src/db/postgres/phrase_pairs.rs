//! Phrases found through the index of adjacent word pairs (migration 0007).
//!
//! The GIN index on `tsv` knows which words a segment holds, not where: for `"the same"` it
//! hands back every segment with both words, and each must be read to check that they follow
//! each other (~5,300 rows of 1 M for 493 matches). The pair index holds each pair of adjacent
//! lexemes as one (`'the same'`), so the segments where a phrase's words follow each other are
//! one posting list. Search asks it for every pair of the query's phrases ([`prefilter`]) and
//! checks only those rows against `tsv`, which stays the truth: the pairs only narrow the rows.
//!
//! The prefilter must hold for every row that matches. The query matches a row when one of its
//! alternatives does in one language's stemming ([`super::search`] ORs the languages); each
//! alternative needs all of its phrases, and a phrase's words at consecutive positions put all
//! of its pairs, stemmed the same way, in the row's pairs. So the prefilter is, over the
//! languages and alternatives, OR of (AND of the alternative's pairs), and there is none when
//! some alternative has no phrase (a plain word says nothing about pairs).

use crate::search::syntax::Query;

/// The phrases of `query` that hold a pair: for each, the alternative it belongs to and its
/// words (the last one left out when it is a prefix, `x-ray-vis*`), space-separated, for
/// `to_tsvector` and `vidmsg_word_pairs`. Empty when some alternative has no such phrase: then the
/// pairs cannot narrow the search.
pub(super) fn phrases(query: &Query) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (alt, terms) in query.alternatives().iter().enumerate() {
        let before = out.len();
        for term in terms {
            let whole = if term.prefix {
                term.words.len().saturating_sub(1)
            } else {
                term.words.len()
            };
            if whole >= 2 {
                out.push((alt, term.words[..whole].join(" ")));
            }
        }
        if out.len() == before {
            return Vec::new();
        }
    }
    out
}

/// One language's stemming of the phrases: the pair lexemes of each phrase of [`phrases`], in
/// its order.
pub(super) type StemmedPairs = Vec<Vec<String>>;

/// The `tsquery` text that every matching row's pairs satisfy, from each language's
/// [`StemmedPairs`] (`languages`) of `phrases`; `None` when the pairs cannot narrow the search
/// (no phrase, or a phrase that stemmed to fewer than two lexemes).
pub(super) fn prefilter(phrases: &[(usize, String)], languages: &[StemmedPairs]) -> Option<String> {
    let alternatives = phrases.iter().map(|(alt, _)| alt + 1).max()?;
    let mut any: Vec<String> = Vec::new();
    for stemmed in languages {
        if stemmed.len() != phrases.len() {
            return None;
        }
        for alt in 0..alternatives {
            let mut all: Vec<String> = Vec::new();
            for ((a, _), pairs) in phrases.iter().zip(stemmed) {
                if *a != alt {
                    continue;
                }
                if pairs.is_empty() {
                    return None;
                }
                all.extend(pairs.iter().map(|p| quoted(p)));
            }
            all.sort();
            all.dedup();
            if all.is_empty() {
                return None;
            }
            any.push(format!("( {} )", all.join(" & ")));
        }
    }
    any.sort();
    any.dedup();
    (!any.is_empty()).then(|| any.join(" | "))
}

/// A lexeme as `tsquery` input reads it: quoted, quotes and backslashes escaped.
fn quoted(lexeme: &str) -> String {
    format!("'{}'", lexeme.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::syntax::parse;

    fn p(q: &str) -> Vec<(usize, String)> {
        phrases(&parse(q).expect("words"))
    }

    #[test]
    fn phrases_are_the_quoted_runs_of_two_words_or_more() {
        assert_eq!(p("\"the same\" people"), vec![(0, "the same".to_string())]);
        assert_eq!(
            p("don't \"quick brown fox\""),
            vec![(0, "don t".to_string()), (0, "quick brown fox".to_string())]
        );
        // A prefix's last word is not whole: `don't*` has no pair, `x-ray-vis*` has one.
        assert_eq!(p("x-ray-vis*"), vec![(0, "x ray".to_string())]);
    }

    #[test]
    fn an_alternative_without_a_phrase_means_no_prefilter() {
        assert!(p("people").is_empty());
        assert!(p("don't*").is_empty());
        assert!(p("\"the same\" OR people").is_empty());
        assert_eq!(
            p("\"the same\" OR \"next week\""),
            vec![(0, "the same".to_string()), (1, "next week".to_string())]
        );
    }

    #[test]
    fn the_prefilter_ands_an_alternative_and_ors_the_rest() {
        let phrases = vec![
            (0, "the same thing".to_string()),
            (0, "next week".to_string()),
            (1, "big cats".to_string()),
        ];
        let english = vec![
            vec!["same thing".to_string(), "the same".to_string()],
            vec!["next week".to_string()],
            vec!["big cat".to_string()],
        ];
        assert_eq!(
            prefilter(&phrases, std::slice::from_ref(&english)).as_deref(),
            Some("( 'big cat' ) | ( 'next week' & 'same thing' & 'the same' )")
        );
        // A second language that stems differently adds its own alternatives.
        let mut french = english.clone();
        french[2] = vec!["big cats".to_string()];
        assert_eq!(
            prefilter(&phrases, &[english.clone(), french]).as_deref(),
            Some("( 'big cat' ) | ( 'big cats' ) | ( 'next week' & 'same thing' & 'the same' )")
        );
        // A phrase that stemmed to fewer than two lexemes cannot narrow anything.
        let mut short = english;
        short[1].clear();
        assert_eq!(prefilter(&phrases, &[short]), None);
        assert_eq!(prefilter(&[], &[]), None);
    }

    #[test]
    fn lexemes_are_quoted_for_tsquery() {
        assert_eq!(quoted("it's"), "'it''s'");
        assert_eq!(quoted("a\\b"), "'a\\\\b'");
    }
}
