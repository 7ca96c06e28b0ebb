//! The search syntax users type — words (all must match), `"exact phrases"`, `prefix*`, and `OR`
//! between alternatives — translated into an FTS5 query in which every term is quoted, so no
//! input can inject FTS5 operators.

/// Translates `input`; `None` if it holds no searchable word.
pub fn to_fts(input: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            let words = words(&phrase);
            if !words.is_empty() {
                terms.push(format!("\"{}\"", words.join(" ")));
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
                if terms.last().is_some_and(|t| t != "OR") {
                    terms.push("OR".into());
                }
                continue;
            }
            let prefix = raw.ends_with('*');
            let words = words(&raw);
            if words.is_empty() {
                continue;
            }
            let mut term = format!("\"{}\"", words.join(" "));
            if prefix {
                term.push('*');
            }
            terms.push(term);
        }
    }
    while terms.last().is_some_and(|t| t == "OR") {
        terms.pop();
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Runs of letters and digits (what the unicode61 tokenizer indexes).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::to_fts;

    #[test]
    fn translates_the_user_syntax_safely() {
        assert_eq!(
            to_fts("quarterly budget").as_deref(),
            Some("\"quarterly\" \"budget\"")
        );
        assert_eq!(
            to_fts("\"release the recorder\"").as_deref(),
            Some("\"release the recorder\"")
        );
        assert_eq!(to_fts("transcri*").as_deref(), Some("\"transcri\"*"));
        assert_eq!(to_fts("cat OR dog").as_deref(), Some("\"cat\" OR \"dog\""));
        assert_eq!(to_fts("OR cat OR").as_deref(), Some("\"cat\""));
        assert_eq!(to_fts("don't").as_deref(), Some("\"don t\""));
        assert_eq!(
            to_fts("NEAR(a b) AND ^x:y").as_deref(),
            Some("\"near a\" \"b\" \"and\" \"x y\"")
        );
        assert_eq!(to_fts("  \"\" *** "), None);
    }
}
