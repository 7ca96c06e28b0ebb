//! Invite codes: 192 random bits, URL-safe base64; stored only as a SHA-256 hash (like tokens:
//! nothing to brute-force), used once, expiring. Creating one is shared by `POST /api/invites`
//! and `vidmsg-server invite create`.

use std::time::Duration;

use base64::Engine as _;
use rand::RngCore as _;
use vidmsg_api::{Id, Invite};

use crate::db::{Db, DbResult, NewInvite, now_ms};

/// A new invite code.
pub fn new_code() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores for a code.
pub fn hash_code(code: &str) -> String {
    crate::accounts::hash_token(code)
}

/// The code in what a person pasted: the code itself, or an invite link ending `/join/CODE`.
pub fn code_from_input(input: &str) -> &str {
    let input = input.trim().trim_end_matches('/');
    input.rsplit_once("/join/").map_or(input, |(_, code)| code)
}

/// The link that carries an invite: `{public_url}/join/{code}`.
pub fn url(public_url: &str, code: &str) -> String {
    format!("{}/join/{code}", public_url.trim_end_matches('/'))
}

/// Stores a new invite that expires after `lifetime`; `created_by` is `None` for the CLI.
pub async fn create(
    db: &Db,
    created_by: Option<Id>,
    lifetime: Duration,
    public_url: &str,
) -> DbResult<Invite> {
    create_into_spaces(db, created_by, &[], lifetime, public_url).await
}

/// Like [`create`]; joining with it also makes the new account a member of `spaces`.
pub async fn create_into_spaces(
    db: &Db,
    created_by: Option<Id>,
    spaces: &[Id],
    lifetime: Duration,
    public_url: &str,
) -> DbResult<Invite> {
    let code = new_code();
    let now = now_ms();
    let expires_at_ms = now.saturating_add(i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX));
    db.create_invite(&NewInvite {
        code_hash: hash_code(&code),
        created_by,
        expires_at_ms,
        spaces: spaces.to_vec(),
        now_ms: now,
    })
    .await?;
    Ok(Invite {
        url: url(public_url, &code),
        code,
        expires_at_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_url_safe_and_found_in_links() {
        let a = new_code();
        assert_ne!(a, new_code());
        assert_eq!(a.len(), 32);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        let link = url("http://h:1/", &a);
        assert_eq!(link, format!("http://h:1/join/{a}"));
        assert_eq!(code_from_input(&link), a);
        assert_eq!(code_from_input(&format!(" {a}\n")), a);
    }
}
