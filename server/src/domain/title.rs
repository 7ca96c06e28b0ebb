//! The title of a thread or a message: trimmed, not empty, at most [`Title::MAX_CHARS`].

use super::DomainError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 300;

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(DomainError("title must not be empty".into()));
        }
        if t.chars().count() > Self::MAX_CHARS {
            return Err(DomainError(format!(
                "title is longer than {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(t.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    /// Whether a stored title is a placeholder, not one its author gave: the server's default
    /// for a video posted without a title ("Untitled video") or a recorder's ("Untitled
    /// recording"). A message with a placeholder title shows its suggested title.
    pub fn is_placeholder(title: &str) -> bool {
        let t = title.trim().to_lowercase();
        t.is_empty() || t == "untitled" || t.starts_with("untitled ")
    }
}

#[cfg(test)]
mod tests {
    use super::Title;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            Title::parse("  Launch plan ").map(Title::into_inner),
            Ok("Launch plan".into())
        );
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse(&"x".repeat(301)).is_err());
        assert!(Title::parse(&"é".repeat(300)).is_ok());
    }

    #[test]
    fn placeholders_are_the_default_titles() {
        for t in ["Untitled video", "Untitled recording", "untitled", " "] {
            assert!(Title::is_placeholder(t), "{t}");
        }
        for t in ["Launch plan", "Untitledness", "Weekly update (untitled)"] {
            assert!(!Title::is_placeholder(t), "{t}");
        }
    }
}
