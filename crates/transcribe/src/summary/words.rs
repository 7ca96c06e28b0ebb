//! The words of a transcript as the summaries see them: tokens split at punctuation, the stop
//! and filler words that never make a key phrase, and a light suffix-stripping stemmer so that
//! "hiring", "hired" and "hire" count as one word.

/// A piece of a segment's text: a word, or a break (punctuation) that no phrase crosses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Word(Token),
    Break,
}

/// One word: as written (for display), lowercased, and its stem when it is a content word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub written: String,
    pub lower: String,
    /// `Some` for a content word (not a stop or filler word, at least 3 letters, not a number).
    pub stem: Option<String>,
    /// The first word of a sentence (its capital letter says nothing about the word).
    pub starts_sentence: bool,
}

/// Splits text into words and breaks. Apostrophes and hyphens inside a word belong to it.
pub(crate) fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut sentence_start = true;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let inner = (c == '\'' || c == '’' || c == '-')
            && !word.is_empty()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            word.push(if c == '’' { '\'' } else { c });
            continue;
        }
        if !word.is_empty() {
            out.push(Piece::Word(token(&word, sentence_start)));
            sentence_start = false;
            word.clear();
        }
        if !c.is_whitespace() {
            out.push(Piece::Break);
            if matches!(c, '.' | '!' | '?' | '…') {
                sentence_start = true;
            }
        }
    }
    if !word.is_empty() {
        out.push(Piece::Word(token(&word, sentence_start)));
    }
    out
}

fn token(written: &str, starts_sentence: bool) -> Token {
    let lower = written.to_lowercase();
    let base = lower.strip_suffix("'s").unwrap_or(&lower);
    let content = base.chars().count() >= 3
        && base.chars().all(|c| c.is_alphabetic() || c == '-')
        && !is_stop(base);
    Token {
        written: written.to_string(),
        stem: content.then(|| stem(base)),
        lower,
        starts_sentence,
    }
}

/// Words that join two key phrases into one ("plan *for the* office move").
pub(crate) fn is_connector(lower: &str) -> bool {
    matches!(
        lower,
        "of" | "for" | "from" | "on" | "about" | "with" | "in" | "and" | "at" | "to"
    )
}

/// Words that may follow a connector before the next key phrase ("for *the* office").
pub(crate) fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "the" | "a" | "an" | "our" | "your" | "their" | "this" | "that" | "these" | "those" | "its"
    )
}

/// Stop words of English plus the fillers and small talk of spoken messages ("um", "okay",
/// "good morning everyone", "thanks"): words that say nothing about what a message is about.
pub(crate) fn is_stop(lower: &str) -> bool {
    STOP.binary_search(&lower).is_ok()
}

/// Sorted, so [`is_stop`] can search it.
const STOP: &[&str] = &[
    "about",
    "above",
    "actually",
    "after",
    "afternoon",
    "again",
    "against",
    "ago",
    "ahead",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "always",
    "am",
    "among",
    "and",
    "another",
    "any",
    "anybody",
    "anyone",
    "anything",
    "anyway",
    "are",
    "around",
    "ask",
    "asked",
    "away",
    "back",
    "basically",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "best",
    "better",
    "between",
    "big",
    "bit",
    "both",
    "but",
    "by",
    "bye",
    "call",
    "came",
    "can",
    "cannot",
    "come",
    "coming",
    "could",
    "day",
    "days",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "enough",
    "even",
    "ever",
    "every",
    "everybody",
    "everyone",
    "everything",
    "exactly",
    "few",
    "find",
    "first",
    "folks",
    "for",
    "from",
    "further",
    "get",
    "gets",
    "getting",
    "give",
    "go",
    "goes",
    "going",
    "gone",
    "gonna",
    "good",
    "got",
    "gotta",
    "great",
    "guys",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "her",
    "here",
    "hers",
    "herself",
    "hey",
    "hi",
    "him",
    "himself",
    "his",
    "hmm",
    "hope",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "keep",
    "kind",
    "know",
    "last",
    "later",
    "least",
    "less",
    "let",
    "lets",
    "like",
    "little",
    "look",
    "looking",
    "lot",
    "lots",
    "made",
    "make",
    "making",
    "many",
    "may",
    "maybe",
    "me",
    "mean",
    "might",
    "mine",
    "more",
    "morning",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "need",
    "needs",
    "never",
    "next",
    "nice",
    "no",
    "nobody",
    "none",
    "nor",
    "not",
    "nothing",
    "now",
    "of",
    "off",
    "oh",
    "ok",
    "okay",
    "on",
    "once",
    "one",
    "only",
    "onto",
    "or",
    "other",
    "others",
    "otherwise",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "part",
    "people",
    "per",
    "perhaps",
    "please",
    "pretty",
    "put",
    "quite",
    "rather",
    "really",
    "right",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "see",
    "seem",
    "seems",
    "she",
    "should",
    "since",
    "so",
    "some",
    "somebody",
    "someone",
    "something",
    "soon",
    "sort",
    "still",
    "stuff",
    "such",
    "sure",
    "take",
    "talk",
    "talked",
    "talking",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "though",
    "through",
    "till",
    "time",
    "to",
    "today",
    "together",
    "too",
    "toward",
    "towards",
    "try",
    "trying",
    "two",
    "uh",
    "um",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "use",
    "used",
    "very",
    "via",
    "wanna",
    "want",
    "wanted",
    "wants",
    "was",
    "way",
    "we",
    "well",
    "went",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whole",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yeah",
    "yes",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// A light stemmer for English: plural and `-ing`/`-ed` endings off, a doubled last consonant
/// undone, a final `e` dropped — so "moves", "moving" and "moved" all become "mov". Enough to
/// count a word's repetitions; stems are never shown.
pub(crate) fn stem(word: &str) -> String {
    let mut s: Vec<char> = word.chars().collect();
    let ends = |s: &[char], suffix: &str| {
        let suf: Vec<char> = suffix.chars().collect();
        s.len() >= suf.len() && s[s.len() - suf.len()..] == suf[..]
    };
    if s.len() > 4 && ends(&s, "ies") {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if ends(&s, "sses") {
        s.truncate(s.len() - 2);
    } else if s.len() > 3 && ends(&s, "s") && !ends(&s, "ss") && !ends(&s, "us") && !ends(&s, "is")
    {
        s.pop();
    }
    let mut stripped = false;
    if s.len() > 5 && ends(&s, "ing") {
        s.truncate(s.len() - 3);
        stripped = true;
    } else if s.len() > 4 && ends(&s, "ed") {
        s.truncate(s.len() - 2);
        stripped = true;
    }
    if stripped && s.len() > 2 {
        let (a, b) = (s[s.len() - 1], s[s.len() - 2]);
        if a == b && !"aeioulsz".contains(a) {
            s.pop();
        }
    }
    if s.len() > 3 && ends(&s, "e") {
        s.pop();
    }
    s.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_is_sorted_for_binary_search() {
        assert!(
            STOP.windows(2).all(|w| w[0] < w[1]),
            "STOP must stay sorted"
        );
    }

    #[test]
    fn stems_join_forms_of_a_word() {
        for (a, b) in [
            ("hiring", "hired"),
            ("hire", "hires"),
            ("moving", "move"),
            ("moved", "moves"),
            ("planning", "plan"),
            ("planned", "plans"),
            ("offices", "office"),
            ("companies", "company"),
            ("updates", "updated"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
        assert_ne!(stem("office"), stem("offer"));
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("class"), "class");
    }

    #[test]
    fn pieces_split_words_and_breaks() {
        let p = pieces("Okay, so the team's sign-in page is live. Hiring next!");
        let words: Vec<(&str, bool, bool)> = p
            .iter()
            .filter_map(|p| match p {
                Piece::Word(t) => Some((t.written.as_str(), t.stem.is_some(), t.starts_sentence)),
                Piece::Break => None,
            })
            .collect();
        assert_eq!(
            words,
            vec![
                ("Okay", false, true),
                ("so", false, false),
                ("the", false, false),
                ("team's", true, false),
                ("sign-in", true, false),
                ("page", true, false),
                ("is", false, false),
                ("live", true, false),
                ("Hiring", true, true),
                ("next", false, false),
            ]
        );
        assert_eq!(p.iter().filter(|p| **p == Piece::Break).count(), 3);
        assert!(pieces("In 2025 we did 42").iter().all(|p| match p {
            Piece::Word(t) => t.stem.is_none(),
            Piece::Break => true,
        }));
    }
}
