//! A user's name: 1–64 of `[A-Za-z0-9._-]`, starting with a letter or digit (safe in URLs,
//! mentions and file names).

use super::DomainError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        let ok_len = (1..=64).contains(&name.len());
        let ok_chars = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        let ok_start = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if ok_len && ok_chars && ok_start {
            Ok(Self(name.to_string()))
        } else {
            Err(DomainError(format!(
                "invalid user name {name:?}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::UserName;

    #[test]
    fn names_are_checked() {
        assert!(UserName::parse("alice").is_ok());
        assert!(UserName::parse("bob.smith-2").is_ok());
        assert!(UserName::parse("").is_err());
        assert!(UserName::parse("-x").is_err());
        assert!(UserName::parse("a b").is_err());
        assert!(UserName::parse(&"a".repeat(65)).is_err());
    }
}
