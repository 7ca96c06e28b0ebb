//! Sharing a thread by link. The author (its creator) or an admin switches it on, optionally
//! with a password and an expiry; anyone holding a shared URL (`/v/{message}?k=KEY`) may then
//! watch and read the thread's messages, never post. The key is 128 random bits, new each time
//! the link is switched on or changed, and switching it off deletes it: every copy dies at once.
//! A password, once given, is remembered by an unlock cookie derived from the key and the
//! password's hash, so a new password or a revoked link invalidates it too.

pub mod route;

use rand::RngCore as _;
use sha2::{Digest, Sha256};
use vidmsg_api::{Id, ThreadLink};

use crate::db::LinkRow;

/// A new random link key (32 hex digits).
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Why a shared URL does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No link, a wrong key, or an expired link: to the holder, all look the same.
    Dead,
    /// The key is right; the link asks for its password.
    NeedsPassword,
}

/// Whether `key` (from the URL) opens the thread whose link is `link`, at `now_ms`, for a
/// browser that holds `unlock` (the cookie a right password set, if any).
pub fn check(
    link: Option<&LinkRow>,
    key: &str,
    unlock: Option<&str>,
    now_ms: i64,
) -> Result<(), Denied> {
    let Some(link) = link else {
        return Err(Denied::Dead);
    };
    // Compare digests, so the time taken says nothing about how much of the key matched.
    if Sha256::digest(key.as_bytes()) != Sha256::digest(link.key.as_bytes()) {
        return Err(Denied::Dead);
    }
    if link.expires_at_ms.is_some_and(|t| t <= now_ms) {
        return Err(Denied::Dead);
    }
    match &link.password_hash {
        None => Ok(()),
        Some(_) if unlock.is_some_and(|u| u == unlock_token(link)) => Ok(()),
        Some(_) => Err(Denied::NeedsPassword),
    }
}

/// The value of the cookie that remembers a right password for this link.
pub fn unlock_token(link: &LinkRow) -> String {
    let mut h = Sha256::new();
    h.update(b"vidmsg link unlock\0");
    h.update(link.key.as_bytes());
    h.update(b"\0");
    h.update(link.password_hash.as_deref().unwrap_or("").as_bytes());
    hex::encode(h.finalize())
}

/// The shared URL of a message of a linked thread.
pub fn message_url(public_url: &str, message: Id, key: &str) -> String {
    format!("{}/v/{message}?k={key}", public_url.trim_end_matches('/'))
}

/// The link as the thread's viewers see it.
pub fn to_api(
    link: Option<&LinkRow>,
    public_url: &str,
    first_message: Option<Id>,
    now_ms: i64,
) -> ThreadLink {
    match link {
        None => ThreadLink {
            enabled: false,
            key: None,
            url: None,
            has_password: false,
            expires_at: None,
            expired: false,
        },
        Some(l) => ThreadLink {
            enabled: true,
            key: Some(l.key.clone()),
            url: first_message.map(|m| message_url(public_url, m, &l.key)),
            has_password: l.password_hash.is_some(),
            expires_at: l.expires_at_ms,
            expired: l.expires_at_ms.is_some_and(|t| t <= now_ms),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(password_hash: Option<&str>, expires_at_ms: Option<i64>) -> LinkRow {
        LinkRow {
            thread_id: 1,
            key: "k".repeat(32),
            password_hash: password_hash.map(str::to_string),
            expires_at_ms,
            created_by: 1,
            created_at_ms: 0,
        }
    }

    #[test]
    fn only_the_right_key_before_expiry_opens_and_a_password_needs_its_cookie() {
        let key = "k".repeat(32);
        let open = link(None, None);
        assert_eq!(check(Some(&open), &key, None, 5), Ok(()));
        assert_eq!(check(Some(&open), "wrong", None, 5), Err(Denied::Dead));
        assert_eq!(check(None, &key, None, 5), Err(Denied::Dead));
        let expiring = link(None, Some(10));
        assert_eq!(check(Some(&expiring), &key, None, 9), Ok(()));
        assert_eq!(check(Some(&expiring), &key, None, 10), Err(Denied::Dead));
        let locked = link(Some("$argon2id$a"), None);
        assert_eq!(
            check(Some(&locked), &key, None, 5),
            Err(Denied::NeedsPassword)
        );
        assert_eq!(
            check(Some(&locked), &key, Some("forged"), 5),
            Err(Denied::NeedsPassword)
        );
        let unlock = unlock_token(&locked);
        assert_eq!(check(Some(&locked), &key, Some(&unlock), 5), Ok(()));
        // A new password (another hash) invalidates the old cookie.
        let changed = link(Some("$argon2id$b"), None);
        assert_eq!(
            check(Some(&changed), &key, Some(&unlock), 5),
            Err(Denied::NeedsPassword)
        );
        assert_ne!(new_key(), new_key());
        assert_eq!(new_key().len(), 32);
    }
}
