//! API tokens: random, shown once, stored only as a SHA-256 hash; user-name rules.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of every token, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "vm_";

/// A new token: `vm_` + 192 random bits in hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// What the database stores for a token. Tokens carry ≥128 random bits, so a fast hash is
/// enough: there is nothing to brute-force.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The first characters of a token, safe to show in listings.
pub fn token_hint(token: &str) -> String {
    token.chars().take(TOKEN_PREFIX.len() + 6).collect()
}

/// User names: 1–64 of `[A-Za-z0-9._-]`, starting with a letter or digit.
pub fn validate_user_name(name: &str) -> Result<(), String> {
    let ok_len = (1..=64).contains(&name.len());
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let ok_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if ok_len && ok_chars && ok_start {
        Ok(())
    } else {
        Err(format!(
            "invalid user name {name:?}: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_long_and_hash_stably() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 48);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), hash_token(&b));
        assert_eq!(hash_token(&a).len(), 64);
    }

    #[test]
    fn user_names() {
        assert!(validate_user_name("alice").is_ok());
        assert!(validate_user_name("bob.smith-2").is_ok());
        assert!(validate_user_name("").is_err());
        assert!(validate_user_name("-x").is_err());
        assert!(validate_user_name("a b").is_err());
        assert!(validate_user_name(&"a".repeat(65)).is_err());
    }
}
