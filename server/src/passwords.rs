//! Passwords: checked for length once at the edge, hashed with argon2id (default parameters)
//! into a PHC string, verified at the same cost whether or not the account exists (so timing
//! does not tell which names exist). A password is never logged, printed or stored in clear.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::RngCore as _;

/// Fewest characters a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most bytes a new password may have (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is too short: use at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password is too long: use at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    /// argon2's error type has no `std::error::Error` impl without its `std` feature: its text.
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// Checks a new password's length.
pub fn check_new(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong);
    }
    Ok(())
}

/// The argon2id PHC string of a new password (checked first), with a random 128-bit salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    check_new(password)?;
    hash_unchecked(password)
}

fn hash_unchecked(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash. Without a hash (no such user, or no password
/// set) it still does the work of one check, against a hash nobody's password matches, and
/// answers false. Oversized passwords are refused without hashing.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    match stored {
        Some(phc) => matches(password, phc),
        None => {
            if let Some(dummy) = dummy_hash() {
                let _ = matches(password, dummy);
            }
            false
        }
    }
}

fn matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash of a random password, made once: what a check without an account runs against.
fn dummy_hash() -> Option<&'static str> {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    DUMMY
        .get_or_init(|| {
            let mut secret = [0u8; 24];
            rand::rng().fill_bytes(&mut secret);
            hash_unchecked(&hex::encode(secret)).ok()
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash("correct horse").expect("hashes");
        assert!(h.starts_with("$argon2id$"));
        assert!(!h.contains("correct horse"));
        assert!(verify("correct horse", Some(&h)));
        assert!(!verify("correct horsf", Some(&h)));
        assert!(!verify("correct horse", None));
        assert!(!verify("anything", Some("not a phc string")));
        assert_ne!(h, hash("correct horse").expect("hashes"), "salts differ");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(matches!(check_new("1234567"), Err(PasswordError::TooShort)));
        assert!(check_new("12345678").is_ok());
        assert!(matches!(
            check_new(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(PasswordError::TooLong)
        ));
    }
}
