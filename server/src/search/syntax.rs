//! The search syntax users type — words (all must match), `"exact phrases"`, `prefix*`, and `OR`
//! between alternatives — parsed into a backend-neutral [`Query`] that holds only lowercased runs
//! of letters and digits. Each backend renders it into its own full-text language (FTS5 for
//! SQLite, a tsquery for PostgreSQL) from those words alone, so no input can inject operators
//! into either.
//!
//! Precedence is the one both engines share: terms side by side must all match, and `OR` splits
//! the query into alternatives (`a b OR c` is `(a AND b) OR c`).

/// A parsed search: any one of its alternatives matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Never empty; no alternative is empty.
    alternatives: Vec<Vec<Term>>,
}

/// One term: a word, or several that must follow each other (an `"exact phrase"`, or a word the
/// user typed with punctuation inside, such as `don't`). `prefix`: the last word is a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Never empty; each word is lowercase letters and digits only.
    pub words: Vec<String>,
    pub prefix: bool,
}

/// Parses `input`; `None` if it holds no searchable word.
pub fn parse(input: &str) -> Option<Query> {
    let mut alternatives: Vec<Vec<Term>> = Vec::new();
    let mut current: Vec<Term> = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            let words = words(&phrase);
            if !words.is_empty() {
                current.push(Term {
                    words,
                    prefix: false,
                });
            }
        } else {
            let mut raw = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                raw.push(c);
                chars.next();
            }
            if raw == "OR" {
                // An OR with nothing before it (leading, doubled) is dropped.
                if !current.is_empty() {
                    alternatives.push(std::mem::take(&mut current));
                }
                continue;
            }
            let words = words(&raw);
            if !words.is_empty() {
                current.push(Term {
                    words,
                    prefix: raw.ends_with('*'),
                });
            }
        }
    }
    // A trailing OR leaves `current` empty: it is dropped too.
    if !current.is_empty() {
        alternatives.push(current);
    }
    (!alternatives.is_empty()).then_some(Query { alternatives })
}

impl Query {
    /// Any one of these matches; each is a list of terms that must all match.
    pub fn alternatives(&self) -> &[Vec<Term>] {
        &self.alternatives
    }

    /// The FTS5 query (SQLite): every term a quoted string (`"a b"`, `"pre"*`), so FTS5 reads
    /// none of the user's text as an operator.
    pub fn to_fts5(&self) -> String {
        self.render(" OR ", " ", |t| {
            let mut s = format!("\"{}\"", t.words.join(" "));
            if t.prefix {
                s.push('*');
            }
            s
        })
    }

    /// The text for PostgreSQL's `to_tsquery(config, …)`: `&` between terms, `|` between
    /// alternatives, `<->` between a phrase's words, `:*` on a prefix. Each word is quoted
    /// (`'word'`), although it holds only letters and digits, so it can never be read as an
    /// operator; `to_tsquery` still stems it with the configuration, as the index was.
    pub fn to_tsquery(&self) -> String {
        self.render(" | ", " & ", |t| {
            let last = t.words.len() - 1;
            let words: Vec<String> = t
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let star = if t.prefix && i == last { ":*" } else { "" };
                    format!("'{w}'{star}")
                })
                .collect();
            if words.len() == 1 {
                words.join("")
            } else {
                format!("({})", words.join(" <-> "))
            }
        })
    }

    fn render(&self, or: &str, and: &str, term: impl Fn(&Term) -> String) -> String {
        self.alternatives
            .iter()
            .map(|all| {
                let terms: Vec<String> = all.iter().map(&term).collect();
                if terms.len() > 1 && self.alternatives.len() > 1 {
                    format!("({})", terms.join(and))
                } else {
                    terms.join(and)
                }
            })
            .collect::<Vec<_>>()
            .join(or)
    }
}

/// Runs of letters and digits (what SQLite's unicode61 tokenizer indexes, and what the
/// PostgreSQL index is built from), lowercased.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn fts(q: &str) -> Option<String> {
        parse(q).map(|q| q.to_fts5())
    }

    fn ts(q: &str) -> Option<String> {
        parse(q).map(|q| q.to_tsquery())
    }

    #[test]
    fn translates_the_user_syntax_safely() {
        assert_eq!(
            fts("quarterly budget").as_deref(),
            Some("\"quarterly\" \"budget\"")
        );
        assert_eq!(
            fts("\"release the recorder\"").as_deref(),
            Some("\"release the recorder\"")
        );
        assert_eq!(fts("transcri*").as_deref(), Some("\"transcri\"*"));
        assert_eq!(fts("cat OR dog").as_deref(), Some("\"cat\" OR \"dog\""));
        assert_eq!(fts("OR cat OR").as_deref(), Some("\"cat\""));
        assert_eq!(fts("don't").as_deref(), Some("\"don t\""));
        assert_eq!(
            fts("NEAR(a b) AND ^x:y").as_deref(),
            Some("\"near a\" \"b\" \"and\" \"x y\"")
        );
        assert_eq!(fts("  \"\" *** "), None);
    }

    #[test]
    fn ands_bind_tighter_than_or() {
        assert_eq!(
            fts("a b OR c OR OR d e").as_deref(),
            Some("(\"a\" \"b\") OR \"c\" OR (\"d\" \"e\")")
        );
        assert_eq!(ts("a b OR c").as_deref(), Some("('a' & 'b') | 'c'"));
        assert_eq!(fts("a *** OR b").as_deref(), Some("\"a\" OR \"b\""));
        // Only an upper-case OR is the operator.
        assert_eq!(ts("cat or dog").as_deref(), Some("'cat' & 'or' & 'dog'"));
    }

    #[test]
    fn renders_a_tsquery_of_quoted_words_only() {
        assert_eq!(
            ts("quarterly budget").as_deref(),
            Some("'quarterly' & 'budget'")
        );
        assert_eq!(
            ts("\"Release the recorder\"").as_deref(),
            Some("('release' <-> 'the' <-> 'recorder')")
        );
        assert_eq!(ts("transcri*").as_deref(), Some("'transcri':*"));
        assert_eq!(ts("foo-ba*").as_deref(), Some("('foo' <-> 'ba':*)"));
        // A star inside quotes is no prefix (as in the FTS5 rendering).
        assert_eq!(ts("\"foo*\"").as_deref(), Some("'foo'"));
        assert_eq!(ts("cat OR dog").as_deref(), Some("'cat' | 'dog'"));
        assert_eq!(ts("don't").as_deref(), Some("('don' <-> 't')"));
        // tsquery operators, quotes, weights and backslashes are all dropped.
        assert_eq!(
            ts("a&b | !c <-> d:*AB 'e\\' (f)").as_deref(),
            Some("('a' <-> 'b') & 'c' & ('d' <-> 'ab') & 'e' & 'f'")
        );
        assert_eq!(ts(" ' & | ! <-> ( ) : * \\ "), None);
        assert_eq!(ts("Ünïcode ÄRGER").as_deref(), Some("'ünïcode' & 'ärger'"));
    }

    #[test]
    fn words_are_only_letters_and_digits() {
        let q = parse("x'; DROP TABLE segments; -- \"a:*\" b\\' OR c|d").expect("words");
        for t in q.alternatives().iter().flatten() {
            assert!(!t.words.is_empty());
            for w in &t.words {
                assert!(w.chars().all(char::is_alphanumeric), "{w:?}");
                assert_eq!(w, &w.to_lowercase());
            }
        }
        assert_eq!(q.alternatives().len(), 2);
    }
}
