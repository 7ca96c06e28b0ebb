//! Key phrases (RAKE-style): candidate phrases are runs of content words between stop words and
//! punctuation, optionally two runs joined by a connector ("hiring plan *for the* new office").
//! A phrase scores the sum of its content words' weights over the square root of their number
//! (longer phrases are favoured, but not without limit), times a bonus for being said early —
//! people say what a message (or a part of one) is about at its start.

use std::collections::HashMap;

use vidmsg_api::Segment;

use super::words::{Piece, Token, is_connector, is_determiner, pieces};

/// Longest phrase, in words.
const MAX_WORDS: usize = 7;
/// Most content words in one run (longer runs are cut into pieces of this size).
const MAX_RUN: usize = 4;

/// One candidate phrase, merged over all the places it was said.
#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    /// Its words as said the first time.
    pub words: Vec<Token>,
    /// Stems of its content words.
    pub stems: Vec<String>,
    /// When it was first said.
    pub first_ms: i64,
    pub count: usize,
}

impl Phrase {
    /// The phrase for display: first letter capitalized, names keep their capitals.
    pub fn display(&self, max_chars: usize) -> String {
        let mut words: Vec<&Token> = self.words.iter().collect();
        let text = |ws: &[&Token]| {
            ws.iter()
                .map(|t| {
                    if t.starts_sentence && t.written != "I" {
                        t.lower.clone()
                    } else {
                        t.written.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        while words.len() > 1 && text(&words).chars().count() > max_chars {
            words.pop();
            while words.len() > 1 && words.last().is_some_and(|t| t.stem.is_none()) {
                words.pop();
            }
        }
        let mut s = text(&words);
        if s.chars().count() > max_chars {
            s = s.chars().take(max_chars).collect();
        }
        let mut chars = s.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => s,
        }
    }
}

/// Every word of the segments as a pieces list, with the segment's start.
pub(crate) fn segment_pieces(segments: &[Segment]) -> Vec<(i64, Vec<Piece>)> {
    segments
        .iter()
        .map(|s| (s.start_ms, pieces(&s.text)))
        .collect()
}

/// The candidate phrases of some segments, each merged over its repetitions (same stems).
pub(crate) fn candidates(segments: &[(i64, Vec<Piece>)]) -> Vec<Phrase> {
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Phrase> = Vec::new();
    for (start_ms, ps) in segments {
        for words in segment_candidates(ps) {
            let stems: Vec<String> = words.iter().filter_map(|t| t.stem.clone()).collect();
            let key = words
                .iter()
                .map(|t| t.stem.clone().unwrap_or_else(|| t.lower.clone()))
                .collect::<Vec<_>>()
                .join(" ");
            match by_key.get(&key) {
                Some(&i) => out[i].count += 1,
                None => {
                    by_key.insert(key, out.len());
                    out.push(Phrase {
                        words,
                        stems,
                        first_ms: *start_ms,
                        count: 1,
                    });
                }
            }
        }
    }
    out
}

/// Runs of content words of one segment, and pairs of runs joined by a connector.
fn segment_candidates(ps: &[Piece]) -> Vec<Vec<Token>> {
    // Runs: (start index, end index exclusive) into `ps`, content words only.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < ps.len() {
        if matches!(&ps[i], Piece::Word(t) if t.stem.is_some()) {
            let start = i;
            while i < ps.len() && matches!(&ps[i], Piece::Word(t) if t.stem.is_some()) {
                i += 1;
            }
            let mut s = start;
            while s < i {
                let e = (s + MAX_RUN).min(i);
                runs.push((s, e));
                s = e;
            }
        } else {
            i += 1;
        }
    }
    let tokens = |a: usize, b: usize| -> Vec<Token> {
        ps[a..b]
            .iter()
            .filter_map(|p| match p {
                Piece::Word(t) => Some(t.clone()),
                Piece::Break => None,
            })
            .collect()
    };
    let mut out: Vec<Vec<Token>> = runs.iter().map(|&(a, b)| tokens(a, b)).collect();
    for pair in runs.windows(2) {
        let ((a, b), (c, d)) = (pair[0], pair[1]);
        let between = &ps[b..c];
        let joined = match between {
            [Piece::Word(x)] => is_connector(&x.lower),
            [Piece::Word(x), Piece::Word(y)] => is_connector(&x.lower) && is_determiner(&y.lower),
            _ => false,
        };
        if joined && d - a <= MAX_WORDS {
            out.push(tokens(a, d));
        }
    }
    out
}

/// The best phrase by `weight` of its stems, with a bonus for phrases said within
/// `early_ms` of `from_ms` (up to ×2 at `from_ms`, fading to ×1). Ties go to the earlier phrase,
/// then the shorter; the result does not depend on anything but the input.
pub(crate) fn best<'a>(
    phrases: &'a [Phrase],
    weight: &dyn Fn(&str) -> f64,
    from_ms: i64,
    early_ms: i64,
    avoid: &[String],
) -> Option<&'a Phrase> {
    let score = |p: &Phrase| {
        let sum: f64 = p.stems.iter().map(|s| weight(s)).sum();
        #[allow(clippy::cast_precision_loss)]
        let n = p.stems.len().max(1) as f64;
        #[allow(clippy::cast_precision_loss)]
        let early = 1.0 - ((p.first_ms - from_ms).max(0) as f64 / early_ms.max(1) as f64);
        sum / n.sqrt() * (1.0 + early.max(0.0))
    };
    phrases
        .iter()
        .filter(|p| !p.stems.is_empty())
        .filter(|p| !avoid.iter().any(|a| p.stems.join(" ") == *a))
        .map(|p| (score(p), p))
        .max_by(|(sa, a), (sb, b)| {
            sa.total_cmp(sb)
                .then(b.first_ms.cmp(&a.first_ms))
                .then(b.words.len().cmp(&a.words.len()))
                .then_with(|| {
                    let (ka, kb) = (a.stems.join(" "), b.stems.join(" "));
                    kb.cmp(&ka)
                })
        })
        .map(|(_, p)| p)
}

/// How often each stem is said in the segments.
pub(crate) fn stem_counts(segments: &[(i64, Vec<Piece>)]) -> HashMap<String, f64> {
    let mut counts = HashMap::new();
    for (_, ps) in segments {
        for p in ps {
            if let Piece::Word(Token { stem: Some(s), .. }) = p {
                *counts.entry(s.clone()).or_insert(0.0) += 1.0;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        segment_candidates(&pieces(text))
            .iter()
            .map(|ws| {
                ws.iter()
                    .map(|t| t.lower.clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn candidates_are_runs_and_joined_runs() {
        assert_eq!(
            texts("Um, so here is the weekly update from the product team."),
            vec![
                "weekly update",
                "product team",
                "weekly update from the product team"
            ]
        );
        // A comma breaks a phrase; so does a stop word that is no connector.
        assert_eq!(
            texts("budget review, office move which matters"),
            vec!["budget review", "office move", "matters"]
        );
    }
}
